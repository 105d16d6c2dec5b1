"""The web push sender: one small contract, permanent and temporary errors.

`WebPush.send()` builds a message for one device with `webpush` (the design card's
package: aes128gcm encryption, RFC 8291, and the VAPID header, RFC 8292) and posts
it with aiohttp, over one session that keeps connections to each push service
alive. It returns the status on success and raises `PushError` otherwise, marked
`permanent` (retrying will not help), `gone` (the device unsubscribed: delete it)
or neither, with `retry_after` when the service said when to come back. The caller
records every attempt and decides what to do (healthchecks' `Transport.notify()`
contract).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

import aiohttp
import jwt
import webpush
from cryptography.hazmat.primitives.asymmetric import ec
from webpush.types import WebPushKeys, WebPushSubscription
from webpush.vapid import VAPID
from yarl import URL

from server import clock
from server.reminders.keys import b64url_decode, pem_pair

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

# A push service takes 4,096 bytes of body (RFC 8030 §7.2): aes128gcm adds a
# 86-byte header, a 16-byte tag and a 1-byte delimiter to the message.
MAX_PAYLOAD = 4096 - 86 - 16 - 1
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


class Package:
    """Builds each push with `webpush` 1.0.6; its quirks are worked around here, once.

    - `WebPush.get()` keeps a call's `ttl` and `subscriber` on the instance for
      every later call, and ignores `ttl=0` (falsy): neither is ever passed to it;
      each message's `TTL` header is written here.
    - `get()` signs a new JWT for every message (measured 170 µs of a push's 460 µs):
      the body comes from its encryption alone (`_encrypt`, hence the exact pin in
      pyproject.toml) and the header from its `VAPID`, signed once per push
      service and hour, `exp` 12 hours ahead, so never more than 24 (RFC 8292 §2).
    - Its `aud` is `scheme://host`, dropping a non-default port (a push service
      then refuses the token): `VAPID` is handed the origin with the port in `host`.
    - Its `sub` is always `mailto:<subscriber>`: a `mailto:` subject is passed
      without the prefix; an `https:` one (RFC 8292 allows it) is signed by PyJWT,
      as `VAPID` signs, with the same key.
    """

    EXPIRATION_S = 12 * 3600

    def __init__(self, private_key: str, subject: str) -> None:
        private_pem, public_pem = pem_pair(private_key)
        self.subject = subject
        self.webpush = webpush.WebPush(
            private_key=private_pem,
            public_key=public_pem,
            subscriber=subject.removeprefix("mailto:"),
            expiration=self.EXPIRATION_S,
        )
        self.vapid: VAPID = self.webpush.vapid
        self.public_key = VAPID.get_application_server_key(self.vapid.public_key)
        self._hour = -1
        self._headers: dict[str, str] = {}

    def build(
        self, device: Device, payload: bytes, ttl: int, topic: str | None
    ) -> tuple[bytes, dict[str, str]]:
        """The encrypted body and the headers of one push to `device`."""
        subscription = WebPushSubscription.model_construct(
            endpoint=device.endpoint,
            keys=WebPushKeys.model_construct(p256dh=device.p256dh, auth=device.auth),
        )
        body = self.webpush._encrypt(payload, subscription)
        headers = {
            "Authorization": self.authorization(audience(device.endpoint)),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(max(0, int(ttl))),  # explicit on every push, 0 included
            "Urgency": "normal",
        }
        if topic:
            headers["Topic"] = topic
        return body, headers

    def authorization(self, audience: str) -> str:
        """`vapid t=…, k=…` for pushes to `audience`: one signature per hour."""
        hour = int(time.time()) // 3600  # webpush's `exp` counts from time.time() too
        if hour != self._hour:
            self._hour, self._headers = hour, {}
        header = self._headers.get(audience)
        if header is None:
            header = self._headers[audience] = self._sign(audience)
        return header

    def _sign(self, audience: str) -> str:
        if self.subject.startswith("mailto:"):
            return self.vapid.get_authorization_header(
                endpoint=_Origin(audience),
                subscriber=self.webpush.subscriber,
                expiration=self.EXPIRATION_S,
            )
        claims = {
            "aud": audience,
            "exp": int(time.time()) + self.EXPIRATION_S,
            "sub": self.subject,
        }
        token = jwt.encode(claims, self.vapid.private_key, algorithm="ES256")
        return f"vapid t={token}, k={self.public_key}"


class _Origin:
    """An endpoint as `VAPID` reads it for `aud`, the port kept inside `host`."""

    __slots__ = ("host", "scheme")

    def __init__(self, audience: str) -> None:
        self.scheme, _, self.host = audience.partition("://")


class WebPush:
    """Sends pushes built by `Package` through one shared aiohttp session.

    Connections are kept alive per push service (host and port), at most
    `per_host` to each and no limit overall, so a push service that answers
    slowly holds only its own connections: pushes to the others go straight on.
    """

    PER_HOST = 256  # the dispatcher's window: every push in flight may go to FCM
    KEEPALIVE_S = 30.0  # under push services' idle time-outs (a POST is never resent)

    def __init__(
        self, private_key: str, subject: str, *, timeout: float = 10.0, per_host: int = PER_HOST
    ) -> None:
        self.package = Package(private_key, subject)
        self.timeout = timeout
        self.per_host = per_host
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        """The shared session, made on first use inside the running event loop."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=0,
                    limit_per_host=self.per_host,
                    keepalive_timeout=self.KEEPALIVE_S,
                    ttl_dns_cache=300,
                ),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
            )
        return self._session

    async def send(
        self, device: Device, payload: bytes, *, ttl: int, topic: str | None = None
    ) -> int:
        if len(payload) > MAX_PAYLOAD:
            raise PushError(
                f"The message is {len(payload)} bytes, more than a push carries ({MAX_PAYLOAD}).",
                permanent=True,
            )
        try:
            # encoded=True: the endpoint was checked when the device subscribed.
            url = URL(device.endpoint, encoded=True)
        except ValueError as error:
            raise PushError(
                f"The device's endpoint is unusable ({error}).", permanent=True
            ) from None
        try:
            body, headers = self.package.build(device, payload, ttl, topic)
        except (ValueError, TypeError) as error:
            raise PushError(f"The device's keys are unusable ({error}).", permanent=True) from None
        try:
            async with self.session().post(url, data=body, headers=headers) as response:
                said = await response.read()
                return check(response.status, response.headers.get("Retry-After"), said)
        except TimeoutError:
            raise PushError(
                f"Could not reach the push service: no answer within {self.timeout:g} s.",
                permanent=False,
            ) from None
        except aiohttp.ClientError as error:
            raise PushError(
                f"Could not reach the push service: {unreachable(error)}.", permanent=False
            ) from None

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


def unreachable(error: aiohttp.ClientError) -> str:
    """Why a request got no answer, in a few words for a person."""
    if isinstance(error, aiohttp.ClientConnectorError):
        return f"could not connect to {error.host}:{error.port} ({error.strerror or error})"
    return str(error) or type(error).__name__


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
