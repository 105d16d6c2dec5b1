"""Bridgework served from a subprocess, the `bridgework` command, and people over HTTP."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ROOT, Browser
from tests.deploy_helpers import free_port, stop, wait_until_served


def env_for(url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "BRIDGEWORK_DATA_DIR": str(data_dir),
        "REMINDERS_IN_PROCESS": "false",
        "BACKUPS_AUTOMATIC": "false",
        **extra,
    }


def bridgework(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the real command, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@contextlib.contextmanager
def served(env: dict[str, str]) -> Iterator[str]:
    """`bridgework serve` on a free port; its base URL, stopped afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve"],
        cwd=ROOT,
        env={**env, "BRIDGEWORK_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(f"{url}/signin", process)
        yield url
    finally:
        stop(process)


class ServedBrowser(Browser):
    """A person's browser talking to a served app over real HTTP."""

    def __init__(self, base_url: str, name: str = "", cookies: Any = None) -> None:
        self.name = name
        self.email = f"{name}@example.com" if name else ""
        self.client = httpx.Client(base_url=base_url, cookies=cookies, timeout=60)  # type: ignore[assignment]

    def close(self) -> None:
        self.client.close()

    def twin(self) -> ServedBrowser:
        """Another client signed in as the same person (a second tab, a second phone)."""
        return ServedBrowser(str(self.client.base_url), self.name, self.client.cookies)
