"""`bridgework serve` on SQLite keeps a backup a day after the quiet hour, and exactly
7 daily and 4 weekly ones; the team lead's settings page says when the last one ran."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from server.app import create_app
from server.backups.automatic import take_if_due
from server.settings import load_settings


def _settings(tmp_path, database, **extra):
    return load_settings(
        {
            **os.environ,
            "DATABASE_URL": database,
            "BACKUP_DIR": str(tmp_path / "backups"),
            **extra,
        }
    )


@pytest.fixture
def live(sqlite_template, tmp_path):
    shutil.copy(sqlite_template, tmp_path / "live.sqlite3")
    return f"sqlite:///{tmp_path / 'live.sqlite3'}"


def test_forty_days_of_serving_leave_the_last_7_days_and_the_4_weeks_before(live, tmp_path):
    settings = _settings(tmp_path, live)
    day = date(2026, 11, 1)  # a Sunday
    while day <= date(2026, 12, 10):  # a Thursday
        with time_machine.travel(datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC)):
            assert take_if_due(settings, datetime.now(UTC)) is None  # before the quiet hour
        with time_machine.travel(datetime(day.year, day.month, day.day, 3, 5, tzinfo=UTC)):
            assert take_if_due(settings, datetime.now(UTC)) is not None
            assert take_if_due(settings, datetime.now(UTC)) is None  # one a day
        day += timedelta(days=1)
    kept = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert kept == [
        "daily-2026-11-15.sqlite3",  # the newest of the week of 9-15 November
        "daily-2026-11-22.sqlite3",  # of 16-22 November
        "daily-2026-11-29.sqlite3",  # of 23-29 November
        "daily-2026-12-03.sqlite3",  # of 30 November-6 December, before the dailies
        *(f"daily-2026-12-{n:02}.sqlite3" for n in range(4, 11)),  # the last 7 days
    ]


def test_the_backup_hour_moves_the_daily_backup(live, tmp_path):
    settings = _settings(tmp_path, live, BACKUP_HOUR="22")
    with time_machine.travel(datetime(2026, 12, 7, 21, 59, tzinfo=UTC)):
        assert take_if_due(settings, datetime.now(UTC)) is None
    with time_machine.travel(datetime(2026, 12, 7, 22, 0, tzinfo=UTC)):
        assert take_if_due(settings, datetime.now(UTC)) == (
            tmp_path / "backups" / "daily-2026-12-07.sqlite3"
        )


def test_automatic_backups_can_be_turned_off():
    settings = load_settings({**os.environ, "BACKUPS_AUTOMATIC": "false"})
    assert settings.backups_automatic is False
    with pytest.raises(Exception, match="BACKUP_HOUR"):
        load_settings({**os.environ, "BACKUP_HOUR": "24"})


@pytest.fixture
def app(db, tmp_path):
    return create_app(_settings(tmp_path, db.url), run_migrations=False)


def test_carol_the_lead_reads_when_the_last_backup_ran_and_alice_does_not(
    db, team, carol, alice, tmp_path
):
    if db.kind == "postgres":
        assert "backups run on the operator" in carol.get("/settings").text
        return
    assert "No backup has been taken yet." in carol.get("/settings").text
    settings = _settings(tmp_path, db.url)
    with time_machine.travel(datetime(2026, 12, 7, 3, 30, tzinfo=UTC)):
        take_if_due(settings, datetime.now(UTC))
    page = carol.get("/settings").text
    assert "Last backup: " in page
    assert "Backups" not in alice.get("/settings").text
