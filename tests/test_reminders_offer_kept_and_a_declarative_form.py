"""One payload, read two ways: the service worker's fields (the "Kept" and "Open"
buttons, the badge) and the declarative form WebKit shows by itself (iOS 18.4+).

The declarative part is checked against the WebKit format (the Push API's declarative
push message: `web_push` 8030, a `notification` with a `title` and a `navigate` URL,
an optional unsigned `app_badge`), with same-site paths only.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from server.reminders.message import (
    MAX_PAYLOAD_BYTES,
    BridgeDue,
    OpenItem,
    compose,
    payload,
    trial_payload,
)

DAY = date(2026, 11, 21)
SITE = "https://bridgework.example/"
NOTIFICATION_MEMBERS = {
    "title", "dir", "lang", "body", "navigate", "tag", "image", "icon", "badge",
    "vibrate", "timestamp", "renotify", "silent", "requireInteraction", "data", "actions",
}  # fmt: skip


def declarative(data: dict[str, Any]) -> dict[str, Any]:
    """The checks WebKit's declarative push message parser makes, as the spec writes
    them; a payload that fails one would be shown by the service worker or not at all."""
    assert data["web_push"] == 8030
    notification = data["notification"]
    assert isinstance(notification, dict)
    assert set(notification) <= NOTIFICATION_MEMBERS
    assert isinstance(notification["title"], str) and notification["title"]
    assert isinstance(notification.get("body", ""), str)
    navigate = notification["navigate"]
    assert isinstance(navigate, str)
    # Same-site only: a path on this site, never another origin or a scheme.
    assert navigate.startswith("/") and not navigate.startswith(("//", "/\\"))
    assert urlsplit(urljoin(SITE, navigate)).netloc == urlsplit(SITE).netloc
    if "app_badge" in data:
        badge = data["app_badge"]
        assert isinstance(badge, int) and not isinstance(badge, bool)
        assert 0 <= badge < 2**64
    assert data.get("mutable", False) is False  # iOS shows it without waking the worker
    return notification


def read(dues: list[BridgeDue], **options: Any) -> dict[str, Any]:
    message = compose(dues, **options)
    assert message is not None
    encoded = payload(message, DAY)
    assert len(encoded) <= MAX_PAYLOAD_BYTES
    return dict(json.loads(encoded))


def one_item(text: str = "") -> BridgeDue:
    return BridgeDue(4, "Bob", today=1, open_items=(OpenItem(12, DAY, text),))


def test_one_open_item_offers_kept_and_open_and_names_what_kept_checks_in():
    data = read([one_item()])
    assert data["actions"] == [
        {"action": "kept", "title": "Kept"},
        {"action": "open", "title": "Open"},
    ]
    assert data["kept"] == {"bridge": 4, "commitment": 12, "day": "2026-11-21", "partner": "Bob"}
    assert data["app_badge"] == 1


def test_one_open_item_reads_the_same_declaratively():
    data = read([one_item()])
    notification = declarative(data)
    assert notification["title"] == data["title"] == "Bridgework"
    assert notification["body"] == data["body"] == "1 commitment today on your bridge with Bob"
    assert notification["navigate"] == data["url"] == "/today"
    assert notification["tag"] == data["tag"] == "reminder-2026-11-21"


def test_several_items_offer_only_open_today():
    data = read(
        [
            BridgeDue(4, "Bob", today=1, open_items=(OpenItem(12, DAY),)),
            BridgeDue(5, "Sam", yesterday=1, open_items=(OpenItem(13, date(2026, 11, 20)),)),
        ]
    )
    assert data["actions"] == [{"action": "open", "title": "Open Today"}]
    assert "kept" not in data
    assert data["app_badge"] == 2
    assert declarative(data)["navigate"] == "/today"


def test_one_item_and_a_plank_to_confirm_are_two_things_so_no_kept():
    data = read([BridgeDue(4, "Bob", today=1, to_confirm=1, open_items=(OpenItem(12, DAY),))])
    assert "kept" not in data
    assert data["app_badge"] == 2


def test_confirmations_only_open_that_bridge_declaratively_too():
    data = read([BridgeDue(9, "Alex", to_confirm=3)])
    assert "kept" not in data
    assert data["actions"] == [{"action": "open", "title": "Open"}]
    notification = declarative(data)
    assert notification["navigate"] == data["url"] == "/bridges/9"
    assert notification["body"] == "3 planks to confirm on your bridge with Alex"
    assert data["app_badge"] == 3


def test_were_you_away_offers_no_kept():
    data = read([BridgeDue(4, "Bob", today=1, away_days=4, open_items=(OpenItem(12, DAY),))])
    assert "kept" not in data
    assert declarative(data)["navigate"] == "/today"


def test_the_test_notification_is_declarative_too():
    data = json.loads(trial_payload())
    assert declarative(data)["navigate"] == "/settings/reminders"
    assert "app_badge" not in data  # a test says nothing about what is open


@pytest.mark.parametrize("named", [False, True])
def test_a_long_payload_is_trimmed_in_both_readings(named: bool):
    dues = [
        BridgeDue(i, "N" * 1000, today=1, open_items=(OpenItem(i, DAY, "T" * 300),))
        for i in range(2)
    ]
    data = read(dues, named=named)
    assert declarative(data)["body"] == data["body"]
    assert data["body"].endswith("…")


def test_without_the_lock_screen_setting_no_commitment_is_named():
    data = read([one_item("Reply to Bob's messages the same day")])
    assert "Reply" not in json.dumps(data)


def test_with_the_lock_screen_setting_the_commitment_is_named_and_truncated():
    data = read(
        [one_item("Send Bob the weekly figures before the Monday planning meeting")], named=True
    )
    assert data["body"] == (
        "“Send Bob the weekly figures before the…”. 1 commitment today on your bridge with Bob"
    )
    assert declarative(data)["body"] == data["body"]


def test_with_the_lock_screen_setting_several_items_name_the_first_and_count_the_rest():
    dues = [
        BridgeDue(
            4,
            "Bob",
            today=2,
            open_items=(OpenItem(12, DAY, "Stand-up notes"), OpenItem(13, DAY, "Call")),
        ),
    ]
    assert read(dues, named=True)["body"] == (
        "“Stand-up notes” and 1 more. 2 commitments today on your bridge with Bob"
    )
