"""Single sign-on tests: a real OpenID provider on 127.0.0.1 (tests/oidc_provider.py)."""

from tests.oidc_provider import company, provider  # noqa: F401 (fixtures for these tests)
