"""OIDC_ONLY: with it, every way in but the identity provider is closed, not just hidden."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

COMPANY_ONLY = "This workplace signs in with its company account only."


def not_company_only(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Refuse a password or passkey sign-in or sign-up when OIDC_ONLY is set."""
    if connection.app.state.settings.oidc_only:
        raise PermissionDeniedException(COMPANY_ONLY)
