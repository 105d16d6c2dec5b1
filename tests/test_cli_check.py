"""`bridgework check` shows an operator what the app would run with, secrets hidden, and
stops on a bad setting or a database it cannot reach, before anything is served."""

from __future__ import annotations

import subprocess
import sys

import pytest

from server.reminders import keys as vapid
from server.settings import load_settings
from tests.conftest import POSTGRES_ADMIN_URL

SECRET = "an-operators-secret-key-that-nobody-may-read-0123"
PRIVATE = vapid.new_private_key()


def check(tmp_path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "BRIDGEWORK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": SECRET,
        "VAPID_PRIVATE_KEY": PRIVATE,
        **settings,
    }
    return subprocess.run(
        [sys.executable, "-m", "server", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_prints_every_setting_with_the_secrets_hidden(tmp_path):
    result = check(tmp_path, VAPID_SUBJECT="mailto:ops@example.com")
    assert result.returncode == 0, result.stderr
    for name in ("BRIDGEWORK_ENV", "DATABASE_URL", "BRIDGEWORK_TRUSTED_PROXIES", "SECRET_KEY"):
        assert name in result.stdout
    assert "mailto:ops@example.com" in result.stdout
    assert SECRET not in result.stdout
    assert PRIVATE not in result.stdout
    assert vapid.public_key(PRIVATE) in result.stdout  # what browsers subscribe with
    assert "does not exist yet" in result.stdout  # the SQLite file: migrate makes it
    assert result.stdout.rstrip().endswith("OK")


def test_check_masks_the_database_password_and_says_whether_it_is_migrated(tmp_path):
    url = POSTGRES_ADMIN_URL.replace("postgresql://postgres@", "postgresql://postgres:hunter2-pw@")
    if url == POSTGRES_ADMIN_URL:
        pytest.skip(f"TEST_POSTGRES_URL has a form this test does not rewrite: {url}")
    result = check(tmp_path, DATABASE_URL=url)
    if "cannot reach the database" in result.stderr:
        pytest.skip(f"PostgreSQL unreachable: {result.stderr}")
    assert result.returncode == 0, result.stderr
    assert "hunter2-pw" not in result.stdout
    assert "postgres:***@" in result.stdout
    assert "Database: PostgreSQL" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("BRIDGEWORK_PORT", "eighty", "BRIDGEWORK_PORT must be a whole number"),
        ("BRIDGEWORK_TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal", "BRIDGEWORK_TRUSTED_PROXIES"),
        ("DATABASE_URL", "mysql://db/bridgework", "DATABASE_URL must look like"),
        ("BRIDGEWORK_WORKERS", "3", "BRIDGEWORK_WORKERS > 1 needs PostgreSQL"),
    ],
)
def test_check_names_a_bad_setting_and_exits_non_zero(tmp_path, name, value, says):
    result = check(tmp_path, **{name: value})
    assert result.returncode != 0
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_check_fails_when_the_database_cannot_be_reached(tmp_path):
    result = check(tmp_path, DATABASE_URL="postgresql://nobody@127.0.0.1:1/nothing")
    assert result.returncode != 0
    assert "cannot reach the database" in result.stderr


def test_trusted_proxies_are_addresses_or_networks(tmp_path):
    env = {"BRIDGEWORK_DATA_DIR": str(tmp_path)}
    assert load_settings(env).trusted_proxies == "127.0.0.1"
    spaced = {**env, "BRIDGEWORK_TRUSTED_PROXIES": " 10.0.0.0/8, ::1 "}
    assert load_settings(spaced).trusted_proxies == "10.0.0.0/8,::1"
    assert load_settings({**env, "BRIDGEWORK_TRUSTED_PROXIES": "*"}).trusted_proxies == "*"
