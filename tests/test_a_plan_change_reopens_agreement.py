"""A plan change re-opens agreement: when one side adds or retires a commitment after
both agreed, the other side's agreement lapses and both pages say so; the changer's
own agreement to the other's part stands."""

from __future__ import annotations

from tests.repair_helpers import commit, key
from tests.test_plan_as_an_agreement import agreement, answer, part_of, side, words, write


def both_agree(bridge: int, alice, bob) -> None:
    write(alice, bridge, "I stopped replying")
    write(bob, bridge, "I escalated")
    assert answer(alice, bridge, part_of(alice, bridge, "b")).status_code == 201
    assert answer(bob, bridge, part_of(bob, bridge, "a")).status_code == 201
    assert agreement(alice, bridge)["agreed_since"] is not None


def test_alice_adds_a_commitment_and_bob_is_asked_again_while_alices_agreement_stands(
    bridge, alice, bob
):
    both_agree(bridge, alice, bob)
    commit(alice, bridge, "Reply to Bob the same day")

    seen = agreement(bob, bridge)
    assert side(seen, "b")["answer_to_other"] == "changed_since"
    assert side(seen, "a")["answer_to_other"] == "agreed"
    assert seen["agreed_since"] is None

    bobs_bridge = words(bob.get(f"/bridges/{bridge}").text)
    assert "Alice changed their part on" in bobs_bridge
    assert "agree or ask for a change" in bobs_bridge
    assert "Your agreed plan" not in bobs_bridge
    bobs_plan = words(bob.get(f"/bridges/{bridge}/agreement").text)
    assert "Agreed by both of you" not in bobs_plan
    assert "agreed to an earlier version of Alice's part" in bobs_plan
    assert "Reply to Bob the same day" in bobs_plan
    assert "I agree to Alice's part" in bobs_plan

    alices_bridge = words(alice.get(f"/bridges/{bridge}").text)
    assert "Your agreed plan" not in alices_bridge
    assert "Waiting for Bob to answer your part." in alices_bridge
    alices_plan = words(alice.get(f"/bridges/{bridge}/agreement").text)
    assert "You agreed to Bob's part on" in alices_plan

    # Bob agrees again from his page, to the part with its new commitment.
    page = bob.get(f"/bridges/{bridge}/agreement").text
    shown = page.split('name="commitments" value="', 1)[1].split('"', 1)[0]
    agreed = bob.post(
        f"/bridges/{bridge}/plan/answers",
        {"part": part_of(bob, bridge, "a"), "answer": "agree", "commitments": shown,
         "idempotency_key": key()},
    )  # fmt: skip
    assert agreed.status_code == 303, agreed.text
    assert agreement(alice, bridge)["agreed_since"] is not None
    assert "Your agreed plan" in alice.get(f"/bridges/{bridge}").text


def test_bob_retires_a_commitment_the_day_alice_agreed_and_she_is_asked_again(bridge, alice, bob):
    promise = commit(bob, bridge, "Tell Alice what blocks me at stand-up")
    both_agree(bridge, alice, bob)
    retired = bob.api("POST", f"/bridges/{bridge}/commitments/{promise}/retire")
    assert retired.status_code < 300, retired.text

    seen = agreement(alice, bridge)
    assert side(seen, "a")["answer_to_other"] == "changed_since"
    assert side(seen, "b")["answer_to_other"] == "agreed"  # Bob's own stands
    assert "Bob changed their part on" in words(alice.get(f"/bridges/{bridge}").text)

    # Once she agrees again, it holds: a retirement she saw does not ask her twice.
    assert answer(alice, bridge, part_of(alice, bridge, "b")).status_code == 201
    assert agreement(bob, bridge)["agreed_since"] is not None


def test_commitments_made_before_the_agreement_keep_it(bridge, alice, bob):
    commit(alice, bridge, "Reply to Bob the same day")
    gone = commit(bob, bridge, "An old promise")
    bob.api("POST", f"/bridges/{bridge}/commitments/{gone}/retire")
    both_agree(bridge, alice, bob)
    assert agreement(bob, bridge)["agreed_since"] is not None
    assert "Your agreed plan" in bob.get(f"/bridges/{bridge}").text


def test_an_answer_to_commitments_that_changed_while_the_page_was_open_is_refused(
    bridge, alice, bob
):
    write(alice, bridge, "I stopped replying")
    page = bob.get(f"/bridges/{bridge}/agreement").text
    shown = page.split('name="commitments" value="', 1)[1].split('"', 1)[0]
    commit(alice, bridge, "Reply to Bob the same day")
    refused = bob.post(
        f"/bridges/{bridge}/plan/answers",
        {"part": part_of(bob, bridge, "a"), "answer": "agree", "commitments": shown,
         "idempotency_key": key()},
    )  # fmt: skip
    assert refused.status_code == 409
    assert "Alice changed their part since you opened it" in refused.text
    assert "Reply to Bob the same day" in refused.text
    assert side(agreement(bob, bridge), "b")["answer_to_other"] == "waiting"


def test_a_garbled_commitments_field_is_a_form_error_not_a_500(bridge, alice, bob):
    write(alice, bridge, "I stopped replying")
    bad = bob.post(
        f"/bridges/{bridge}/plan/answers",
        {"part": part_of(bob, bridge, "a"), "answer": "agree", "commitments": "x;y",
         "idempotency_key": key()},
    )  # fmt: skip
    assert bad.status_code == 400


ADDING = "Bob agreed to your part: adding this asks them to agree again."
RETIRING = "Bob agreed to your part: retiring this asks them to agree again."


def test_alices_commitment_form_and_retire_button_say_bobs_agreement_is_asked_again(
    bridge, alice, bob
):
    commit(alice, bridge, "Reply to Bob the same day")
    write(alice, bridge, "I stopped replying")
    assert ADDING not in words(alice.get(f"/bridges/{bridge}/commitments/new").text)
    assert RETIRING not in words(alice.get(f"/bridges/{bridge}").text)

    assert answer(bob, bridge, part_of(bob, bridge, "a")).status_code == 201
    html = alice.get(f"/bridges/{bridge}/commitments/new").text
    form = words(html)
    assert ADDING in form and RETIRING not in form
    assert 'aria-describedby="asks-again">Add the commitment' in html
    page = words(alice.get(f"/bridges/{bridge}").text)
    assert RETIRING in page and ADDING not in page
    assert "Bob agreed to your part" not in words(bob.get(f"/bridges/{bridge}").text)
    # A form sent back with an error still says it.
    refused = alice.post(f"/bridges/{bridge}/commitments", {"text": "", "cadence": "daily"})
    assert refused.status_code == 400 and ADDING in words(refused.text)

    commit(alice, bridge, "Ask Bob before I escalate")  # Bob's agreement lapses
    assert ADDING not in words(alice.get(f"/bridges/{bridge}/commitments/new").text)
    assert RETIRING not in words(alice.get(f"/bridges/{bridge}").text)
