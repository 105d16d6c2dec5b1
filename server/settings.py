"""Every setting in one place, read once from the environment.

(Over 400 lines: one documented field per setting, each with its check and message.)

Each field's docstring is what the README says about it; `tests/test_docs.py`
fails when a setting is missing from the README. A bad value stops start-up with
a message naming the variable (`SettingsError`).
"""

from __future__ import annotations

import ast
import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ENVIRONMENTS = ("development", "production")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    env: str
    """`BRIDGEWORK_ENV`: `development` (default) or `production`. Production
    requires `SECRET_KEY`, marks cookies Secure and sends HSTS."""

    data_dir: Path
    """`BRIDGEWORK_DATA_DIR`: where the SQLite file and the development secret
    key live. Default: `data/` in the current folder (a relative path is taken
    from there too)."""

    database_url: str
    """`DATABASE_URL`: `sqlite:///path/to/file.sqlite3` (default:
    `sqlite:///<data dir>/bridgework.sqlite3`) or `postgresql://user@host:port/db`."""

    database_pool_size: int
    """`DATABASE_POOL_SIZE`: connections per process in the PostgreSQL pool
    (default 10; 0 opens a connection per query). Ignored for SQLite."""

    secret_key: str
    """`SECRET_KEY`: signs CSRF tokens. Required in production (at least 32
    characters); in development generated once and kept in the data dir."""

    host: str
    """`BRIDGEWORK_HOST`: address to listen on (default `127.0.0.1`)."""

    port: int
    """`BRIDGEWORK_PORT`: port to listen on (default `8000`)."""

    trusted_proxies: str
    """`BRIDGEWORK_TRUSTED_PROXIES`: addresses or networks (comma-separated, or `*`)
    of the reverse proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are
    believed (default `127.0.0.1`: a proxy on the same machine). The sign-in
    throttle counts by the client address this gives."""

    workers: int
    """`BRIDGEWORK_WORKERS`: app processes `bridgework serve` starts (default 1).
    More than one needs PostgreSQL."""

    vapid_private_key: str
    """`VAPID_PRIVATE_KEY`: the web push signing key (P-256, the 32-byte private
    value in base64url, as web-push tools print it). Required in production; in
    development generated once and kept in the data dir."""

    vapid_subject: str
    """`VAPID_SUBJECT`: how push services reach the operator, a `mailto:` or
    `https:` URL sent in every push (default in development
    `mailto:reminders@bridgework.invalid`; required in production)."""

    reminders_in_process: bool
    """`REMINDERS_IN_PROCESS`: `true` runs the reminder dispatcher inside each app
    process, `false` leaves it to `bridgework dispatch --loop`. Default: true on
    SQLite (so `make run` needs nothing else), false on PostgreSQL."""

    backups_automatic: bool
    """`BACKUPS_AUTOMATIC`: `true` (default) makes `bridgework serve` on SQLite keep a
    daily backup in `BACKUP_DIR` (7 daily and 4 weekly kept); `false` turns that off.
    PostgreSQL is left to the operator's own schedule of `bridgework backup`."""

    backup_dir: Path
    """`BACKUP_DIR`: where `bridgework backup` and the daily backups write (default
    `<data dir>/backups`; a relative path is taken from the current folder)."""

    backup_hour: int
    """`BACKUP_HOUR`: the hour (0-23, UTC) after which the daily backup is taken,
    a quiet hour for the app (default `3`)."""

    smtp_url: str
    """`SMTP_URL`: where email reminders are sent from, `smtp://user:pass@host:587`
    (STARTTLS) or `smtps://user:pass@host:465` (TLS from the start). Empty (the
    default): email reminders are not offered."""

    mail_from: str
    """`MAIL_FROM`: the sender address of every email, e.g. `Bridgework
    <reminders@example.com>`; required with `SMTP_URL`."""

    public_url: str
    """`BRIDGEWORK_PUBLIC_URL`: the address people open the app at, for links in
    emails (default `http://<host>:<port>`)."""

    log_format: str
    """`BRIDGEWORK_LOG_FORMAT`: `json` (one JSON object a line: request id, route,
    status, duration, person id) or `plain` (readable text). Default: json in
    production, plain in development."""

    metrics_token: str
    """`METRICS_TOKEN`: a bearer token that lets Prometheus read `/metrics` from
    anywhere (`Authorization: Bearer <token>`); empty (default): no token works."""

    metrics_networks: str
    """`METRICS_NETWORKS`: the client addresses or networks (comma-separated) that
    may read `/metrics` without the token (default `127.0.0.1,::1`: this machine)."""
    oidc_issuer: str
    """`OIDC_ISSUER`: the company's OpenID Connect identity provider (e.g.
    `https://login.example.com/realms/staff`); its discovery document is read from
    `<issuer>/.well-known/openid-configuration`. Empty (default): no single sign-on.
    Must be https, except on a loopback address."""

    oidc_client_id: str
    """`OIDC_CLIENT_ID`: Bridgework's client ID at the identity provider (required with
    `OIDC_ISSUER`). Register `https://<your host>/signin/sso/callback` as its redirect URI."""

    oidc_client_secret: str
    """`OIDC_CLIENT_SECRET`: the client secret the identity provider issued (required
    with `OIDC_ISSUER`)."""

    oidc_allowed_domains: tuple[str, ...]
    """`OIDC_ALLOWED_DOMAINS`: email domains, comma-separated (`example.com,example.org`),
    whose people may sign in by single sign-on; empty (default): any domain the identity
    provider vouches for."""

    oidc_only: bool
    """`OIDC_ONLY`: `true` hides passwords and passkeys for the whole instance: everyone
    signs in through the identity provider (default `false`). Needs `OIDC_ISSUER`."""

    @property
    def emails(self) -> bool:
        return bool(self.smtp_url)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _database_url(env: Mapping[str, str], data_dir: Path) -> str:
    url = env.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'bridgework.sqlite3'}"
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return url
    if url.startswith(("postgres://", "postgresql://")):
        return url
    raise SettingsError(
        "DATABASE_URL must look like sqlite:///path/to/file.sqlite3 or "
        f"postgresql://user@host:5432/dbname, got {url!r}"
    )


def _secret_key(env: Mapping[str, str], production: bool, data_dir: Path) -> str:
    key = env.get("SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters long")
        return key
    if production:
        raise SettingsError(
            "SECRET_KEY is required when BRIDGEWORK_ENV=production "
            "(generate one with: bridgework new-keys)"
        )
    # Development: generate once and keep it, so sessions survive a restart.
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _vapid_private_key(env: Mapping[str, str], production: bool, data_dir: Path) -> str:
    from server.reminders import keys as vapid

    key = env.get("VAPID_PRIVATE_KEY", "").strip()
    if key:
        if not vapid.is_private_key(key):
            raise SettingsError(
                "VAPID_PRIVATE_KEY must be a P-256 private key: 32 bytes in base64url "
                f"(generate one with: {vapid.GENERATE_COMMAND})"
            )
        return key
    if production:
        raise SettingsError(
            "VAPID_PRIVATE_KEY is required when BRIDGEWORK_ENV=production "
            f"(generate one with: {vapid.GENERATE_COMMAND}) and keep it: "
            "changing it cuts off every device that turned reminders on"
        )
    # Development: like the secret key, generated once, so subscriptions survive a restart.
    path = data_dir / "vapid_private_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = vapid.new_private_key()
    path.write_text(key)
    path.chmod(0o600)
    return key


def _vapid_subject(env: Mapping[str, str], production: bool) -> str:
    subject = env.get("VAPID_SUBJECT", "").strip()
    if not subject:
        if production:
            raise SettingsError(
                "VAPID_SUBJECT is required when BRIDGEWORK_ENV=production "
                "(a mailto: or https: URL where push services can reach you)"
            )
        return "mailto:reminders@bridgework.invalid"
    if not subject.startswith(("mailto:", "https://")) or len(subject) < 10:
        raise SettingsError(f"VAPID_SUBJECT must be a mailto: or https:// URL, got {subject!r}")
    return subject


def _trusted_proxies(env: Mapping[str, str]) -> str:
    raw = env.get("BRIDGEWORK_TRUSTED_PROXIES", "").strip() or "127.0.0.1"
    if raw == "*":
        return raw
    entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(
                "BRIDGEWORK_TRUSTED_PROXIES must be `*` or IP addresses or networks "
                f"separated by commas (e.g. 127.0.0.1,10.0.0.0/8), got {entry!r}"
            ) from None
    return ",".join(entries)


def _smtp_url(env: Mapping[str, str]) -> str:
    from urllib.parse import urlsplit

    url = env.get("SMTP_URL", "").strip()
    if url and (urlsplit(url).scheme not in ("smtp", "smtps") or not urlsplit(url).hostname):
        raise SettingsError(
            "SMTP_URL must look like smtp://user:pass@host:587 (STARTTLS) or "
            "smtps://user:pass@host:465 (TLS), got a URL of another kind"
        )
    return url


def _mail_from(env: Mapping[str, str]) -> str:
    sender = env.get("MAIL_FROM", "").strip()
    if env.get("SMTP_URL", "").strip() and "@" not in sender:
        raise SettingsError(
            "MAIL_FROM is required with SMTP_URL: an address such as "
            "Bridgework <reminders@example.com>"
        )
    return sender


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip().lower() or default
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _metrics_token(env: Mapping[str, str]) -> str:
    token = env.get("METRICS_TOKEN", "").strip()
    if token and len(token) < 16:
        raise SettingsError("METRICS_TOKEN must be at least 16 characters long (or empty)")
    return token


def _networks(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip() or default
    entries = [entry.strip() for entry in raw.split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(
                f"{name} must be IP addresses or networks separated by commas "
                f"(e.g. 127.0.0.1,10.0.0.0/8), got {entry!r}"
            ) from None
    return ",".join(str(ipaddress.ip_network(e, strict=False)) for e in entries)


def _oidc_issuer(env: Mapping[str, str]) -> str:
    issuer = env.get("OIDC_ISSUER", "").strip().rstrip("/")
    if not issuer:
        return ""
    loopback = re.match(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)", issuer)
    if not (issuer.startswith("https://") or loopback):
        raise SettingsError(
            f"OIDC_ISSUER must be an https:// URL (http only on a loopback address), got {issuer!r}"
        )
    for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if not env.get(name, "").strip():
            raise SettingsError(f"{name} is required when OIDC_ISSUER is set")
    return issuer


def _domains(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("OIDC_ALLOWED_DOMAINS", "").strip().lower()
    domains = tuple(d.strip().lstrip("@") for d in raw.split(",") if d.strip())
    for domain in domains:
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
            raise SettingsError(
                "OIDC_ALLOWED_DOMAINS must be email domains separated by commas "
                f"(e.g. example.com,example.org), got {domain!r}"
            )
    return domains


def documented() -> dict[str, str]:
    """Each setting's field name and the variable its docstring names (its README row).

    Read from this file's source, where the docstrings are: `bridgework check` and
    `tests/test_docs.py` use it.
    """
    tree = ast.parse(Path(__file__).read_text())
    [settings] = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Settings"]
    found: dict[str, str] = {}
    for field, doc in zip(settings.body, settings.body[1:], strict=False):
        if not (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)):
            continue
        text = (
            doc.value.value
            if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant)
            else None
        )
        if isinstance(text, str) and (named := re.match(r"`([A-Z_]+)`:", text)):
            found[field.target.id] = named.group(1)
    return found


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise `SettingsError` naming a bad variable."""
    env = os.environ if env is None else env
    mode = env.get("BRIDGEWORK_ENV", "").strip() or "development"
    if mode not in ENVIRONMENTS:
        raise SettingsError(
            f"BRIDGEWORK_ENV must be one of {', '.join(ENVIRONMENTS)}, got {mode!r}"
        )
    # The current folder, not the code's: an installed package has no project folder.
    data_dir = Path(env.get("BRIDGEWORK_DATA_DIR", "").strip() or "data").absolute()
    host = env.get("BRIDGEWORK_HOST", "").strip() or "127.0.0.1"
    database_url = _database_url(env, data_dir)
    production = mode == "production"
    secret_key = _secret_key(env, production, data_dir)
    port = _int(env, "BRIDGEWORK_PORT", 8000, 1, 65535)
    return Settings(
        env=mode,
        data_dir=data_dir,
        database_url=database_url,
        database_pool_size=_int(env, "DATABASE_POOL_SIZE", 10, 0, 1000),
        secret_key=secret_key,
        host=host,
        port=port,
        trusted_proxies=_trusted_proxies(env),
        workers=_int(env, "BRIDGEWORK_WORKERS", 1, 1, 64),
        vapid_private_key=_vapid_private_key(env, production, data_dir),
        vapid_subject=_vapid_subject(env, production),
        reminders_in_process=_bool(env, "REMINDERS_IN_PROCESS", database_url.startswith("sqlite:")),
        backups_automatic=_bool(env, "BACKUPS_AUTOMATIC", True),
        backup_dir=Path(env.get("BACKUP_DIR", "").strip() or data_dir / "backups").absolute(),
        backup_hour=_int(env, "BACKUP_HOUR", 3, 0, 23),
        smtp_url=_smtp_url(env),
        mail_from=_mail_from(env),
        public_url=(env.get("BRIDGEWORK_PUBLIC_URL", "").strip() or f"http://{host}:{port}").rstrip(
            "/"
        ),
        log_format=_choice(
            env, "BRIDGEWORK_LOG_FORMAT", ("json", "plain"), "json" if production else "plain"
        ),
        metrics_token=_metrics_token(env),
        metrics_networks=_networks(env, "METRICS_NETWORKS", "127.0.0.1,::1"),
        oidc_issuer=(issuer := _oidc_issuer(env)),
        oidc_client_id=env.get("OIDC_CLIENT_ID", "").strip(),
        oidc_client_secret=env.get("OIDC_CLIENT_SECRET", "").strip(),
        oidc_allowed_domains=_domains(env),
        oidc_only=_oidc_only(env, issuer),
    )


def _oidc_only(env: Mapping[str, str], issuer: str) -> bool:
    only = _bool(env, "OIDC_ONLY", False)
    if only and not issuer:
        raise SettingsError("OIDC_ONLY=true needs OIDC_ISSUER (nobody could sign in)")
    return only


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, loaded once."""
    return load_settings()
