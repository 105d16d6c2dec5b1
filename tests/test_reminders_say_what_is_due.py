"""The reminder's words and where a tap leads: counts only, never what anyone wrote."""

from __future__ import annotations

from datetime import date

from server.reminders.message import MAX_PAYLOAD_BYTES, BridgeDue, compose, payload


def test_nothing_due_and_nothing_to_confirm_means_no_reminder():
    assert compose([]) is None
    assert compose([BridgeDue(1, "Sam")]) is None


def test_two_commitments_today_on_one_bridge_open_today():
    message = compose([BridgeDue(1, "Sam", today=2)])
    assert message is not None
    assert message.body == "2 commitments today on your bridge with Sam"
    assert message.url == "/today"


def test_only_planks_to_confirm_open_that_bridge():
    message = compose([BridgeDue(7, "Sam"), BridgeDue(9, "Alex", to_confirm=1)])
    assert message is not None
    assert message.body == "1 plank to confirm on your bridge with Alex"
    assert message.url == "/bridges/9"


def test_several_bridges_and_kinds_read_as_one_sentence():
    message = compose(
        [
            BridgeDue(1, "Sam", today=1, to_confirm=2),
            BridgeDue(2, "Alex", yesterday=1),
            BridgeDue(3, "Kim", today=1),
            BridgeDue(4, "Lee", today=1),
        ]
    )
    assert message is not None
    assert message.body == (
        "3 commitments today, 1 commitment from yesterday to check in and 2 planks to confirm"
        " on your bridges with Sam, Alex and 2 others"
    )
    assert message.url == "/today"


def test_the_payload_stays_under_3_kb_even_with_long_names():
    message = compose([BridgeDue(i, "N" * 60, today=1) for i in range(100)])
    assert message is not None
    assert len(payload(message, date(2026, 11, 21))) <= MAX_PAYLOAD_BYTES
