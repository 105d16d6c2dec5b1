"""Configuration: every setting comes from the environment; bad values stop start-up."""

from __future__ import annotations

import subprocess
import sys

import pytest

from server.settings import SettingsError, load_settings
from tests.conftest import ROOT


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    env = {"BRIDGEWORK_DATA_DIR": str(tmp_path)}
    first = load_settings(env).secret_key
    assert len(first) >= 32
    assert load_settings(env).secret_key == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_requires_a_secret_key(tmp_path):
    with pytest.raises(SettingsError, match="SECRET_KEY is required"):
        load_settings({"BRIDGEWORK_ENV": "production", "BRIDGEWORK_DATA_DIR": str(tmp_path)})


def test_the_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path):
    settings = load_settings({"BRIDGEWORK_DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'bridgework.sqlite3'}"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BRIDGEWORK_ENV", "staging", "BRIDGEWORK_ENV must be one of"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL must look like"),
        ("BRIDGEWORK_PORT", "eighty", "BRIDGEWORK_PORT must be a whole number"),
        ("BRIDGEWORK_PORT", "70000", "BRIDGEWORK_PORT must be between"),
        ("SECRET_KEY", "short", "SECRET_KEY must be at least 32"),
        ("DATABASE_POOL_SIZE", "-1", "DATABASE_POOL_SIZE must be between"),
        ("BRIDGEWORK_WORKERS", "0", "BRIDGEWORK_WORKERS must be between"),
    ],
)
def test_a_bad_value_names_the_variable(tmp_path, name, value, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"BRIDGEWORK_DATA_DIR": str(tmp_path), name: value})


def test_the_command_stops_with_a_message_naming_the_bad_variable(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "server", "migrate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "BRIDGEWORK_DATA_DIR": str(tmp_path),
            "BRIDGEWORK_PORT": "eighty",
        },
    )
    assert result.returncode != 0
    assert "BRIDGEWORK_PORT must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr
