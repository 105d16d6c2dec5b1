"""The web push sender: one small contract, permanent and temporary errors.

`WebPush.send()` encrypts a payload for one device (aes128gcm, RFC 8291), signs
it (VAPID, RFC 8292) and posts it to the device's push service. It returns the
status on success and raises `PushError` otherwise, marked `permanent` (retrying
will not help), `gone` (the device unsubscribed: delete it) or neither, with
`retry_after` when the service said when to come back. The caller records every
attempt and decides what to do (healthchecks' `Transport.notify()` contract).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from server import clock
from server.reminders import ece
from server.reminders.http import HttpClient, HttpError
from server.reminders.vapid import Vapid, b64url_decode

# Browsers' push services. An endpoint is a URL a browser hands us, so sending is
# limited to these hosts (and their subdomains): nobody can point the dispatcher at
# an address of their choosing. Development also allows loopback, for tests.
PUSH_SERVICE_HOSTS = (
    "fcm.googleapis.com",  # Chrome, Edge on Android, Samsung Internet, Opera
    "android.googleapis.com",
    "push.services.mozilla.com",  # Firefox
    "notify.windows.com",  # Edge on Windows
    "push.apple.com",  # Safari, and web apps on the iOS Home Screen
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

DEFAULT_RETRY_AFTER_S = 60.0
MAX_RETRY_AFTER_S = 6 * 3600.0


class PushError(Exception):
    """The push service did not take the message; the message says why, for a person."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        gone: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.gone = gone
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Device:
    """Where to push and the browser's keys (as `PushSubscription.toJSON()` gives them)."""

    endpoint: str
    p256dh: str
    auth: str


class Sender(Protocol):
    async def send(
        self, device: Device, payload: bytes, *, ttl: int, topic: str | None = None
    ) -> int: ...

    async def aclose(self) -> None: ...


def endpoint_error(endpoint: str, *, allow_loopback: bool) -> str | None:
    """Why `endpoint` is not a push service we send to, or None if it is one."""
    parts = urlsplit(endpoint)
    host = (parts.hostname or "").lower()
    if len(endpoint) > 1000:
        return "That push endpoint is too long."
    if allow_loopback and host in LOOPBACK_HOSTS and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https":
        return "A push endpoint must be an https:// URL."
    if not any(host == h or host.endswith("." + h) for h in PUSH_SERVICE_HOSTS):
        return "That is not a browser push service Bridgework knows."
    return None


def key_error(p256dh: str, auth: str) -> str | None:
    """Why the browser's keys cannot be used, or None."""
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(p256dh))
    except (ValueError, TypeError):
        return "The device's p256dh key is not a P-256 public key."
    try:
        secret = b64url_decode(auth)
    except (ValueError, TypeError):
        secret = b""
    if len(secret) != 16:
        return "The device's auth secret must be 16 bytes."
    return None


def audience(endpoint: str) -> str:
    """The JWT `aud`: the endpoint's origin, with its port when it is not the default."""
    return _audience(endpoint[: endpoint.find("/", endpoint.find("//") + 2)])


@lru_cache(maxsize=256)
def _audience(prefix: str) -> str:
    parts = urlsplit(prefix)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{host}{port}"


def encrypt(device: Device, payload: bytes) -> bytes:
    """The aes128gcm body for `device`: a new key pair and salt for every message."""
    return ece.encrypt(payload, b64url_decode(device.p256dh), b64url_decode(device.auth))


def retry_after_seconds(value: str | None, now: datetime) -> float:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return DEFAULT_RETRY_AFTER_S
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return DEFAULT_RETRY_AFTER_S
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(max(seconds, 1.0), MAX_RETRY_AFTER_S)


class WebPush:
    """Sends encrypted, VAPID-signed pushes over one keep-alive HTTP client."""

    def __init__(self, vapid: Vapid, *, timeout: float = 10.0) -> None:
        self.vapid = vapid
        self.http = HttpClient(timeout=timeout)

    async def send(
        self, device: Device, payload: bytes, *, ttl: int, topic: str | None = None
    ) -> int:
        try:
            body = encrypt(device, payload)
        except (ValueError, TypeError) as error:
            raise PushError(f"The device's keys are unusable ({error}).", permanent=True) from None
        headers = {
            "Authorization": self.vapid.authorization(audience(device.endpoint), clock.now()),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(max(0, int(ttl))),
            "Urgency": "normal",
        }
        if topic:
            headers["Topic"] = topic
        try:
            response = await self.http.post(device.endpoint, headers, body)
        except HttpError as error:
            raise PushError(
                f"Could not reach the push service: {error}.", permanent=False
            ) from None
        return check(response.status, response.headers.get("retry-after"), response.body)

    async def aclose(self) -> None:
        await self.http.aclose()


def check(status: int, retry_after: str | None, body: bytes = b"") -> int:
    """The push service's answer as the contract says: the status, or a PushError."""
    if 200 <= status < 300:
        return status
    said = body[:120].decode("utf-8", "replace").strip()
    said = f": {said}" if said else ""
    if status in (404, 410):
        raise PushError(
            f"The push service says this device is no longer subscribed ({status}).",
            permanent=True,
            gone=True,
            status=status,
        )
    if status == 413:
        raise PushError(
            "The push service refused the message as too large (413).", permanent=True, status=413
        )
    if status == 429:
        wait = retry_after_seconds(retry_after, clock.now())
        raise PushError(
            f"The push service asked us to slow down (429) for {wait:.0f} s.",
            permanent=False,
            status=429,
            retry_after=wait,
        )
    if status >= 500:
        raise PushError(
            f"The push service had a problem ({status}){said}.",
            permanent=False,
            status=status,
            retry_after=retry_after_seconds(retry_after, clock.now()) if retry_after else None,
        )
    raise PushError(
        f"The push service refused the message ({status}){said}.", permanent=True, status=status
    )
