"""Nothing forged or replayed signs anyone in by single sign-on: each is refused with a page
that says why, and nobody is signed in or created."""

from __future__ import annotations

import pytest

from server.tables import User
from tests.conftest import run
from tests.oidc_provider import sso_sign_in, through_provider


def _refused(response, says: str) -> None:
    assert response.status_code == 400, response.text
    assert "Company sign-in didn" in response.text
    assert says in response.text


def _nobody_signed_in(person) -> None:
    assert person.api("GET", "/me").status_code == 401
    assert run(User.count()) == 0


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        ("signature", "was not signed by your company"),
        ("key", "was not signed by your company"),
        ("aud", "meant for another app"),
        ("expired", "has expired"),
        ("nonce", "belongs to another sign-in"),
        ("issuer", "came from another identity provider"),
    ],
)
def test_a_bad_id_token_is_refused(company, provider, tamper, says):
    provider.tamper = tamper
    carol = company("carol")
    _refused(sso_sign_in(carol), says)
    _nobody_signed_in(carol)


def test_a_reused_code_is_refused(company, provider):
    carol = company("carol")
    first = through_provider(carol)
    assert carol.get(first).status_code == 303
    carol.post("/signout")
    used_code = first.split("code=")[1].split("&")[0]
    fresh = through_provider(carol)
    replay = fresh.replace(fresh.split("code=")[1].split("&")[0], used_code)
    _refused(carol.get(replay), "did not accept this sign-in")
    assert carol.api("GET", "/me").status_code == 401


def test_a_callback_used_twice_is_refused(company):
    carol = company("carol")
    callback = through_provider(carol)
    assert carol.get(callback).status_code == 303
    carol.post("/signout")
    _refused(carol.get(callback), "already used")


def test_a_mismatched_state_is_refused(company):
    carol = company("carol")
    callback = through_provider(carol)
    state = callback.split("state=")[1]
    _refused(carol.get(callback.replace(state, "not-" + state)), "Start again")
    _nobody_signed_in(carol)


def test_a_sign_in_started_in_another_browser_is_refused(company):
    mallory, carol = company("mallory"), company("carol")
    # mallory starts a sign-in and gets carol's browser to finish it (login CSRF)
    planted = through_provider(mallory)
    _refused(carol.get(planted), "started in another browser")
    _nobody_signed_in(carol)


def test_an_email_outside_the_allowed_domains_is_refused(company):
    carol = company("carol", OIDC_ALLOWED_DOMAINS="example.org")
    _refused(sso_sign_in(carol), "only addresses at example.org can")
    _nobody_signed_in(carol)


def test_an_unverified_email_creates_no_account(company, provider):
    provider.person.email_verified = False
    carol = company("carol")
    _refused(sso_sign_in(carol), "has not verified your email")
    _nobody_signed_in(carol)


def test_the_provider_saying_no_is_refused(company):
    carol = company("carol")
    callback = through_provider(carol)
    state = callback.split("state=")[1]
    _refused(carol.get(f"/signin/sso/callback?error=access_denied&state={state}"), "said no")


def test_without_email_verified_only_the_companys_own_domains_are_trusted(company, provider):
    provider.person.email_verified = None  # as Entra ID sends it
    _refused(sso_sign_in(company("carol")), "has not verified your email")
    carol = company("carol", OIDC_ALLOWED_DOMAINS="example.com")
    assert sso_sign_in(carol).status_code == 303
    assert carol.api("GET", "/me").json()["email"] == "carol@example.com"
