"""Prometheus reads /metrics, and nobody else does: requests by route template and
status, check-ins and confirmations, reminders sent and devices removed — with no id,
name or email in any label."""

from __future__ import annotations

import os
import re

import pytest
import time_machine
from litestar.testing import TestClient

from server.app import create_app
from server.settings import load_settings
from tests.reminders_helpers import Device, dispatch, remind_at, subscribe, utc
from tests.repair_helpers import act, check_in, commit

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture

TOKEN = "prometheus-scrapes-with-this-token"


@pytest.fixture
def prometheus(db):
    """Prometheus, from outside the allowed networks, holding the token."""
    env = {**os.environ, "DATABASE_URL": db.url, "METRICS_TOKEN": TOKEN}
    app = create_app(load_settings(env), run_migrations=False)
    with TestClient(app) as client:

        def scrape() -> dict[str, float]:
            response = client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
            return {
                name: float(value)
                for name, value in re.findall(r"^(\S+) (\S+)$", response.text, re.MULTILINE)
            }

        yield scrape


def test_without_the_token_or_an_allowed_network_metrics_are_refused(app, mallory):
    assert mallory.get("/metrics").status_code == 403
    assert mallory.get("/metrics", headers={"authorization": "Bearer guessing"}).status_code == 403


def test_a_check_in_and_its_confirmation_are_counted_by_route_template(
    prometheus, alice, bob, bridge
):
    before = prometheus()
    commitment = commit(alice, bridge, "Send Bob the weekly status by 5pm")
    kept = check_in(alice, bridge, commitment).json()["act_id"]
    assert act(bob, bridge, "confirmations", {"act": kept}).status_code == 201
    after = prometheus()

    def grew(name: str) -> float:
        return after.get(name, 0) - before.get(name, 0)

    route = "/api/v1/bridges/{bridge_id}/checkins"
    checkins = f'bridgework_http_requests_total{{method="POST",route="{route}",status="201"}}'
    assert grew(checkins) == 1, [name for name in after if "checkins" in name]
    assert grew('bridgework_trust_acts_total{kind="kept"}') == 1
    assert grew('bridgework_trust_acts_total{kind="confirmation"}') == 1
    labels = " ".join(name for name in after if "{" in name)
    assert f"/{bridge}/" not in labels and "example.com" not in labels and "Bob" not in labels


def test_reminders_sent_and_claims_are_counted(prometheus, push, alice, bridge):
    with time_machine.travel(utc(2026, 11, 20, 18, 0), tick=False) as clock:
        commit(alice, bridge, "Send Bob the weekly status by 5pm")
        subscribe(alice, Device(push, "alice's phone"))
        remind_at(alice, "08:30")
        before = prometheus()
        clock.move_to(utc(2026, 11, 21, 8, 30))
        assert dispatch() == 1
    after = prometheus()
    assert (
        after['bridgework_reminders_total{outcome="sent"}']
        - before.get('bridgework_reminders_total{outcome="sent"}', 0)
        == 1
    )
    assert (
        after['bridgework_reminder_claims_total{result="won"}']
        - before.get('bridgework_reminder_claims_total{result="won"}', 0)
        == 1
    )
