"""bob reads en-US, alice en-GB: the reminder emails the dispatcher writes them, with no
request to read a locale from, give the day as their pages do. Each person's locale is
remembered when they sign up or sign in, and again when a page they open asks for
another; a person whose browser never named one keeps the British default."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine

from server.app import create_app
from server.tables import User
from tests.conftest import PASSWORD, run
from tests.email_helpers import Inbox, dispatch_with_email, mail_settings, text_of
from tests.reminders_helpers import remind_at, utc
from tests.repair_helpers import commit

pytest_plugins = ["tests.reminders_helpers", "tests.email_helpers"]

FRIDAY_EVENING = utc(2026, 11, 20, 18, 0)  # London is on GMT in November
SATURDAY_0830 = utc(2026, 11, 21, 8, 30)
US, GB = "en-US,en;q=0.9", "en-GB,en;q=0.9"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_EVENING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app(db, smtp):
    return create_app(mail_settings(smtp, DATABASE_URL=db.url), run_migrations=False)


def locale_of(person: Any) -> str:
    row = run(User.select(User.locale).where(User.email == person.email).first())
    assert row is not None
    return str(row["locale"])


def reading(person: Any, header: str | None) -> Any:
    """The person's browser asks for `header` from now on (None: no Accept-Language)."""
    person.client.headers.pop("accept-language", None)
    if header is not None:
        person.client.headers["accept-language"] = header
    return person


def signed_in_again(browser: Any, name: str, header: str) -> Any:
    """`name` signs in on a new browser whose language is `header`."""
    person = reading(browser(name), header)
    assert person.sign_in().status_code == 303
    return person


def wants_email(person: Any, smtp: Inbox, bridge: int) -> None:
    """Something due on the bridge, a reminder at 08:30, by email to a confirmed address."""
    commit(person, bridge)
    remind_at(person, "08:30")
    response = person.post("/settings/reminders/email", {"channel": "email", "email": person.email})
    assert response.status_code == 303, response.text
    [confirmation] = smtp.to(person.email)
    link = re.search(r"http://testserver.local(/email/confirm/\S+)", text_of(confirmation)[0])
    assert link is not None
    assert person.get(link.group(1)).status_code == 200


def subject_of_reminder(smtp: Inbox, person: Any) -> str:
    [_, reminder] = smtp.to(person.email)  # the confirmation, then the reminder
    return str(reminder["Subject"])


def test_bob_in_america_and_alice_in_britain_each_read_the_day_their_own_way(
    frozen, smtp, bridge, browser, alice, bob
):
    bob = signed_in_again(browser, "bob", US)
    alice = signed_in_again(browser, "alice", GB)
    assert (locale_of(bob), locale_of(alice)) == ("en_US", "en_GB")
    for person in (alice, bob):
        wants_email(person, smtp, bridge)

    frozen.move_to(SATURDAY_0830)
    assert dispatch_with_email(smtp) == 2  # one pass writes to both, each in their own
    assert subject_of_reminder(smtp, bob).endswith("(Saturday, November 21)")
    assert subject_of_reminder(smtp, alice).endswith("(Saturday 21 November)")


def test_alice_whose_browser_never_named_a_language_keeps_the_british_default(
    frozen, smtp, bridge, alice
):
    wants_email(alice, smtp, bridge)
    assert locale_of(alice) == ""
    frozen.move_to(SATURDAY_0830)
    assert dispatch_with_email(smtp) == 1
    assert subject_of_reminder(smtp, alice).endswith("(Saturday 21 November)")


def test_carol_signing_up_in_america_is_remembered_as_american(browser):
    carol = reading(browser("carol"), US)
    assert carol.sign_up().status_code == 303
    assert locale_of(carol) == "en_US"


def test_bobs_locale_follows_the_pages_he_opens_but_not_a_client_that_names_none(bob):
    assert locale_of(bob) == ""
    assert reading(bob, US).get("/today").status_code == 200
    assert locale_of(bob) == "en_US"
    assert reading(bob, None).get("/today").status_code == 200  # a script: no language
    assert reading(bob, "").api("GET", "/me").status_code == 200
    assert locale_of(bob) == "en_US"
    assert reading(bob, GB).get("/today").status_code == 200  # he moved to London
    assert locale_of(bob) == "en_GB"


def test_bobs_export_holds_the_locale_his_reminders_are_written_in(bob):
    reading(bob, US)
    assert bob.api("GET", "/me/export").json()["account"]["locale"] == "en_US"


def test_bobs_locale_leaves_with_his_account(bob):
    reading(bob, US).get("/today")
    user_id = bob.api("GET", "/me").json()["id"]
    assert bob.post("/settings/delete", {"password": PASSWORD}).status_code == 200
    row = run(User.select(User.locale).where(User.id == user_id).first())
    assert row == {"locale": ""}  # his row stays, anonymised, for the bridge's log
