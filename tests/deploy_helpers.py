"""Bridgework as an operator gets it: a wheel built from this checkout, installed by pip
into a fresh virtual environment outside the checkout, run from a temporary folder with
nothing but the settings in its environment.

The wheel is built once a session (`pip wheel --no-deps`, about 5 s) and installed
once a session (`pip install`, which fetches the dependencies: about 40 s); each
test gets its own folder and, on PostgreSQL, a fresh database nobody has migrated.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, new_postgres_database

# What a shell on a fresh server has: no project settings, no PYTHONPATH, no venv.
BASE_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": os.environ.get("HOME", "/root"),
    "LANG": "C.UTF-8",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}
PYTHON = shutil.which("python3", path=BASE_ENV["PATH"]) or sys.executable


def clean_env(**settings: str) -> dict[str, str]:
    """A fresh environment with `settings` only (pip's own configuration passes through)."""
    pip = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}
    return {**pip, **BASE_ENV, **settings}


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bridgework-<version>-py3-none-any.whl, built from this checkout."""
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of what the build reads: setuptools reuses a `build/` folder,
    # where files since deleted from the checkout would still be found.
    source = tmp_path_factory.mktemp("source")
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("server", "web"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "setup.py"):
        shutil.copy(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stderr
    [built] = out.glob("bridgework-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment outside the checkout with the wheel installed by pip."""
    venv = tmp_path_factory.mktemp("operator") / "venv"
    subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True, timeout=120)
    result = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--quiet", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stderr
    return venv


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    with new_postgres_database("bridgework_deploy") as url:
        yield url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_served(url: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the server stopped ({process.returncode}):\n{out}\n{err}")
        if time.monotonic() > deadline:
            stop(process)
            pytest.fail(f"nothing answered at {url} within {timeout:.0f} s")
        time.sleep(0.2)


# A clean stop: uvicorn re-raises the SIGTERM it handled once it has finished, and
# systemd counts death by SIGTERM as a clean exit.
CLEAN_STOP = (0, -signal.SIGTERM)


def stop(process: subprocess.Popen[str], timeout: float = 30) -> int:
    """SIGTERM, as systemctl stop sends; the exit code (one of CLEAN_STOP when clean)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    return process.returncode
