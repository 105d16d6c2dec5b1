"""An operator's load balancer asks /ready whether a process can serve, and /health
whether it is alive: /ready says 503 with what failed while the database is away,
unmigrated, or no dispatcher sends the reminders people turned on."""

from __future__ import annotations

import asyncio
import os

from litestar.testing import TestClient
from piccolo.engine.postgres import PostgresEngine

from server.app import create_app
from server.db import engine_from_url
from server.settings import load_settings
from tests.conftest import _bind, new_postgres_database
from tests.observe_helpers import Relay
from tests.reminders_helpers import Device, dispatch, remind_at, subscribe

pytest_plugins = ["tests.reminders_helpers"]  # the `push` service fixture


def client_for(url: str) -> TestClient:
    app = create_app(load_settings({**os.environ, "DATABASE_URL": url}), run_migrations=False)
    return TestClient(app)


def test_a_migrated_database_is_ready_and_the_process_is_healthy(app):
    with TestClient(app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        response = client.get("/ready")
        assert response.status_code == 200
        assert response.json() == {"status": "ready", "problems": {}}


def test_health_answers_without_asking_the_database(tmp_path):
    nowhere = "postgresql://postgres@127.0.0.1:9/nowhere"  # port 9: nothing listens
    _bind(PostgresEngine(config={"dsn": nowhere}))
    with client_for(nowhere) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/ready").status_code == 503


def test_ready_is_503_until_a_sqlite_file_is_migrated(tmp_path):
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = engine_from_url(empty)
    _bind(engine)
    try:
        with client_for(empty) as client:
            response = client.get("/ready")
            assert response.status_code == 503
            assert "bridgework migrate" in response.json()["problems"]["migrations"]
    finally:
        asyncio.run(engine.close_connections())


def test_ready_is_503_on_an_unmigrated_postgres_database():
    with new_postgres_database("bridgework_unmigrated") as url:
        _bind(PostgresEngine(config={"dsn": url}))
        with client_for(url) as client:
            response = client.get("/ready")
        assert response.status_code == 503
        assert "not applied" in response.json()["problems"]["migrations"]


def test_ready_turns_503_when_postgres_is_unreachable_and_recovers(postgres_url):
    relay = Relay(postgres_url)
    _bind(PostgresEngine(config={"dsn": relay.url}))
    try:
        with client_for(relay.url) as client:
            assert client.get("/ready").status_code == 200
            relay.cut()
            response = client.get("/ready")
            assert response.status_code == 503
            assert "unreachable" in response.json()["problems"].get("database", ""), response.text
            assert client.get("/health").status_code == 200
            relay.restore()
            assert client.get("/ready").status_code == 200
    finally:
        if relay.listener is not None:
            relay.close()


def test_ready_wants_a_recent_dispatcher_pass_once_someone_turned_reminders_on(app, push, alice):
    with TestClient(app) as client:
        assert client.get("/ready").status_code == 200  # nobody wants reminders yet
        subscribe(alice, Device(push, "alice's phone"))
        remind_at(alice, "08:30")
        response = client.get("/ready")
        assert response.status_code == 503
        assert "dispatcher" in response.json()["problems"]["reminders"]
        dispatch()
        assert client.get("/ready").status_code == 200
