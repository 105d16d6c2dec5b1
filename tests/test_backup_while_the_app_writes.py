"""`bridgework backup` copies a live SQLite database that 32 clients are writing to.

The copy holds every write the app acknowledged before the backup started, and the
copy, restored into a new file, serves alice the same Today.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time

from litestar.testing import TestClient

from server.app import create_app
from server.settings import load_settings
from tests.backup_helpers import ServedBrowser, bridgework, env_for, served
from tests.conftest import _bind, create_team, join_team
from tests.repair_helpers import act, check_in, commit

CLIENTS = 32
MISTAKE = {"what_happened": "Late again", "my_part": "I forgot", "differently": "A reminder"}


def _bridge_between(alice: ServedBrowser, bob: ServedBrowser) -> int:
    for person in (alice, bob):
        assert person.sign_up().status_code in (200, 303)
    join_team(alice, create_team(alice), bob)
    bob_id = bob.api("GET", "/me").json()["id"]
    bridge = alice.api("POST", "/bridges", {"partner": bob_id, "message": "Can we?"}).json()["id"]
    assert bob.api("POST", f"/bridges/{bridge}/accept").status_code == 200
    check_in(alice, bridge, commit(alice, bridge))
    commit(alice, bridge, "Ask Bob before changing his tickets")
    return int(bridge)


def test_a_backup_taken_while_32_clients_write_holds_every_acknowledged_write(
    sqlite_template, tmp_path
):
    live = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_template, live)
    env = env_for(f"sqlite:///{live}", tmp_path)
    acknowledged: list[tuple[float, int]] = []  # (when the 201 came back, the act's id)
    stopping = threading.Event()
    with served(env) as url:
        alice, bob = ServedBrowser(url, "alice"), ServedBrowser(url, "bob")
        bridge = _bridge_between(alice, bob)

        def write(client: ServedBrowser) -> None:
            while not stopping.is_set():
                if time.monotonic() > deadline:
                    return
                response = act(client, bridge, "mistakes", MISTAKE)
                assert response.status_code == 201, response.text
                acknowledged.append((time.monotonic(), response.json()["act_id"]))

        deadline = time.monotonic() + 120
        clients = [alice.twin() for _ in range(CLIENTS)]
        writers = [threading.Thread(target=write, args=(c,)) for c in clients]
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(acknowledged) >= 100, "the clients could not write"
        started = time.monotonic()
        done = bridgework("backup", str(tmp_path / "copy.sqlite3"), env=env)
        stopping.set()
        for writer in writers:
            writer.join(60)
        assert done.returncode == 0, done.stderr
        assert "integrity check ok, row counts match" in done.stdout
        alices_today = alice.api("GET", "/today").json()

    before = {act_id for at, act_id in acknowledged if at < started}
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        in_copy = {row[0] for row in copy.execute("SELECT id FROM trust_act")}
    assert before - in_copy == set()
    assert any(at > started for at, _ in acknowledged), "the backup ran while nobody wrote"

    restored = tmp_path / "restored.sqlite3"
    env = env_for(f"sqlite:///{restored}", tmp_path)
    back = bridgework("restore", str(tmp_path / "copy.sqlite3"), env=env)
    assert back.returncode == 0, back.stderr
    assert "row counts match" in back.stdout
    _bind_and_compare(restored, alice, alices_today)


def _bind_and_compare(restored, alice: ServedBrowser, expected) -> None:
    from server.db import engine_from_url

    url = f"sqlite:///{restored}"
    engine = engine_from_url(url)
    _bind(engine)
    app = create_app(load_settings({**os.environ, "DATABASE_URL": url}), run_migrations=False)
    cookies = {cookie.name: cookie.value for cookie in alice.client.cookies.jar}
    with TestClient(app, base_url="http://testserver.local", cookies=cookies) as c:
        response = c.get("/api/v1/today")
    assert response.status_code == 200, response.text
    assert response.json() == expected
