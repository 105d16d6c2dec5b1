"""`make run` set-up: migrations apply on both databases and the demo is seeded once."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from server.tables import Bridge, Membership, Team, User
from tests.conftest import ROOT, run


def _command(db, *args):
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": db.url},
    )


def test_migrating_twice_changes_nothing(db):
    first, second = _command(db, "migrate"), _command(db, "migrate")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "Migrations applied." in second.stdout


def test_the_demo_seeds_a_team_with_a_lead_six_members_and_bridges_in_every_state(db):
    result = _command(db, "demo")
    assert result.returncode == 0, result.stderr
    assert "carol@example.com" in result.stdout
    assert run(User.count()) == 7
    assert run(Team.count()) == 1
    assert run(Membership.count().where(Membership.role == "lead")) == 1
    states = sorted(row["status"] for row in run(Bridge.select(Bridge.status)))
    assert states == ["active", "active", "active", "active", "archived", "pending"]


def test_the_demo_keeps_existing_data_when_run_again(db):
    _command(db, "demo")
    again = _command(db, "demo")
    assert again.returncode == 0
    assert run(User.count()) == 7
    assert run(Bridge.count()) == 6


def test_a_demo_person_signs_in_with_the_printed_password(db, browser):
    _command(db, "demo")
    carol = browser("carol")
    assert carol.sign_in(password="bridgework-demo").status_code == 303
    assert "Product Team" in carol.get("/").text


def test_a_migrated_sqlite_file_runs_in_wal_mode(sqlite_template):
    import sqlite3

    mode = sqlite3.connect(sqlite_template).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_the_demo_bridges_are_mid_repair_with_weeks_of_history(db, browser):
    from server.tables import TrustAct

    _command(db, "demo")
    alice = browser("alice")
    alice.sign_in(password="bridgework-demo")
    bridge = next(b for b in alice.api("GET", "/bridges").json() if b["partner_name"] == "Bob")
    state = alice.api("GET", f"/bridges/{bridge['id']}/state").json()
    assert 20 < state["health"] < 100
    assert len(state["trend"]) == 30
    assert state["sides"]["a"]["planks"] >= 15
    assert run(TrustAct.count()) > 100


def test_carol_the_demo_lead_sees_team_figures_one_tap_from_home(db, browser):
    _command(db, "demo")
    carol = browser("carol")
    carol.sign_in(password="bridgework-demo")
    home = carol.get("/").text
    dashboard = re.search(r'href="(/teams/\d+/dashboard)">Product Team: bridge health<', home)
    assert dashboard, "no link from home to the dashboard"
    page = carol.get(dashboard[1]).text
    assert 'Shared bridges <span class="muted">(4)</span>' in page
    assert "median health over all 4 bridges" in page
    rows = dict(
        re.findall(r'<th scope="row">([^<]+)</th>\s*<td data-label="Health">(.*?)</td>', page)
    )
    assert "just started" in rows["Erin &amp; Frank"]  # as Erin and Frank read it themselves
    assert "just started" not in rows["Alice &amp; Bob"]
