"""The repair loop's pages work with plain forms, without JavaScript."""

from __future__ import annotations

import re

from tests.repair_helpers import check_in, commit, state


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)


def test_alice_adds_a_weekday_commitment_through_the_form(bridge, alice, bob):
    form = alice.get(f"/bridges/{bridge}/commitments/new")
    assert form.status_code == 200
    response = alice.post(
        f"/bridges/{bridge}/commitments",
        {
            "idempotency_key": _key(form.text),
            "text": "Share the checklist before stand-up",
            "cadence": "weekdays",
            "weekdays": ["0", "2", "4"],
        },
    )
    assert response.status_code == 303
    listed = state(bob, bridge)["commitments"]
    assert listed[0]["cadence"] == "every Mon, Wed, Fri"


def test_a_bad_commitment_form_shows_the_message_and_keeps_the_text(bridge, alice):
    form = alice.get(f"/bridges/{bridge}/commitments/new")
    response = alice.post(
        f"/bridges/{bridge}/commitments",
        {"idempotency_key": _key(form.text), "text": "Share the checklist", "cadence": "once"},
    )
    assert response.status_code == 400
    assert "needs the date it will be done by" in response.text
    assert 'value="Share the checklist"' in response.text


def test_alice_checks_in_from_today_with_one_tap_and_sees_the_plank_laid(bridge, alice):
    commit(alice, bridge, "Reply the same day")
    today = alice.get("/today").text
    assert "Reply the same day" in today
    commitment = re.search(r'name="commitment" value="(\d+)"', today).group(1)
    day = re.search(r'name="day" value="([\d-]+)"', today).group(1)
    response = alice.post(
        f"/bridges/{bridge}/checkins",
        {
            "idempotency_key": _key(today),
            "commitment": commitment,
            "day": day,
            "outcome": "kept",
            "next": "/today",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/today?laid=1&undo=")
    after = alice.get(response.headers["location"]).text
    assert "Plank laid." in after
    assert "Kept" in after


def test_resubmitting_the_same_today_form_creates_one_check_in(bridge, alice):
    commit(alice, bridge)
    today = alice.get("/today").text
    fields = {
        "idempotency_key": _key(today),
        "commitment": re.search(r'name="commitment" value="(\d+)"', today).group(1),
        "day": re.search(r'name="day" value="([\d-]+)"', today).group(1),
        "outcome": "kept",
    }
    assert alice.post(f"/bridges/{bridge}/checkins", fields).status_code == 303
    assert alice.post(f"/bridges/{bridge}/checkins", fields).status_code == 303
    assert state(alice, bridge)["sides"]["a"]["planks"] == 1


def test_the_listening_form_guides_with_the_prompts(bridge, alice):
    page = alice.get(f"/bridges/{bridge}/listening/new").text
    assert "How did this affect you?" in page
    assert "What did you need that you didn't get?" in page
    assert "What would restored trust look like from your side?" in page


def test_alice_owns_a_mistake_through_the_form_and_bob_reads_it(bridge, alice, bob):
    form = alice.get(f"/bridges/{bridge}/mistakes/new").text
    response = alice.post(
        f"/bridges/{bridge}/mistakes",
        {
            "idempotency_key": _key(form),
            "what_happened": "I missed the review",
            "my_part": "I didn't block the time",
            "differently": "Calendar it the day before",
        },
    )
    assert response.status_code == 303
    page = bob.get(f"/bridges/{bridge}").text
    assert "Calendar it the day before" in page
    assert "Acknowledge" in page


def test_the_bridge_drawing_has_a_text_equivalent(bridge, alice, bob):
    page = alice.get(f"/bridges/{bridge}").text
    desc = re.search(r'<desc id="drawing-desc">([^<]+)</desc>', page).group(1)
    assert desc.startswith("Your side: 0 of 15 planks, 0 secured; Bob&#39;s side: 0 of 15")
    assert "Health 0" in desc


def test_the_plan_form_saves_my_part(bridge, alice, bob):
    response = alice.post(
        f"/bridges/{bridge}/plan", {"my_part": "I went quiet", "restored_trust": "We talk first"}
    )
    assert response.status_code == 303
    assert "I went quiet" in bob.get(f"/bridges/{bridge}").text


def test_a_second_keep_on_the_same_day_says_the_plank_was_already_laid(bridge, alice):
    commit(alice, bridge, "Reply the same day")
    commit(alice, bridge, "Share the checklist")
    for expected in ("/today?laid=1", "/today?kept=1"):
        today = alice.get("/today").text
        fields = {
            "idempotency_key": _key(today),
            "commitment": re.search(r'name="commitment" value="(\d+)"', today).group(1),
            "day": re.search(r'name="day" value="([\d-]+)"', today).group(1),
            "outcome": "kept",
            "next": "/today",
        }
        response = alice.post(f"/bridges/{bridge}/checkins", fields)
        assert response.headers["location"].startswith(expected + "&undo=")
    assert "one a day counts" in alice.get("/today?kept=1").text


def _alice_keeps(alice, bridge: int, texts: list[str]) -> None:
    for text in texts:
        commitment = commit(alice, bridge, text)
        assert check_in(alice, bridge, commitment).status_code == 201


def test_bob_confirms_many_of_alices_kept_items_from_today_with_one_tap(bridge, alice, bob):
    _alice_keeps(alice, bridge, ["Reply the same day", "Share the agenda", "Ask first", "Credit"])
    today = bob.get("/today").text
    assert "Alice kept 4 items since" in today
    assert "Share the agenda" in today  # what they were, before confirming them all
    assert "Confirm all 4" in today
    form = today[today.index(f'action="/bridges/{bridge}/confirmations/kept"') :]
    response = bob.post(
        f"/bridges/{bridge}/confirmations/kept",
        {
            "idempotency_key": _key(form),
            "acts": re.search(r'name="acts" value="([\d,]+)"', form).group(1),
            "next": "/today",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/today?secured={bridge}&many=1"
    after = bob.get(response.headers["location"]).text
    assert "Confirmed — Alice's planks are secured." in after
    assert "Waiting for you" not in after
    assert all(e["confirmed"] for e in state(alice, bridge)["timeline"] if e["kind"] == "kept")


def test_a_few_kept_items_are_confirmed_one_by_one(bridge, alice, bob):
    _alice_keeps(alice, bridge, ["Reply the same day", "Share the agenda", "Ask first"])
    today = bob.get("/today").text
    assert today.count("Alice kept: ") == 3
    assert "Confirm all" not in today
