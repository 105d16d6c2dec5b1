"""Hostile input on every route, in process: nothing may answer 5xx.

The app runs in process (Litestar's TestClient) on a migrated SQLite file and,
when it is reachable, a fresh PostgreSQL database, with alice signed in on a
team with carol (the lead) and bob, and a bridge between alice and bob.

1. The probes issue #15 listed (ids past 64 bits, a partner of 20 digits, JSON
   nested 1,000 deep on sign-in) and ids just past PostgreSQL's SERIAL.
2. A generated set on every route, pages and API: path ids huge, negative and
   past 32 bits; every JSON field of the OpenAPI schema set to huge and negative
   integers, NUL, a lone surrogate, deep and wide values; form fields with NUL
   and invalid percent-encoded UTF-8; bodies nested deep, 60 KB wide, 10 MB
   long, invalid UTF-8, and sent as text/plain, XML, multipart without a
   boundary or with no content type at all.
3. schemathesis over every API operation (positive and negative examples,
   EXAMPLES each), with every check but positive_data_acceptance (see
   tests/test_openapi_contract.py).

Prints (goal: zero 5xx, zero failures):
  hostile_probes_<db>, hostile_5xx_<db>: requests sent in 1 and 2, and how many got 5xx
  schemathesis_cases_<db>, schemathesis_failures_<db>, schemathesis_5xx_<db>
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

import harness
from harness import figure, migrate, say, sqlite_url

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "50"))
BIG = 2**63
ODD_IDS = [str(BIG), str(-BIG - 1), str(2**31), "0", "-1", "9" * 40]
ODD_VALUES: list[Any] = [
    BIG,
    -33776313412957245440,
    2**31,
    -1,
    "\x00",
    "\ud800",
    "x" * 70_000,
    [[[[[[[[[[]]]]]]]]]],
    {"a": {"b": {"c": None}}},
]
# Probed separately: sent with odd input, they would sign alice out for the rest.
SIGNING_OUT = {"/signout", "/api/v1/session"}
DEEP = b"[" * 1000 + b"]" * 1000
WIDE = json.dumps({f"k{n}": n for n in range(6000)}).encode()
RAW_BODIES: list[tuple[str, bytes]] = [
    ("application/json", DEEP),
    ("application/json", WIDE),
    ("application/json", b"\xff\xfe\x00{"),
    ("application/json", b'{"email": "\\ud800", "password": "\\u0000"}'),
    ("text/plain", b'{"email": "a@b.c"}'),
    ("application/xml", b"<a/>"),
    ("multipart/form-data", b"--x\r\n"),
    ("", b"email=a"),
    ("application/x-www-form-urlencoded", b"email=%ff%fe&password=%00&_csrf_token=x"),
]
TEN_MB = b"0" * (10 * 1024 * 1024)


def _bind_all(url: str) -> None:
    from piccolo_conf import APP_REGISTRY
    from server.db import engine_from_url

    engine = engine_from_url(url)
    for app in APP_REGISTRY.app_configs.values():
        for table in app.table_classes:
            table._meta.db = engine


class Person:
    """One browser, signed in, sending what the page or its script would (with CSRF)."""

    def __init__(self, app: Any, name: str) -> None:
        from litestar.testing import TestClient

        self.client = TestClient(app, base_url="http://testserver.local")
        self.client.follow_redirects = False
        self.client.__enter__()
        self.client.get("/signin")
        self.csrf = str(self.client.cookies.get("csrftoken"))
        self.client.post(
            "/signup",
            data={
                "_csrf_token": self.csrf,
                "email": f"{name}@example.com",
                "display_name": name.title(),
                "password": harness.PASSWORD,
                "time_zone": "Europe/London",
            },
        )
        self.csrf = str(self.client.cookies.get("csrftoken"))

    def api(self, method: str, path: str, body: Any = None) -> Any:
        return self.client.request(
            method, f"/api/v1{path}", json=body, headers={"x-csrftoken": self.csrf}
        )

    def close(self) -> None:
        self.client.__exit__(None, None, None)


def _world(app: Any) -> tuple[Person, list[Person]]:
    alice, bob, carol = Person(app, "alice"), Person(app, "bob"), Person(app, "carol")
    made = carol.api("POST", "/teams", {"name": "Product Team"})
    assert made.status_code == 201, made.text
    team = made.json()["id"]
    for person in (alice, bob):
        token = carol.api("POST", f"/teams/{team}/invites").json()["token"]
        person.api("POST", f"/invites/{token}/accept")
    bob_id = bob.api("GET", "/me").json()["id"]
    bridge = alice.api("POST", "/bridges", {"partner": bob_id, "message": "hi"}).json()["id"]
    bob.api("POST", f"/bridges/{bridge}/accept")
    return alice, [alice, bob, carol]


def _fill(template: str, value: str) -> str:
    """A route's path with every parameter set to `value`."""
    parts = []
    for part in template.split("/"):
        if part.startswith("{") and part.endswith("}"):
            kind = part.strip("{}").partition(":")[2]
            parts.append(value if kind in ("int", "") or not value.lstrip("-").isdigit() else "x")
        else:
            parts.append(part)
    return "/".join(parts)


def _json_fields(schema: dict[str, Any], path: str, method: str) -> list[str]:
    operation = schema["paths"].get(path, {}).get(method.lower(), {})
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = body.get("schema", {}).get("$ref", "")
    component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}) if ref else {}
    return list(component.get("properties", {}))


def _probes(app: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, request keyword arguments) for every odd request."""
    yield "GET", f"/api/v1/bridges/{BIG}/state", {}
    yield "GET", f"/api/v1/bridges/{-BIG - 1}/state", {}
    yield "GET", f"/bridges/{BIG}", {}
    yield "GET", f"/api/v1/teams/{BIG}", {}
    yield "GET", f"/teams/{BIG}/dashboard.csv", {}
    yield "DELETE", f"/api/v1/reminders/devices/{BIG}", {}
    yield "POST", "/api/v1/bridges", {"json": {"partner": -33776313412957245440}}
    yield "POST", "/api/v1/bridges/1/checkins", {"json": {"commitment": BIG, "outcome": "kept"}}
    yield "POST", "/api/v1/session", {"content": DEEP, "ctype": "application/json"}
    yield "GET", f"/api/v1/bridges/{2**31}/state", {}

    schema = app.openapi_schema.to_schema()
    for route in app.routes:
        methods = sorted(set(getattr(route, "methods", ())) - {"OPTIONS", "HEAD"})
        if route.path.startswith("/static") or route.path in SIGNING_OUT:
            continue
        for method in methods:
            api = route.path.startswith("/api/")
            for odd in ODD_IDS if "{" in route.path else ["-"]:
                path = _fill(route.path, odd) if odd != "-" else route.path
                yield method, path, {}
                if method == "GET":
                    continue
                sample = _fill(route.path, "1")
                for field in _json_fields(schema, route.path_format, method) if api else []:
                    for value in ODD_VALUES:
                        yield method, sample, {"json": {field: value}}
                if not api:
                    for value in ("%00", "%ff%fe", str(BIG), "\u0000"):
                        yield method, sample, {"form": f"email={value}&commitment={value}"}
                for ctype, raw in RAW_BODIES:
                    yield method, sample, {"content": raw, "ctype": ctype}
                break  # the body probes once a method, on an id that exists
            if method == "POST" and route.path.count("/") <= 3:
                yield method, route.path, {"content": TEN_MB, "ctype": "application/json"}


def _send(person: Person, method: str, path: str, how: dict[str, Any]) -> int:
    headers = {"x-csrftoken": person.csrf}
    if "json" in how:
        content = json.dumps(how["json"]).encode()
        headers["content-type"] = "application/json"
    elif "form" in how:
        content = f"_csrf_token={person.csrf}&{how['form']}".encode()
        headers["content-type"] = "application/x-www-form-urlencoded"
    else:
        content = how.get("content")
        if how.get("ctype"):
            headers["content-type"] = how["ctype"]
    response = person.client.request(method, path, content=content, headers=headers)
    return int(response.status_code)


def _schemathesis(app: Any, alice: Person) -> tuple[int, set[str], int]:
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    schema = schemathesis.openapi.from_dict(app.openapi_schema.to_schema())
    cases = server_errors = 0
    failures: set[str] = set()
    operations = [result.ok() for result in schema.get_all_operations()]
    # Signing out last, so every other operation is tried signed in.
    operations.sort(key=lambda operation: operation.label == "DELETE /api/v1/session")
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
            )
            def one(case: Any) -> None:
                nonlocal cases, server_errors
                cases += 1
                request = case.as_transport_kwargs(base_url="http://testserver.local")
                request.pop("cookies", None)
                headers = {**request.pop("headers"), "x-csrftoken": alice.csrf}
                if "data" in request and isinstance(request["data"], bytes | str):
                    request["content"] = request.pop("data")
                response = alice.client.request(headers=headers, **request)
                server_errors += response.status_code >= 500
                try:
                    case.validate_response(response, excluded_checks=[positive_data_acceptance])
                except BaseException as error:  # schemathesis raises an exception group
                    if isinstance(error, KeyboardInterrupt | SystemExit):
                        raise
                    for failure in getattr(error, "exceptions", [error]):
                        failures.add(f"{case.operation.label}: {type(failure).__name__}")

            with contextlib.suppress(Unsatisfiable):  # nothing to negate (no parameters, no body)
                one()
    return cases, failures, server_errors


def bench(kind: str, url: str) -> None:
    from server.app import create_app
    from server.settings import load_settings

    migrate(url)
    _bind_all(url)
    # Each TestClient runs its own event loop: a connection per query, as in the tests.
    env = {**os.environ, "DATABASE_URL": url, "DATABASE_POOL_SIZE": "0"}
    app = create_app(load_settings(env), run_migrations=False)
    alice, people = _world(app)
    started = time.perf_counter()
    probes = server_errors = 0
    statuses: dict[int, int] = {}
    for method, path, how in _probes(app):
        probes += 1
        status = _send(alice, method, path, how)
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 500:
            server_errors += 1
            say(f"5xx: {method} {path[:80]} {str(how)[:80]}")
    say(f"{probes} probes on {kind} in {time.perf_counter() - started:.0f} s: {statuses}")
    assert alice.api("GET", "/me").status_code == 200, "alice was signed out by a probe"
    figure(f"hostile_probes_{kind}", probes)
    figure(f"hostile_5xx_{kind}", server_errors)
    started = time.perf_counter()
    cases, failures, st_5xx = _schemathesis(app, alice)
    for failure in sorted(failures):
        say(failure)
    say(f"{cases} schemathesis cases on {kind} in {time.perf_counter() - started:.0f} s")
    figure(f"schemathesis_cases_{kind}", cases)
    figure(f"schemathesis_failures_{kind}", len(failures))
    figure(f"schemathesis_5xx_{kind}", st_5xx)
    for person in reversed(people):
        person.close()


def main() -> None:
    sys.setrecursionlimit(1000)  # the interpreter's default: what the server runs with
    bench("sqlite", sqlite_url("hostile"))
    try:
        url = harness.create_postgres()
    except Exception as error:
        say(f"PostgreSQL unreachable, skipped: {error}")
        return
    try:
        bench("postgres", url)
    finally:
        harness.drop_postgres(url)


if __name__ == "__main__":
    main()
