"""Personas and databases for every test.

Every test that touches the database runs twice: on SQLite and on PostgreSQL
(a fresh database per run, migrated once by the real `bridgework migrate`).
Outside CI a missing PostgreSQL skips those tests with the reason shown; with
CI=true it fails them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

# Settings are read at import: point them somewhere harmless before importing server.
_SCRATCH = Path(tempfile.mkdtemp(prefix="bridgework-tests-"))
os.environ["BRIDGEWORK_DATA_DIR"] = str(_SCRATCH)
os.environ["DATABASE_URL"] = f"sqlite:///{_SCRATCH / 'unused.sqlite3'}"
os.environ["SECRET_KEY"] = "test-secret-key-that-is-long-enough-0123456789"
os.environ["DATABASE_POOL_SIZE"] = "0"

import pytest  # noqa: E402
from litestar import Litestar  # noqa: E402
from litestar.testing import TestClient  # noqa: E402
from piccolo.engine.postgres import PostgresEngine  # noqa: E402

from server.app import create_app  # noqa: E402
from server.db import engine_from_url  # noqa: E402
from server.piccolo_conf import APP_REGISTRY  # noqa: E402
from server.settings import load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "correct horse battery"

T = TypeVar("T")


def seed_demo(database_url: str) -> None:
    """Seed the demo (`bridgework demo`) into the database at `database_url`."""
    seeded = subprocess.run(
        [sys.executable, "-m", "server", "demo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    assert seeded.returncode == 0, seeded.stderr


def run(awaitable: Awaitable[T]) -> T:
    """Run a service call or a Piccolo query from a (synchronous) test."""

    async def wait() -> T:
        return await awaitable

    return asyncio.run(wait())


def _migrate(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "-m", "server", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{result.stdout}\n{result.stderr}")


# Every table of every Piccolo app (each feature with tables may be an app of its own).
TABLES = [t for app in APP_REGISTRY.app_configs.values() for t in app.table_classes]


def _bind(engine: Any) -> None:
    for table in TABLES:
        table._meta.db = engine


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    """A migrated SQLite file; each test gets a copy."""
    path = _SCRATCH / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


async def _admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def new_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards; skipped with the
    reason shown when PostgreSQL is unreachable (failed under CI=true)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        run(_admin(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        reason = f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {error}"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must not be skipped)")
        pytest.skip(reason)
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this run, dropped at the end."""
    with new_postgres_database("bridgework_test") as url:
        _migrate(url)
        yield url


@dataclass
class Database:
    kind: str
    url: str
    engine: Any


async def _truncate(engine: PostgresEngine) -> None:
    names = ", ".join(f'"{t._meta.tablename}"' for t in TABLES)
    await engine.run_ddl(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An empty, migrated database of each kind, bound to every table."""
    if request.param == "sqlite":
        path = tmp_path / "bridgework.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        engine: Any = engine_from_url(f"sqlite:///{path}")
        database = Database("sqlite", f"sqlite:///{path}", engine)
    else:
        url = request.getfixturevalue("postgres_url")
        engine = PostgresEngine(config={"dsn": url})
        run(_truncate(engine))
        database = Database("postgres", url, engine)
    _bind(engine)
    yield database
    if request.param == "sqlite":
        run(engine.close_connections())


@pytest.fixture
def app(db: Database) -> Litestar:
    settings = load_settings({**os.environ, "DATABASE_URL": db.url})
    return create_app(settings, run_migrations=False)


class Browser:
    """One person's browser: its own cookies, and the CSRF token sent like a page would."""

    def __init__(self, app: Litestar, name: str = "") -> None:
        self.name = name
        self.client = TestClient(app, base_url="http://testserver.local")
        self.client.follow_redirects = False  # tests look at each redirect themselves
        self.client.__enter__()
        self.email = f"{name}@example.com" if name else ""

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    def csrf(self) -> str:
        token = self.client.cookies.get("csrftoken")
        if not token:
            self.client.get("/signin")
            token = self.client.cookies.get("csrftoken")
        assert token, "no CSRF cookie was set"
        return str(token)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Submit a form, as the page's own form would (with its CSRF field)."""
        form = {"_csrf_token": self.csrf(), **(data or {})}
        return self.client.post(path, data=form, **kwargs)

    def api(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        """Call /api/v1 as the app's own script would (with the CSRF header)."""
        headers = {"x-csrftoken": self.csrf(), **kwargs.pop("headers", {})}
        return self.client.request(method, f"/api/v1{path}", json=json, headers=headers, **kwargs)

    def sign_up(
        self, display_name: str | None = None, time_zone: str = "Europe/London", **extra: str
    ) -> Any:
        return self.post(
            "/signup",
            {
                "email": self.email,
                "display_name": display_name or self.name.title(),
                "password": PASSWORD,
                "time_zone": time_zone,
                **extra,
            },
        )

    def sign_in(self, password: str = PASSWORD) -> Any:
        return self.post("/signin", {"email": self.email, "password": password})


@pytest.fixture
def browser(app: Litestar) -> Iterator[Any]:
    """Make a new, signed-out browser for a named person."""
    opened: list[Browser] = []

    def make(name: str = "") -> Browser:
        person = Browser(app, name)
        opened.append(person)
        return person

    yield make
    # Close in reverse: the clients share one app, whose lifespan nests.
    for person in reversed(opened):
        person.close()


def _person(browser: Any, name: str) -> Browser:
    person: Browser = browser(name)
    response = person.sign_up()
    assert response.status_code in (200, 303), response.text
    return person


@pytest.fixture
def alice(browser: Any) -> Browser:
    return _person(browser, "alice")


@pytest.fixture
def bob(browser: Any) -> Browser:
    return _person(browser, "bob")


@pytest.fixture
def carol(browser: Any) -> Browser:
    """carol, the team lead."""
    return _person(browser, "carol")


@pytest.fixture
def mallory(browser: Any) -> Browser:
    """mallory, signed in but on nobody's team and in nobody's bridge."""
    return _person(browser, "mallory")


def create_team(lead: Browser, name: str = "Product Team") -> int:
    response = lead.api("POST", "/teams", {"name": name})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def join_team(lead: Browser, team_id: int, *people: Browser) -> None:
    for person in people:
        token = lead.api("POST", f"/teams/{team_id}/invites").json()["token"]
        response = person.api("POST", f"/invites/{token}/accept")
        assert response.status_code == 200, response.text


@pytest.fixture
def team(carol: Browser, alice: Browser, bob: Browser) -> int:
    """carol leads the Product Team; alice and bob are on it."""
    team_id = create_team(carol)
    join_team(carol, team_id, alice, bob)
    return team_id


@pytest.fixture
def bridge(team: int, alice: Browser, bob: Browser) -> int:
    """alice asked bob to build a bridge and bob accepted."""
    bob_id = bob.api("GET", "/me").json()["id"]
    response = alice.api("POST", "/bridges", {"partner": bob_id, "message": "Can we fix this?"})
    assert response.status_code == 201, response.text
    bridge_id = int(response.json()["id"])
    assert bob.api("POST", f"/bridges/{bridge_id}/accept").status_code == 200
    return bridge_id
