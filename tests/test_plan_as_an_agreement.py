"""The repair plan as an agreement: each side answers the other's part as written."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from server.agreement.tables import PlanAnswer
from tests.conftest import PASSWORD, run
from tests.repair_helpers import act, key


def write(person, bridge: int, my_part: str, restored: str = "") -> None:
    response = person.api(
        "PUT", f"/bridges/{bridge}/plan", {"my_part": my_part, "restored_trust": restored}
    )
    assert response.status_code == 200, response.text


def agreement(person, bridge: int) -> dict:
    response = person.api("GET", f"/bridges/{bridge}/plan/agreement")
    assert response.status_code == 200, response.text
    return response.json()


def side(seen: dict, letter: str) -> dict:
    return next(s for s in seen["sides"] if s["side"] == letter)


def answer(person, bridge: int, part: int, what: str = "agree", note: str = "", **kw):
    return act(person, bridge, "plan/answers", {"part": part, "answer": what, "note": note}, **kw)


def part_of(person, bridge: int, letter: str) -> int:
    return side(agreement(person, bridge), letter)["part_id"]


def words(page: str) -> str:
    """The page as a person reads it: the text, without tags, one space between words
    (and &#39; as the apostrophe it shows)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return " ".join(text.split())


def first_link_in_main(html: str) -> str:
    """The first link after the breadcrumbs: what the page offers first."""
    main = html.split("<main", 1)[1]
    main = re.sub(r'<p class="crumbs">.*?</p>', "", main, count=1, flags=re.S)
    return re.search(r'<a [^>]*href="([^"]+)"', main)[1]


def test_the_plan_shows_who_agreed_and_since_when_once_both_sides_agree(bridge, alice, bob):
    write(alice, bridge, "I stopped replying to Bob", "Bob trusts my estimates")
    write(bob, bridge, "I escalated too fast", "We talk before we escalate")
    assert answer(alice, bridge, part_of(alice, bridge, "b")).status_code == 201

    seen = agreement(bob, bridge)
    assert side(seen, "a")["answer_to_other"] == "agreed" and side(seen, "a")["since"]
    assert side(seen, "b")["answer_to_other"] == "waiting"
    assert seen["agreed_since"] is None
    page = words(bob.get(f"/bridges/{bridge}/agreement").text)
    assert "Alice agreed to your part on" in page
    assert "You have not answered Alice's part yet" in page
    assert "I agree to Alice's part" in page

    assert answer(bob, bridge, part_of(bob, bridge, "a")).status_code == 201
    assert agreement(alice, bridge)["agreed_since"] is not None
    for person in (alice, bob):
        page = words(person.get(f"/bridges/{bridge}/agreement").text)
        assert "Agreed by both of you since" in page
        assert "I agree to" not in page  # nothing left to agree to


def test_an_agreed_plan_is_what_the_bridge_page_links_to_first(bridge, alice, bob):
    write(alice, bridge, "I stopped replying")
    write(bob, bridge, "I escalated")
    assert first_link_in_main(alice.get(f"/bridges/{bridge}").text) != (
        f"/bridges/{bridge}/agreement"
    )
    answer(alice, bridge, part_of(alice, bridge, "b"))
    answer(bob, bridge, part_of(bob, bridge, "a"))
    for person in (alice, bob):
        page = person.get(f"/bridges/{bridge}").text
        assert first_link_in_main(page) == f"/bridges/{bridge}/agreement"
        assert "Your agreed plan" in page


def test_editing_a_part_after_agreement_asks_the_other_side_again_and_says_so(bridge, alice, bob):
    write(alice, bridge, "I stopped replying")
    write(bob, bridge, "I escalated")
    answer(alice, bridge, part_of(alice, bridge, "b"))
    answer(bob, bridge, part_of(bob, bridge, "a"))

    form = words(alice.get(f"/bridges/{bridge}/plan").text)
    assert "Saving a change asks Bob to agree again" in form
    saved = alice.post(f"/bridges/{bridge}/plan", {"my_part": "I stopped replying for weeks"})
    assert saved.status_code == 303

    seen = agreement(bob, bridge)
    assert side(seen, "b")["answer_to_other"] == "changed_since"
    assert side(seen, "a")["answer_to_other"] == "agreed"  # Alice's own answer stands
    assert seen["agreed_since"] is None
    page = words(bob.get(f"/bridges/{bridge}/agreement").text)
    assert "agreed to an earlier version of Alice's part" in page
    assert "I agree to Alice's part" in page
    assert "Your agreed plan" not in bob.get(f"/bridges/{bridge}").text
    # Saving the same words again changes nothing: Bob's answer is not asked for twice.
    answer(bob, bridge, part_of(bob, bridge, "a"))
    alice.post(f"/bridges/{bridge}/plan", {"my_part": "I stopped replying for weeks"})
    assert agreement(bob, bridge)["agreed_since"] is not None


def test_asking_for_a_change_needs_a_note_and_the_other_side_reads_it(bridge, alice, bob):
    write(alice, bridge, "I stopped replying")
    part = part_of(bob, bridge, "a")
    empty = bob.post(
        f"/bridges/{bridge}/plan/answers",
        {"part": part, "answer": "change", "note": "  ", "idempotency_key": key()},
    )
    assert empty.status_code == 400
    assert "Say what you would like changed" in empty.text
    assert 'aria-invalid="true"' in empty.text

    asked = bob.post(
        f"/bridges/{bridge}/plan/answers",
        {"part": part, "answer": "change", "note": "Say which weeks", "idempotency_key": key()},
    )
    assert asked.status_code == 303
    page = words(alice.get(f"/bridges/{bridge}/agreement").text)
    assert "Bob asks for a change: Say which weeks" in page
    assert "Bob asks for a change to your part." in words(alice.get(f"/bridges/{bridge}").text)
    assert side(agreement(alice, bridge), "b")["note"] == "Say which weeks"


def test_an_answer_to_a_part_that_changed_meanwhile_is_refused(bridge, alice, bob):
    write(alice, bridge, "First words")
    old = part_of(bob, bridge, "a")
    write(alice, bridge, "Second words")
    api = answer(bob, bridge, old)
    assert api.status_code == 409
    assert "Alice changed their part since you opened it" in api.json()["detail"]
    page = bob.post(
        f"/bridges/{bridge}/plan/answers",
        {"part": old, "answer": "agree", "idempotency_key": key()},
    )
    assert page.status_code == 409
    assert "Alice changed their part since you opened it" in page.text
    assert "Second words" in page.text


def test_there_is_nothing_to_agree_to_before_the_other_side_writes(bridge, alice, bob):
    write(alice, bridge, "Mine")
    own = answer(alice, bridge, part_of(alice, bridge, "a"))
    assert own.status_code == 409
    assert "Bob has not written their part yet" in own.json()["detail"]
    assert "When Bob writes their part" in alice.get(f"/bridges/{bridge}/agreement").text


def test_bad_answers_get_4xx_json_never_a_500(bridge, alice, bob):
    write(bob, bridge, "Bob's")
    part = part_of(alice, bridge, "b")
    assert answer(alice, bridge, part, what="maybe").status_code == 400
    assert answer(alice, bridge, part, what="change", note="x" * 1001).status_code == 400
    assert (
        act(alice, bridge, "plan/answers", {"part": "seven", "answer": "agree"}).status_code == 400
    )
    no_key = alice.api("POST", f"/bridges/{bridge}/plan/answers", {"part": part, "answer": "agree"})
    assert no_key.status_code == 400


def test_the_same_answer_sent_twice_is_recorded_once(bridge, alice, bob):
    write(bob, bridge, "Bob's")
    part = part_of(alice, bridge, "b")
    once = key()
    first = answer(alice, bridge, part, idempotency_key=once)
    again = answer(alice, bridge, part, idempotency_key=once)
    assert first.json() == again.json()
    assert run(PlanAnswer.count()) == 1


def test_mallory_and_carol_never_reach_the_plan_or_its_notes(bridge, alice, bob, carol, mallory):
    write(alice, bridge, "Alice's private words")
    part = part_of(bob, bridge, "a")
    answer(bob, bridge, part, what="change", note="Bob's note to Alice")
    for outsider in (mallory, carol):
        assert outsider.get(f"/bridges/{bridge}/agreement").status_code == 404
        assert outsider.api("GET", f"/bridges/{bridge}/plan/agreement").status_code == 404
        assert answer(outsider, bridge, part).status_code == 404
        tried = outsider.post(
            f"/bridges/{bridge}/plan/answers",
            {"part": part, "answer": "agree", "idempotency_key": key()},
        )
        assert tried.status_code == 404
    assert run(PlanAnswer.count()) == 1


# ---------------------------------------------------------------- commitments start today


def today_of(person) -> date:
    return date.fromisoformat(person.api("GET", "/today").json()["today"])


def test_a_commitment_cannot_start_on_a_day_already_past(bridge, alice):
    yesterday = today_of(alice) - timedelta(days=1)
    api = act(
        alice, bridge, "commitments",
        {"text": "Reply the same day", "cadence": "daily", "start": yesterday.isoformat()},
    )  # fmt: skip
    assert api.status_code == 400
    assert api.json()["errors"] == {
        "start": "A commitment starts today or later: nothing can be checked in for days "
        "before it existed."
    }
    page = alice.post(
        f"/bridges/{bridge}/commitments",
        {"text": "Reply", "cadence": "daily", "start": yesterday.isoformat(),
         "idempotency_key": key()},
    )  # fmt: skip
    assert page.status_code == 400
    assert "A commitment starts today or later" in page.text
    assert alice.api("GET", "/today").json()["items"] == []


def test_a_commitment_from_today_cannot_be_checked_in_for_yesterday(bridge, alice):
    today = today_of(alice)
    made = act(
        alice, bridge, "commitments",
        {"text": "Reply the same day", "cadence": "daily", "start": today.isoformat()},
    )  # fmt: skip
    assert made.status_code == 201
    commitment = made.json()["commitment_id"]
    back = act(
        alice, bridge, "checkins",
        {"commitment": commitment, "outcome": "kept",
         "day": (today - timedelta(days=1)).isoformat()},
    )  # fmt: skip
    assert 400 <= back.status_code < 500
    kept = act(alice, bridge, "checkins", {"commitment": commitment, "outcome": "kept"})
    assert kept.status_code == 201


def test_bob_exports_his_answers_and_deleting_his_account_empties_his_notes(bridge, alice, bob):
    write(alice, bridge, "Alice's part")
    answer(bob, bridge, part_of(bob, bridge, "a"), what="change", note="BOB-NOTE-TO-ALICE")
    [his] = bob.get("/settings/export").json()["bridges"]
    assert [(a["answer"], a["note"]) for a in his["plan_answers"]] == [
        ("change", "BOB-NOTE-TO-ALICE")
    ]
    [hers] = alice.get("/settings/export").json()["bridges"]
    assert hers["plan_answers"] == []  # what Bob wrote is his to export, not hers
    assert bob.post("/settings/delete", {"password": PASSWORD}).status_code == 200
    assert [r["note"] for r in run(PlanAnswer.select(PlanAnswer.note))] == [""]
