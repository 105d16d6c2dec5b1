"""BRIDGEWORK_ENV=production: Secure cookies, HSTS, and no start without its secrets."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.reminders import keys as vapid
from server.settings import SettingsError, load_settings
from tests.conftest import PASSWORD, ROOT

SECRET = "production-secret-key-that-is-long-enough-0123456789"


def _production(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "BRIDGEWORK_ENV": "production",
        "BRIDGEWORK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": SECRET,
        "VAPID_PRIVATE_KEY": vapid.new_private_key(),
        "VAPID_SUBJECT": "mailto:ops@example.com",
        **extra,
    }


@pytest.mark.parametrize("missing", ["SECRET_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"])
def test_production_refuses_to_start_without_its_secrets(tmp_path, missing):
    env = _production(tmp_path)
    del env[missing]
    with pytest.raises(SettingsError, match=missing):
        load_settings(env)


def test_the_server_command_stops_in_production_without_a_secret_key(tmp_path):
    env = _production(tmp_path, PATH="/usr/bin:/bin", BRIDGEWORK_PORT="1")
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "server", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr + result.stdout


def test_in_production_every_cookie_is_secure_and_hsts_is_sent(db, tmp_path):
    settings = load_settings({**os.environ, **_production(tmp_path), "DATABASE_URL": db.url})
    app = create_app(settings, run_migrations=False)
    with TestClient(app, base_url="https://bridgework.example") as client:
        client.follow_redirects = False
        page = client.get("/signin")
        assert page.headers["strict-transport-security"] == "max-age=31536000"
        response = client.post(
            "/signup",
            data={
                "_csrf_token": client.cookies.get("csrftoken"),
                "email": "alice@example.com",
                "display_name": "Alice",
                "password": PASSWORD,
                "time_zone": "Europe/London",
            },
        )
        assert response.status_code == 303, response.text
        cookies = response.headers.get_list("set-cookie") + page.headers.get_list("set-cookie")
        names = {cookie.split("=", 1)[0] for cookie in cookies}
        assert {"bw_session", "bw_device", "csrftoken"} <= names
        for cookie in cookies:
            assert "Secure" in cookie, cookie
        assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_in_development_there_is_no_hsts(app, alice):
    assert "strict-transport-security" not in alice.get("/signin").headers
