"""Prometheus scrapes one of several app processes at a time: whichever answers,
/metrics counts the requests every worker served (prometheus-client's multiprocess
mode), and each request's JSON log line says which process served it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import ROOT, new_postgres_database
from tests.deploy_helpers import free_port, stop, wait_until_served

TOKEN = "a-prometheus-bearer-token-0123456789"
REQUESTS = 60


def requests_counted(text: str, route: str) -> float:
    prefix = f'bridgework_http_requests_total{{method="GET",route="{route}",status="200"}} '
    return sum(float(line[len(prefix) :]) for line in text.splitlines() if line.startswith(prefix))


def test_two_workers_metrics_add_up_whichever_of_them_prometheus_asks(tmp_path):
    port = free_port()
    folder = tmp_path / "metrics"
    folder.mkdir()
    log = (tmp_path / "serve.log").open("w+")
    with new_postgres_database("bridgework_metrics") as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DATABASE_POOL_SIZE": "2",
            "BRIDGEWORK_DATA_DIR": str(tmp_path),
            "BRIDGEWORK_PORT": str(port),
            "BRIDGEWORK_WORKERS": "2",
            "BRIDGEWORK_LOG_FORMAT": "json",
            "PROMETHEUS_MULTIPROC_DIR": str(folder),
            "METRICS_TOKEN": TOKEN,
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "server", "serve"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_served(f"{base}/health", server)

            def sign_in_page(_: int) -> int:
                # A new connection each time, so the kernel hands them to both workers.
                return httpx.get(f"{base}/signin", headers={"connection": "close"}).status_code

            with ThreadPoolExecutor(8) as pool:
                assert set(pool.map(sign_in_page, range(REQUESTS))) == {200}
            scrapes = [
                httpx.get(
                    f"{base}/metrics",
                    headers={"authorization": f"Bearer {TOKEN}", "connection": "close"},
                ).text
                for _ in range(6)
            ]
            # From this machine (METRICS_NETWORKS' default) no token is needed.
            assert httpx.get(f"{base}/metrics").status_code == 200
        finally:
            assert stop(server) in (0, -15)
    assert [requests_counted(text, "/signin") for text in scrapes] == [REQUESTS] * 6
    log.seek(0)
    lines = [json.loads(line) for line in log if line.startswith("{")]
    served_by = {line["pid"] for line in lines if line.get("route") == "/signin"}
    assert len(served_by) == 2, "both workers served sign-in pages"
