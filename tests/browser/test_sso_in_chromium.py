"""carol signs in with her work account: a full round trip in Chromium through a real
OpenID provider on 127.0.0.1, which creates her Bridgework account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.oidc_provider import Provider, running_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def company_provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[Provider]:
    """The identity provider, and the settings that point the live server at it
    (asked for before `live_server`, which starts from this environment)."""
    with running_provider() as provider:
        for name, value in provider.env().items():
            monkeypatch.setenv(name, value)
        yield provider


def test_carols_first_company_sign_in_creates_her_account_on_her_phone(
    company_provider: Provider, live_server: str, phone: Any, screenshot: Any
) -> None:
    carol = phone().new_page()
    carol.goto(f"{live_server}/signin")
    screenshot(carol, "signin-sso")
    carol.get_by_role("link", name="Sign in with your company account").click()

    # Back from the provider: her account exists; she picks her time zone once.
    expect(carol.get_by_role("heading", name="Welcome, Carol")).to_be_visible()
    expect(carol.get_by_label("Time zone")).to_have_value("Europe/London")
    carol.get_by_role("button", name="Continue").click()
    expect(carol.get_by_role("heading", name="Hello, Carol")).to_be_visible()

    # Signing out offers to sign out of the company account too.
    carol.goto(f"{live_server}/settings")
    carol.get_by_role("button", name="Sign out of this device").click()
    expect(carol.get_by_role("heading", name="You are signed out of Bridgework")).to_be_visible()
    company_sign_out = carol.get_by_role("link", name="Sign out of your company account too")
    assert (company_sign_out.get_attribute("href") or "").startswith(
        f"{company_provider.issuer}/logout?client_id=bridgework"
    )

    # The next time, the same account, straight home.
    carol.goto(f"{live_server}/signin")
    carol.get_by_role("link", name="Sign in with your company account").click()
    expect(carol.get_by_role("heading", name="Hello, Carol")).to_be_visible()


def test_a_tampered_id_token_ends_on_a_page_that_says_so(
    company_provider: Provider, live_server: str, phone: Any
) -> None:
    company_provider.tamper = "signature"
    mallory = phone().new_page()
    mallory.goto(f"{live_server}/signin")
    mallory.get_by_role("link", name="Sign in with your company account").click()
    expect(mallory.get_by_role("heading", name="Company sign-in didn't work")).to_be_visible()
    expect(mallory.get_by_role("alert")).to_contain_text("was not signed by your company")
