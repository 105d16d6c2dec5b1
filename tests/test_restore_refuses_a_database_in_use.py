"""`bridgework restore` fills an empty database, refuses one that holds data, and with
--replace backs that data up before replacing it; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.db import engine_from_url
from server.settings import load_settings
from tests.backup_helpers import bridgework, env_for
from tests.conftest import _bind, _migrate, create_team, join_team, new_postgres_database
from tests.repair_helpers import check_in, commit


def _app(url: str):
    _bind(engine_from_url(url))
    return create_app(load_settings({**os.environ, "DATABASE_URL": url}), run_migrations=False)


def _alice_and_bob_build_a_bridge(url: str) -> tuple[dict, dict]:
    """alice and bob on carol's team, one check-in; their Todays and alice's cookies."""
    from tests.conftest import Browser

    app = _app(url)
    alice, bob = Browser(app, "alice"), Browser(app, "bob")
    try:
        for person in (alice, bob):
            assert person.sign_up().status_code in (200, 303)
        join_team(alice, create_team(alice), bob)
        bob_id = bob.api("GET", "/me").json()["id"]
        bridge = alice.api("POST", "/bridges", {"partner": bob_id, "message": "Hi"}).json()["id"]
        bob.api("POST", f"/bridges/{bridge}/accept")
        check_in(alice, bridge, commit(alice, bridge))
        cookies = dict(alice.client.cookies.items())
        return alice.api("GET", "/today").json(), cookies
    finally:
        bob.close()
        alice.close()


def _today_of(url: str, cookies: dict) -> dict:
    with TestClient(_app(url), base_url="http://testserver.local", cookies=cookies) as client:
        response = client.get("/api/v1/today")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(params=["sqlite", "postgres"])
def two_databases(request, sqlite_template, tmp_path):
    """A migrated database (alice's) and an empty one, of each kind."""
    if request.param == "sqlite":
        shutil.copy(sqlite_template, tmp_path / "alices.sqlite3")
        yield f"sqlite:///{tmp_path / 'alices.sqlite3'}", f"sqlite:///{tmp_path / 'new.sqlite3'}"
        return
    if shutil.which("pg_dump") is None and os.environ.get("CI") != "true":
        pytest.skip("pg_dump is not installed")
    with new_postgres_database("bw_backup") as first, new_postgres_database("bw_restore") as empty:
        _migrate(first)
        yield first, empty


def test_a_backup_restored_into_an_empty_database_serves_alice_the_same_today(
    two_databases, tmp_path
):
    alices, empty = two_databases
    today, cookies = _alice_and_bob_build_a_bridge(alices)
    (tmp_path / "nightly").mkdir()
    saved = bridgework("backup", str(tmp_path / "nightly"), env=env_for(alices, tmp_path))
    assert saved.returncode == 0, saved.stderr
    [copy] = [p for p in (tmp_path / "nightly").iterdir() if not p.name.endswith(".json")]
    assert f"Backup written to {copy}" in saved.stdout

    restored = bridgework("restore", str(copy), env=env_for(empty, tmp_path))
    assert restored.returncode == 0, restored.stderr
    assert "row counts match" in restored.stdout
    assert _today_of(empty, cookies) == today
    assert today["items"][0]["outcome"] == "kept"


def test_restore_refuses_a_database_that_holds_data_unless_told_to_replace_it(
    two_databases, tmp_path
):
    alices, _ = two_databases
    today, cookies = _alice_and_bob_build_a_bridge(alices)
    env = env_for(alices, tmp_path, BACKUP_DIR=str(tmp_path / "kept"))
    (tmp_path / "nightly").mkdir()
    saved = bridgework("backup", str(tmp_path / "nightly"), env=env)
    assert saved.returncode == 0, saved.stderr
    [copy] = [p for p in (tmp_path / "nightly").iterdir() if not p.name.endswith(".json")]

    refused = bridgework("restore", str(copy), env=env)
    assert refused.returncode != 0
    assert "the database is not empty" in refused.stderr
    assert "--replace" in refused.stderr

    replaced = bridgework("restore", str(copy), "--replace", env=env)
    assert replaced.returncode == 0, replaced.stderr
    [before] = [p for p in (tmp_path / "kept").iterdir() if not p.name.endswith(".json")]
    assert before.name.startswith("before-restore-")
    assert f"What the database held first is kept in {before}" in replaced.stdout
    assert _today_of(alices, cookies) == today


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, sqlite_template):
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    (tmp_path / "notes.txt").write_text("not a database")
    env = env_for(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    refused = bridgework("restore", str(tmp_path / "notes.txt"), env=env)
    assert refused.returncode != 0
    assert "is not a SQLite backup" in refused.stderr


def test_without_pg_dump_a_postgresql_backup_says_what_to_install(tmp_path):
    env = env_for("postgresql://postgres@127.0.0.1:5432/nowhere", tmp_path, PATH=str(tmp_path))
    refused = bridgework("backup", env=env)
    assert refused.returncode != 0
    assert "pg_dump is not installed" in refused.stderr
    assert "apt-get install postgresql-client" in refused.stderr
