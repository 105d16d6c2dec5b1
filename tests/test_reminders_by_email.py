"""alice has no push: she confirms her address, then gets one email a day saying what is
due, with a link to Today, and stops them with one click that works without signing in."""

from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
import time_machine

from server.app import create_app
from server.settings import load_settings
from tests.email_helpers import Inbox, dispatch_with_email, mail_settings, text_of
from tests.reminders_helpers import Device, remind_at, reminders_of, settings_of, subscribe, utc
from tests.repair_helpers import check_in, commit

pytest_plugins = ["tests.reminders_helpers", "tests.email_helpers"]

FRIDAY_EVENING = utc(2026, 11, 20, 18, 0)  # London is on GMT in November
SATURDAY_0830 = utc(2026, 11, 21, 8, 30)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(FRIDAY_EVENING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app(db, smtp):
    return create_app(mail_settings(smtp, DATABASE_URL=db.url), run_migrations=False)


def choose_email(person, smtp: Inbox, channel: str = "email") -> str:
    """The person picks email on the settings page and opens the confirmation link."""
    response = person.post("/settings/reminders/email", {"channel": channel, "email": person.email})
    assert response.status_code == 303, response.text
    [confirmation] = smtp.to(person.email)
    link = re.search(r"http://testserver.local(/email/confirm/\S+)", text_of(confirmation)[0])
    assert link is not None
    return link.group(1)


def test_alice_gets_one_email_a_day_once_her_address_is_confirmed(frozen, smtp, bridge, alice):
    commitment = commit(alice, bridge, "Send Bob the weekly status by 5pm")
    check_in(alice, bridge, commitment, "kept")
    remind_at(alice, "08:30")
    confirm = choose_email(alice, smtp)
    assert "Waiting for you to open the link" in alice.get("/settings/reminders").text

    frozen.move_to(SATURDAY_0830)
    assert dispatch_with_email(smtp) == 0  # not confirmed: nothing goes to the address
    assert len(smtp.to(alice.email)) == 1  # the confirmation only

    assert "Address confirmed" in alice.get(confirm).text
    frozen.move_to(SATURDAY_0830 + timedelta(minutes=1))
    alice.post("/settings/reminders", {"local_time": "08:30", "weekdays": list(range(7))})
    frozen.move_to(SATURDAY_0830 + timedelta(days=1))  # Sunday 08:30
    assert dispatch_with_email(smtp) == 1
    assert dispatch_with_email(smtp) == 0  # once a day
    [_, reminder] = smtp.to(alice.email)
    plain, html = text_of(reminder)
    assert plain.startswith(
        "1 commitment today and 1 commitment from yesterday to check in on your bridge with Bob."
    )
    assert "weekly status" not in plain + html  # counts and names, never what was written
    assert "http://testserver.local/today" in plain
    assert 'href="http://testserver.local/today"' in html
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert reminder["List-Unsubscribe"].startswith("<http://testserver.local/email/unsubscribe/")
    assert reminders_of(alice.api("GET", "/me").json()["id"])[-1]["status"] == "sent"


def test_nothing_is_emailed_when_nothing_is_open(frozen, smtp, bridge, alice):
    remind_at(alice, "08:30")
    alice.get(choose_email(alice, smtp))
    frozen.move_to(SATURDAY_0830)
    assert dispatch_with_email(smtp) == 0
    assert len(smtp.to(alice.email)) == 1  # the confirmation only


def test_the_unsubscribe_link_works_once_without_signing_in_and_not_when_changed(
    frozen, smtp, bridge, alice, browser
):
    commit(alice, bridge)
    remind_at(alice, "08:30")
    alice.get(choose_email(alice, smtp))
    frozen.move_to(SATURDAY_0830)
    assert dispatch_with_email(smtp) == 1
    url = smtp.to(alice.email)[-1]["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("http://testserver.local")
    stranger = browser()  # a mail client: no session, no CSRF token

    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    refused = stranger.client.post(tampered, data={"List-Unsubscribe": "One-Click"})
    assert refused.status_code == 400
    assert settings_of(alice.api("GET", "/me").json()["id"])["channel"] == "email"

    assert "Stop email reminders" in stranger.get(path).text  # a GET changes nothing
    done = stranger.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "Unsubscribed" in done.text
    assert settings_of(alice.api("GET", "/me").json()["id"])["channel"] == "push"
    again = stranger.client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 400
    assert "You stopped email reminders" in alice.get("/settings/reminders").text


def test_a_refused_address_turns_email_off_for_alice_and_nothing_else(
    frozen, smtp, push, bridge, alice, bob
):
    commit(alice, bridge)
    commit(bob, bridge)
    for person in (alice, bob):
        remind_at(person, "08:30")
    alice.get(choose_email(alice, smtp, channel="both"))
    bob.get(choose_email(bob, smtp))
    phone = Device(push, "alice's phone")
    subscribe(alice, phone)
    smtp.refuse.add(alice.email)
    frozen.move_to(SATURDAY_0830)
    assert dispatch_with_email(smtp) == 2
    assert len(push.messages(phone)) == 1  # her push still went
    assert len(smtp.to(bob.email)) == 2  # bob's confirmation and his reminder
    alices = settings_of(alice.api("GET", "/me").json()["id"])
    assert alices["channel"] == "push"
    assert settings_of(bob.api("GET", "/me").json()["id"])["channel"] == "email"
    page = alice.get("/settings/reminders").text
    assert "Email reminders were turned off: the mail server refused alice@example.com" in page


def test_email_is_not_offered_without_smtp_settings(db, browser):
    from tests.conftest import Browser

    settings = load_settings({**os.environ, "DATABASE_URL": db.url, "SMTP_URL": ""})
    app = create_app(settings, run_migrations=False)
    carol = Browser(app, "carol")
    try:
        carol.sign_up()
        assert "By email" not in carol.get("/settings/reminders").text
    finally:
        carol.close()


def test_a_pause_holds_the_email_back_too(frozen, smtp, bridge, alice):
    commit(alice, bridge)
    remind_at(alice, "08:30")
    alice.get(choose_email(alice, smtp))
    response = alice.post("/settings/reminders/pause", {"until": "2026-11-22"})
    assert response.status_code == 303, response.text
    frozen.move_to(SATURDAY_0830)
    assert dispatch_with_email(smtp) == 0
    assert len(smtp.to(alice.email)) == 1  # the confirmation only


def test_a_malformed_address_is_a_form_error_and_nothing_is_sent(smtp, alice):
    response = alice.post("/settings/reminders/email", {"channel": "email", "email": "alice@"})
    assert response.status_code == 400
    assert "Give an email address like sam@example.com." in response.text
    assert smtp.messages == []


def test_an_email_a_dead_dispatcher_held_is_sent_once_by_another(frozen, smtp, bridge, alice):
    from server.reminders.dispatcher import LEASE
    from server.reminders.tables import PushAttempt, Reminder
    from tests.conftest import run

    commit(alice, bridge)
    remind_at(alice, "08:30")
    alice.get(choose_email(alice, smtp))
    alice_id = alice.api("GET", "/me").json()["id"]
    frozen.move_to(SATURDAY_0830)
    held = {
        "person": alice_id,
        "status": "sending",  # killed after its claim, mid-send
        "title": "Bridgework",
        "body": "1 commitment today on your bridge with Bob",
        "url": "/today",
        "claimed_by": "a dead dispatcher",
        "claimed_at": SATURDAY_0830 - LEASE - timedelta(seconds=1),
        "expires_at": utc(2026, 11, 22, 0, 0),
        "attempts": 0,
    }
    run(Reminder.insert(Reminder(local_day=SATURDAY_0830.date(), **held)))
    assert dispatch_with_email(smtp) == 1
    assert dispatch_with_email(smtp) == 0
    [reminder] = smtp.to(alice.email)[1:]
    assert text_of(reminder)[0].startswith("1 commitment today on your bridge with Bob.")
    [attempt] = run(PushAttempt.select().where(PushAttempt.person == alice_id))
    assert (attempt["device"], attempt["outcome"]) == ("email", "delivered")
