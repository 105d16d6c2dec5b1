"""The README's deployment section is enough: its commands, run in order on a fresh
machine-like folder and a fresh PostgreSQL database, install the wheel, write the
settings, check and migrate; the systemd units it installs then serve the app and run
two dispatchers, and a reminder reaches a push service. The units pass
`systemd-analyze verify` where systemd is installed."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from piccolo.engine.postgres import PostgresEngine

from server.reminders.dispatcher import TOPIC
from server.reminders.tables import PushSubscription, Reminder, ReminderSettings
from server.tables import Bridge, Commitment, User
from tests.conftest import ROOT, _bind, run
from tests.deploy_helpers import CLEAN_STOP, clean_env, free_port, stop, wait_until_served
from tests.reminders_helpers import Device, PushService

pytest_plugins = ["tests.deploy_helpers", "tests.reminders_helpers"]

README = (ROOT / "README.md").read_text()
SECTION = README.split("## Deploying on PostgreSQL with several workers", 1)[1].split("\n## ")[0]
FENCE = re.compile(r"^( *)```(sh|console)\n(.*?)^\1```", re.MULTILINE | re.DOTALL)
# The values that belong to the operator's machine, and what this test uses instead.
README_DATABASE_URL = "postgresql://bridgework:change-me@127.0.0.1:5432/bridgework"


def blocks(kind: str) -> list[str]:
    """The section's fenced blocks of one kind, in order, without their indentation."""
    found = []
    for indent, fence, body in FENCE.findall(SECTION):
        if fence == kind:
            found.append("\n".join(line[len(indent) :] for line in body.splitlines()))
    return found


def on_this_machine(text: str, root: Path, database_url: str, port: int) -> str:
    """The operator's paths, database and port swapped for this test's."""
    swaps = {
        "/opt/bridgework": str(root / "opt" / "bridgework"),
        "/etc/bridgework": str(root / "etc" / "bridgework"),
        "/var/lib/bridgework": str(root / "var" / "lib" / "bridgework"),
        README_DATABASE_URL: database_url,
        "BRIDGEWORK_PORT=8000": f"BRIDGEWORK_PORT={port}",
        "BRIDGEWORK_WORKERS=4": "BRIDGEWORK_WORKERS=2",  # a 2-core machine shared with others
    }
    for old, new in swaps.items():
        text = text.replace(old, new)
    return text


def unit(name: str) -> dict[str, str]:
    """The [Service] keys of deploy/<name>.service (an instance reads its template)."""
    template = re.sub(r"@.+$", "@", name)
    lines = (ROOT / "deploy" / f"{template}.service").read_text().splitlines()
    keys = {}
    for line in lines:
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


def environment_file(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def someone_due_now(database_url: str, push: PushService) -> Device:
    """Alice, on a bridge with Bob, a daily commitment to keep today and a phone subscribed,
    her reminder due now. (Written to the database directly: production refuses loopback
    push endpoints, which is the only kind this test can run.)"""
    engine = PostgresEngine(config={"dsn": database_url})
    _bind(engine)
    phone = Device(push)
    now = datetime.now(UTC)

    async def seed() -> None:
        alice, bob = await User.insert(
            User(
                email="alice@example.com", display_name="Alice", password_hash="-", created_at=now
            ),
            User(email="bob@example.com", display_name="Bob", password_hash="-", created_at=now),
        ).returning(User.id)
        [bridge] = await Bridge.insert(
            Bridge(side_a=alice["id"], side_b=bob["id"], status="active", created_at=now)
        ).returning(Bridge.id)
        keys = phone.subscription()["keys"]
        await Commitment.insert(
            Commitment(
                bridge=bridge["id"],
                side="a",
                owner=alice["id"],
                text="Reply to Bob's messages the same day",
                cadence="daily",
                start=now.date() - timedelta(days=1),
                created_at=now,
            )
        )
        await PushSubscription.insert(
            PushSubscription(
                person=alice["id"],
                endpoint=phone.endpoint,
                p256dh=keys["p256dh"],
                auth=keys["auth"],
                device="Phone",
                created_at=now,
            )
        )
        await ReminderSettings.insert(
            ReminderSettings(
                person=alice["id"], local_time="00:00", next_due_at=now, updated_at=now
            )
        )

    run(seed())
    return phone


def test_the_readme_deploys_bridgework_and_a_reminder_arrives(
    wheel, fresh_postgres, push, tmp_path
):
    port = free_port()
    server = tmp_path / "server"  # the folder the operator copied the wheel to
    server.mkdir()
    shutil.copy(wheel, server)

    script = on_this_machine("\n".join(blocks("sh")), tmp_path, fresh_postgres, port)
    assert fresh_postgres in script, "the README's DATABASE_URL changed: update this test"
    assert f"BRIDGEWORK_PORT={port}" in script
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=server,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert "bridgework 0.1.0" in done.stdout
    assert "not migrated yet" in done.stdout  # `check` before `migrate`, on the fresh database
    assert "Migrations applied." in done.stdout
    settings_file = tmp_path / "etc" / "bridgework" / "bridgework.env"
    assert settings_file.stat().st_mode & 0o077 == 0  # the keys are the operator's alone
    settings = environment_file(settings_file)
    assert settings["BRIDGEWORK_ENV"] == "production"
    assert {"SECRET_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"} <= set(settings)

    # The console blocks: what `systemctl enable --now` starts, the units' own lines.
    console = "\n".join(blocks("console"))
    copied = re.search(r"cp (deploy/\S+ )+", console)
    assert copied is not None
    for path in copied.group(0).split()[1:]:
        assert (ROOT / path).is_file(), path
    started = re.search(r"systemctl enable --now (.+)", console)
    assert started is not None
    names = started.group(1).split()
    assert "bridgework" in names
    assert sum(name.startswith("bridgework-dispatch@") for name in names) >= 2

    phone = someone_due_now(fresh_postgres, push)
    processes = []
    try:
        for name in names:
            service = {
                k: on_this_machine(v, tmp_path, fresh_postgres, port) for k, v in unit(name).items()
            }
            folder = Path(service["WorkingDirectory"])
            folder.mkdir(parents=True, exist_ok=True)  # what StateDirectory= makes
            env = clean_env(**environment_file(Path(service["EnvironmentFile"])))
            processes.append(
                subprocess.Popen(
                    shlex.split(service["ExecStart"]),
                    cwd=folder,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        app = processes[names.index("bridgework")]
        wait_until_served(f"http://127.0.0.1:{port}/signin", app)
        page = httpx.get(
            f"http://127.0.0.1:{port}/signin", headers={"X-Forwarded-Proto": "https"}, timeout=10
        )
        assert page.status_code == 200
        assert "strict-transport-security" in page.headers  # production, behind the proxy

        deadline = time.monotonic() + 90
        while not push.messages(phone) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        codes = [stop(process) for process in processes]
        logs = [process.communicate() for process in processes]
    assert push.refused == []
    [delivered] = [p for p in push.pushes if p.device == phone.token]
    assert delivered.headers["topic"] == TOPIC
    assert "Bob" in delivered.message["body"], delivered.message
    assert all(code in CLEAN_STOP for code in codes), (codes, logs)
    [reminder] = run(Reminder.select(Reminder.status))
    assert reminder["status"] == "sent"


def test_the_systemd_units_pass_systemd_analyze_verify(installed, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian: apt-get install systemd)")
    for path in (ROOT / "deploy").glob("*.service"):
        # The units run the installed command: point them at the one this session installed.
        text = path.read_text().replace("/opt/bridgework", str(installed))
        (tmp_path / path.name).write_text(text)
    checked = [
        "bridgework.service",
        "bridgework-dispatch@1.service",
        "bridgework-dispatch@2.service",
    ]
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in checked)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = [line for line in result.stderr.splitlines() if "bridgework" in line]
    assert result.returncode == 0, result.stderr
    assert ours == []
