"""Reminders in tests: a real push service on loopback and synthetic browser subscriptions.

`PushService` is what a browser vendor runs, made small: an HTTP/1.1 server on
127.0.0.1 (a thread with its own asyncio loop) that checks every push the way a
real one would — the VAPID JWT (ES256 signature, `aud`, `exp` at most 24 hours
ahead, `sub`), the TTL and Urgency headers, the aes128gcm body — then decrypts
the body with the synthetic subscription's private key, so a test reads the text
the phone would show. A test can make it answer 404, 410, 413, 429, 5xx or
nothing at all. This is the only edge the reminder tests stand in for.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from server.reminders.dispatcher import Dispatcher
from server.reminders.push import Device as PushDevice
from server.reminders.push import WebPush
from server.reminders.tables import PushAttempt, PushSubscription, Reminder, ReminderSettings
from server.settings import load_settings
from tests.conftest import run

MAX_EXP_AHEAD_S = 24 * 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Device:
    """A synthetic browser subscription: our own P-256 key pair and auth secret."""

    def __init__(self, push: PushService, name: str = "") -> None:
        self.token = secrets.token_hex(8)
        self.name = name or self.token
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = f"{push.origin}/push/{self.token}"
        push.devices[self.token] = self

    def subscription(self) -> dict[str, Any]:
        """What `PushSubscription.toJSON()` gives the page."""
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"
        )


@dataclass
class Push:
    """One push the service accepted, as the phone would read it."""

    device: str
    message: dict[str, Any]
    headers: dict[str, str]
    claims: dict[str, Any]
    size: int


@dataclass
class Answer:
    status: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering; 30 or more: no answer at all


class PushService:
    """The push service on 127.0.0.1; `pushes` holds what it delivered, `refused` what not."""

    def __init__(self, delay: float = 0.0) -> None:
        self.devices: dict[str, Device] = {}
        self.pushes: list[Push] = []
        self.refused: list[str] = []
        self.requests = 0
        self.connections = 0  # connections ever opened to this service
        self.most_open = 0  # the most connections open at once
        self._open = 0
        self.delay = delay
        self.answers: dict[str, list[Answer]] = defaultdict(list)
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.base_events.Server | None = None
        ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)

        async def start() -> None:
            self.server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
            ready.set()

        self.loop.run_until_complete(start())
        self.loop.run_forever()

    def close(self) -> None:
        if not self.thread.is_alive():  # a test closed it already: a push service down
            return

        async def stop() -> None:
            assert self.server is not None
            self.server.close()
            # Connections still waiting to answer (a slow or silent push service) end
            # here, while the loop runs, not as garbage after it has stopped.
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    def answer(self, device: Device, *answers: Answer) -> None:
        """The next answers for `device`, in order; then 201 again."""
        with self.lock:
            self.answers[device.token].extend(answers)

    def device(self, name: str = "") -> PushDevice:
        """A new synthetic subscription, as the sender is given it."""
        keys = Device(self, name).subscription()
        return PushDevice(keys["endpoint"], keys["keys"]["p256dh"], keys["keys"]["auth"])

    def messages(self, device: Device | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [p.message for p in self.pushes if device is None or p.device == device.token]

    # ---------------------------------------------------------------- HTTP

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with self.lock:
            self.connections += 1
            self._open += 1
            self.most_open = max(self.most_open, self._open)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                request_line, *lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines:
                    if line:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                status, extra = self._handle(request_line.split(" ")[1], headers, body)
                if status is None:  # no answer at all: the sender times out first
                    await asyncio.sleep(float(extra["__delay"]))
                    return
                answer = extra.pop("__delay", None)
                if self.delay or answer:
                    await asyncio.sleep(float(answer or self.delay))
                extra_lines = "".join(f"{k}: {v}\r\n" for k, v in extra.items())
                writer.write(
                    f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n{extra_lines}\r\n".encode()
                )
                await writer.drain()
        finally:
            with self.lock:
                self._open -= 1
            writer.close()

    def _handle(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int | None, dict[str, Any]]:
        with self.lock:
            self.requests += 1
            token = path.rsplit("/", 1)[-1]
            queued = self.answers.get(token)
            answer = queued.pop(0) if queued else Answer()
        if answer.delay >= 30:
            return None, {"__delay": answer.delay}
        extra: dict[str, Any] = dict(answer.headers)
        if answer.delay:
            extra["__delay"] = answer.delay
        if answer.status != 201:
            return answer.status, extra
        device = self.devices.get(token)
        if device is None:
            return 404, extra
        problem, claims = check_vapid(headers.get("authorization", ""), self.origin)
        if problem is None:
            problem = check_headers(headers)
        if problem is None:
            try:
                plain = device.decrypt(body)
                message = json.loads(plain)
            except Exception as error:
                problem = f"cannot decrypt: {error!r}"
        if problem is not None:
            with self.lock:
                self.refused.append(problem)
            return 400, extra
        with self.lock:
            self.pushes.append(Push(token, message, headers, claims, len(body)))
        return 201, extra


def check_headers(headers: dict[str, str]) -> str | None:
    if headers.get("content-encoding") != "aes128gcm":
        return f"Content-Encoding {headers.get('content-encoding')!r}"
    if not headers.get("ttl", "").isdigit():
        return f"TTL {headers.get('ttl')!r}"
    if headers.get("urgency") not in ("very-low", "low", "normal", "high"):
        return f"Urgency {headers.get('urgency')!r}"
    return None


def check_vapid(authorization: str, origin: str) -> tuple[str | None, dict[str, Any]]:
    """RFC 8292: `vapid t=<ES256 JWT>, k=<public key>`; the token signed by that key."""
    if not authorization.startswith("vapid "):
        return f"Authorization {authorization[:30]!r}", {}
    params = dict(
        part.strip().split("=", 1) for part in authorization.removeprefix("vapid ").split(",")
    )
    try:
        header_b64, claims_b64, signature_b64 = params["t"].split(".")
        header = json.loads(unb64url(header_b64))
        claims = json.loads(unb64url(claims_b64))
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(params["k"]))
        raw = unb64url(signature_b64)
        signature = encode_dss_signature(
            int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        )
        public.verify(signature, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except (KeyError, ValueError, InvalidSignature) as error:
        return f"bad VAPID token: {error!r}", {}
    now = time.time()
    if header.get("alg") != "ES256":
        return f"alg {header.get('alg')!r}", claims
    if claims.get("aud") != origin:
        return f"aud {claims.get('aud')!r} is not {origin!r}", claims
    if not now < claims.get("exp", 0) <= now + MAX_EXP_AHEAD_S:
        return f"exp {claims.get('exp')} not within 24 h of {now}", claims
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        return f"sub {claims.get('sub')!r}", claims
    return None, claims


# ---------------------------------------------------------------- dispatching


def sender() -> WebPush:
    settings = load_settings(os.environ)
    return WebPush(settings.vapid_private_key, settings.vapid_subject, timeout=2)


def dispatch(**options: Any) -> int:
    """One dispatcher pass, as `bridgework dispatch` makes it; returns reminders handled."""

    async def once() -> int:
        dispatcher = Dispatcher(sender(), **options)
        try:
            return await dispatcher.once()
        finally:
            await dispatcher.sender.aclose()

    return run(once())


def subscribe(person: Any, device: Device) -> int:
    response = person.api("POST", "/reminders/devices", device.subscription())
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def remind_at(person: Any, local_time: str, **extra: Any) -> Any:
    body = {"local_time": local_time, "weekdays": list(range(7)), **extra}
    response = person.api("PUT", "/reminders", body)
    assert response.status_code == 200, response.text
    return response.json()


def reminders_of(person_id: int) -> list[dict[str, Any]]:
    return run(Reminder.select().where(Reminder.person == person_id).order_by(Reminder.local_day))


def attempts_of(person_id: int) -> list[dict[str, Any]]:
    return run(PushAttempt.select().where(PushAttempt.person == person_id).order_by(PushAttempt.id))


def devices_of(person_id: int) -> list[dict[str, Any]]:
    return run(PushSubscription.select().where(PushSubscription.person == person_id))


def settings_of(person_id: int) -> dict[str, Any] | None:
    return run(ReminderSettings.select().where(ReminderSettings.person == person_id).first())


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def push() -> Iterator[PushService]:
    """The push service, on a free port of 127.0.0.1 for one test."""
    service = PushService()
    yield service
    service.close()


async def seed_racers(now: datetime, people: int, devices: list[Device] | None = None) -> None:
    """`people` in pairs of bridges, a daily commitment each, all due at `now` (08:30 UTC
    chosen): each with a phone from `devices`, or (none given) a confirmed address."""
    from datetime import date

    from server.tables import Bridge, Commitment, User

    await User.insert(
        *[
            User(
                email=f"racer{i}@example.com",
                display_name=f"Racer {i}",
                password_hash="-",
                time_zone="UTC",
                created_at=now,
            )
            for i in range(people)
        ]
    )
    ids = await User.select(User.id).order_by(User.id).output(as_list=True)
    await Bridge.insert(
        *[
            Bridge(side_a=a, side_b=b, status="active", created_at=now, accepted_at=now)
            for a, b in zip(ids[::2], ids[1::2], strict=True)
        ]
    )
    bridges = await Bridge.select(Bridge.id, Bridge.side_a, Bridge.side_b)
    await Commitment.insert(
        *[
            Commitment(
                bridge=b["id"],
                side=side,
                owner=b[f"side_{side}"],
                text="Reply within a day",
                cadence="daily",
                start=date(now.year, now.month, now.day),
                created_at=now,
            )
            for b in bridges
            for side in ("a", "b")
        ]
    )
    if devices is not None:
        await PushSubscription.insert(
            *[
                PushSubscription(
                    person=person,
                    endpoint=device.endpoint,
                    p256dh=device.subscription()["keys"]["p256dh"],
                    auth=device.subscription()["keys"]["auth"],
                    device="Phone",
                    created_at=now,
                )
                for person, device in zip(ids, devices, strict=True)
            ]
        )
    by_email = {} if devices is not None else {"channel": "email", "email_confirmed_at": now}
    await ReminderSettings.insert(
        *[
            ReminderSettings(
                person=person,
                local_time="08:30",
                next_due_at=now,
                updated_at=now,
                email=f"racer{i}@example.com",
                **by_email,
            )
            for i, person in enumerate(ids)
        ]
    )


def race(url: str, now: datetime, racers: int = 3, env: dict[str, str] | None = None) -> list[int]:
    """`racers` dispatcher processes started together (tests/reminders_race_worker.py) at
    the frozen moment `now`; how many reminders each handled."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reminders_race_worker", url, now.isoformat()],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(racers)
    ]
    for process in processes:  # all are imported and waiting: start them together
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [process.communicate(timeout=240) for process in processes]
    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    return [int(out.strip()) for out, _ in results]
