"""What a passkey sign-in and a single sign-on callback cost, on SQLite.

Prints:
  passkey_sign_in_ms: median time of the server's side of a passkey sign-in (find
    the passkey, take the challenge, py_webauthn's checks, record the counter), for
    an ES256 assertion from the tests' software authenticator
  oidc_callback_ms: median time from the identity provider's redirect back to a
    signed-in session: the code redeemed at a provider on 127.0.0.1, the ID token
    verified, the session stored (the provider's keys and discovery already read)
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import warnings
from urllib.parse import urlsplit

from harness import SCRATCH, figure, migrate, say

warnings.filterwarnings("ignore")  # Authlib's note about httpx2 is not a figure

ROUNDS = 40


def bind_everything(url: str) -> None:
    from server.db import engine_from_url
    from server.piccolo_conf import APP_REGISTRY

    engine = engine_from_url(url)
    for app in APP_REGISTRY.app_configs.values():
        for table in app.table_classes:
            table._meta.db = engine


async def passkey_rounds() -> list[float]:
    from server.accounts import service as accounts
    from server.accounts.throttle import Client
    from server.signin import passkeys
    from server.tables import User
    from tests.passkey_helpers import SoftwareAuthenticator

    rp = passkeys.RelyingParty(id="bench.local", origin="https://bench.local")
    phone = SoftwareAuthenticator(origin="https://bench.local")
    browser, secret = "bench-browser-cookie", "bench-secret"
    form = accounts.SignUp("alice@example.com", "Alice", "", "UTC")
    options = await passkeys.registration_options(rp, browser, secret, sign_up=form)
    await passkeys.sign_up(rp, browser, "Bench phone", phone.create(options))
    assert await User.count() == 1
    timings = []
    for _ in range(ROUNDS):
        options = await passkeys.authentication_options(rp, browser)
        assertion = phone.get(options)
        start = time.perf_counter()
        await passkeys.authenticate(rp, browser, assertion, Client("127.0.0.1"), secret)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def oidc_rounds(url: str) -> list[float]:
    import httpx
    from litestar.testing import TestClient

    from server.app import create_app
    from server.settings import load_settings
    from tests.oidc_provider import running_provider

    timings = []
    with running_provider() as provider:
        settings = load_settings({**os.environ, "DATABASE_URL": url, **provider.env()})
        with TestClient(create_app(settings, run_migrations=False)) as client:
            client.follow_redirects = False
            for _ in range(ROUNDS + 1):
                client.cookies.clear()
                start_response = client.get("/signin/sso")
                answer = httpx.get(start_response.headers["location"], follow_redirects=False)
                back = urlsplit(answer.headers["location"])
                start = time.perf_counter()
                response = client.get(f"{back.path}?{back.query}")
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 303, response.text
    return timings[1:]  # the first reads the provider's discovery document and keys


def main() -> None:
    url = f"sqlite:///{SCRATCH / 'sign_in.sqlite3'}"
    say("migrating a scratch SQLite database")
    migrate(url)
    bind_everything(url)
    say(f"{ROUNDS} passkey sign-ins")
    passkey = asyncio.run(passkey_rounds())
    say(f"{ROUNDS} single sign-on callbacks against a provider on 127.0.0.1")
    oidc = oidc_rounds(url)
    figure("passkey_sign_in_ms", f"{statistics.median(passkey):.2f}")
    figure("oidc_callback_ms", f"{statistics.median(oidc):.2f}")


if __name__ == "__main__":
    main()
