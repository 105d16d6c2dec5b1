"""The wheel, installed by pip into a fresh virtual environment outside the checkout,
gives a `bridgework` command that migrates, serves and dispatches from any folder, on
SQLite and on PostgreSQL, and checks an operator's settings before serving."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.deploy_helpers import CLEAN_STOP, clean_env, free_port, stop, wait_until_served

pytest_plugins = ["tests.deploy_helpers"]


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bridgework.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres"))


def bridgework(venv: Path, folder: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(venv / "bin" / "bridgework"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"bridgework {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_installed_package_is_its_own_and_carries_web_and_migrations(installed, tmp_path):
    found = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import server, server.web as w; print(server.__file__); print(w.WEB_DIR)",
        ],
        cwd=tmp_path,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    package, web = (Path(line) for line in found)
    assert package.is_relative_to(installed) and not package.is_relative_to(ROOT)
    assert web.is_relative_to(installed)
    assert (web / "sw.js").is_file()
    assert (web / "templates" / "base.html").is_file()
    assert (web / "static" / "app.css").is_file()
    assert list((package.parent / "piccolo_migrations").glob("bridgework_*.py"))
    assert (package.parent / "accounts" / "common_passwords.txt").is_file()


def test_bridgework_migrates_serves_and_dispatches_from_a_temporary_folder(
    installed, tmp_path, database_url
):
    port = free_port()
    env = clean_env(
        DATABASE_URL=database_url,
        BRIDGEWORK_PORT=str(port),
        BRIDGEWORK_DATA_DIR=str(tmp_path / "data"),
    )
    assert "bridgework 0.1.0" in bridgework(installed, tmp_path, env, "--version")
    assert "Migrations applied." in bridgework(installed, tmp_path, env, "migrate")
    assert "migrated" in bridgework(installed, tmp_path, env, "check")

    serving = subprocess.Popen(
        [str(installed / "bin" / "bridgework"), "serve"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_served(f"http://127.0.0.1:{port}/signin", serving)
        page = httpx.get(f"http://127.0.0.1:{port}/signin", timeout=10)
        assert page.status_code == 200
        assert "Sign in" in page.text
        assert httpx.get(f"http://127.0.0.1:{port}/sw.js", timeout=10).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/static/app.css", timeout=10).status_code == 200
    finally:
        assert stop(serving) in CLEAN_STOP

    assert "Reminders handled: 0" in bridgework(installed, tmp_path, env, "dispatch")


def test_check_names_a_bad_setting_and_fails(installed, tmp_path):
    env = clean_env(BRIDGEWORK_ENV="production", BRIDGEWORK_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [str(installed / "bin" / "bridgework"), "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
    assert "bridgework new-keys" in result.stderr
