"""`bridgework` / `python -m server`: serve, migrate, seed the demo, send reminders, check.

Importing `server` sets `PICCOLO_CONF=server.piccolo_conf` before Piccolo is
imported, so the installed command starts from any folder.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
from importlib import metadata
from urllib.parse import urlsplit, urlunsplit

from server.settings import Settings, SettingsError, documented, get_settings


def _settings_or_exit() -> None:
    try:
        get_settings()
    except SettingsError as error:
        sys.exit(f"bridgework: bad configuration: {error}")


async def _prepare(demo: bool) -> list[str]:
    from server import db

    await db.migrate()
    if not demo:
        return []
    from server.demo import seed_demo

    return await seed_demo()


def serve(demo: bool) -> None:
    """Migrate, seed the demo on an empty database if asked, then serve."""
    import uvicorn

    settings = get_settings()
    if settings.workers > 1 and settings.uses_sqlite:
        sys.exit("bridgework: BRIDGEWORK_WORKERS > 1 needs PostgreSQL (set DATABASE_URL)")
    _metrics_folder(settings.workers)
    from server.observe import logs

    logs.configure(settings.log_format)
    sign_ins = asyncio.run(_prepare(demo))
    url = f"http://{settings.host}:{settings.port}"
    print(f"\n  Bridgework is running at {url}\n")
    for line in sign_ins:
        print(f"  {line}")
    if sign_ins:
        print()
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,
        log_level="info",
        log_config=None,  # each worker's create_app() sends every line to our formatter
        access_log=False,  # replaced by the request line (server/observe/requests.py)
        server_header=False,  # "server: uvicorn" tells a phone nothing, on every response
    )


def _metrics_folder(workers: int) -> None:
    """Several processes share their metrics through files (prometheus-client's
    multiprocess mode): the operator's folder (PROMETHEUS_MULTIPROC_DIR, which the
    dispatchers on this machine can share), else a fresh one for several workers.

    Set before prometheus-client is first imported, which reads it then."""
    import os
    import tempfile

    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not folder and workers > 1:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="bridgework-metrics-")
    elif folder:
        from server.observe.metrics import forget_dead_processes

        forget_dead_processes(folder)


def dispatch(loop: bool) -> None:
    """Send the reminders that are due: one pass, or pass after pass until SIGTERM."""
    _metrics_folder(workers=1)
    from server.observe import logs
    from server.reminders import worker

    logs.configure(get_settings().log_format)
    handled = worker.run(worker.dispatch(get_settings(), loop=loop))
    if not loop:
        print(f"Reminders handled: {handled}")


def backup(path: str | None) -> None:
    """Write a verified copy of the database (the app may keep serving meanwhile)."""
    from server.backups import service
    from server.backups.report import BackupError

    try:
        report = asyncio.run(service.backup(get_settings(), path))
    except BackupError as error:
        sys.exit(f"bridgework: backup failed: {error}")
    print(report.describe())


def restore(path: str, replace: bool) -> None:
    """Restore a backup into DATABASE_URL; a non-empty database only with --replace."""
    from server.backups import service
    from server.backups.report import BackupError

    try:
        report, kept = asyncio.run(service.restore(get_settings(), path, replace=replace))
    except BackupError as error:
        sys.exit(f"bridgework: restore refused: {error}")
    if kept is not None:
        print(f"What the database held first is kept in {kept.path}.")
    print(report.describe("Restored from"))


def version() -> str:
    try:
        return metadata.version("bridgework")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def new_keys() -> None:
    """Fresh SECRET_KEY and VAPID_PRIVATE_KEY lines, for an environment file."""
    from server.reminders import keys as vapid

    print(f"SECRET_KEY={secrets.token_urlsafe(48)}")
    print(f"VAPID_PRIVATE_KEY={vapid.new_private_key()}")


def _shown(field: str, settings: Settings) -> str:
    """A setting as `check` prints it: secrets hidden, a database password masked."""
    value = getattr(settings, field)
    if field == "secret_key":
        return f"set, hidden ({len(value)} characters)"
    if field == "vapid_private_key":
        from server.reminders import keys as vapid

        return f"set, hidden (public key {vapid.public_key(value)})"
    if field == "database_url":
        parts = urlsplit(value)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
            return urlunsplit(parts._replace(netloc=netloc))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sqlite_tables(settings: Settings) -> tuple[str, set[str] | None]:
    """The SQLite file and its tables (None: no file yet)."""
    import sqlite3
    from pathlib import Path

    path = Path(settings.database_url.removeprefix("sqlite:///"))
    if not path.exists():
        return f"SQLite file {path}", None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    return f"SQLite {sqlite3.sqlite_version}, {path}", tables


async def _postgres_tables(settings: Settings) -> tuple[str, set[str] | None]:
    """The server's version and the tables of the database's schema."""
    import asyncpg

    connection = await asyncpg.connect(settings.database_url, timeout=10)
    try:
        server = await connection.fetchval("SHOW server_version")
        rows = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    finally:
        await connection.close()
    return f"PostgreSQL {server}", {row["tablename"] for row in rows}


def _database_answer(settings: Settings) -> str:
    """What the database says (raises when it cannot be reached)."""
    if settings.uses_sqlite:
        found, tables = _sqlite_tables(settings)
    else:
        found, tables = asyncio.run(_postgres_tables(settings))
    if tables is None:
        return f"{found} does not exist yet: `bridgework migrate` creates it"
    if "migration" not in tables:
        return f"{found}; not migrated yet: run `bridgework migrate`"
    problems = asyncio.run(_readiness())
    if problems:
        return f"{found}; not ready: " + "; ".join(f"{k}: {v}" for k, v in problems.items())
    return f"{found}; migrated, ready (what /ready answers)"


async def _readiness() -> dict[str, object]:
    from server import db
    from server.observe.health import readiness

    try:
        return await readiness()
    finally:
        await db.close_pool()


def check() -> None:
    """Print what `serve` and `dispatch` would run with; exit non-zero if anything is wrong."""
    try:
        settings = get_settings()
    except SettingsError as error:
        sys.exit(f"bridgework: bad configuration: {error}")
    print(f"Bridgework {version()} would run with:")
    for field, variable in documented().items():
        print(f"  {variable:<28} {_shown(field, settings)}")
    problems = []
    if settings.workers > 1 and settings.uses_sqlite:
        problems.append("BRIDGEWORK_WORKERS > 1 needs PostgreSQL (set DATABASE_URL)")
    if settings.is_production and settings.uses_sqlite:
        print("  note: production on SQLite serves one process; PostgreSQL is the usual choice")
    if not settings.reminders_in_process:
        print("  reminders: run `bridgework dispatch --loop` (one or more) beside the app")
    try:
        print(f"Database: {_database_answer(settings)}")
    except Exception as error:
        problems.append(f"cannot reach the database: {error}")
    if problems:
        sys.exit("".join(f"bridgework: {problem}\n" for problem in problems).rstrip())
    print("OK")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bridgework", description=__doc__)
    parser.add_argument("--version", action="version", version=f"bridgework {version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="apply migrations and serve the app")
    serve_cmd.add_argument(
        "--demo", action="store_true", help="seed the demo team first if the database is empty"
    )
    commands.add_parser("migrate", help="apply migrations to DATABASE_URL")
    commands.add_parser("demo", help="seed the demo team if the database is empty")
    dispatch_cmd = commands.add_parser("dispatch", help="send the daily reminders that are due")
    dispatch_cmd.add_argument(
        "--loop", action="store_true", help="keep sending until SIGTERM (default: one pass)"
    )
    commands.add_parser(
        "check", help="check the settings and the database; print them (secrets hidden)"
    )
    backup_cmd = commands.add_parser(
        "backup", help="write a verified copy of the database (safe while serving)"
    )
    backup_cmd.add_argument(
        "path", nargs="?", help="a new file or a folder (default: BACKUP_DIR, a dated name)"
    )
    restore_cmd = commands.add_parser(
        "restore", help="restore a backup into an empty database (stop the app first)"
    )
    restore_cmd.add_argument("path", help="a file `bridgework backup` wrote")
    restore_cmd.add_argument(
        "--replace",
        action="store_true",
        help="replace a database that holds data (backed up first, beside the backups)",
    )
    commands.add_parser("new-keys", help="print a new SECRET_KEY and VAPID_PRIVATE_KEY (keep them)")
    args = parser.parse_args(argv)

    if args.command == "new-keys":  # before any configuration exists
        new_keys()
        return
    if args.command == "check":
        check()
        return
    _settings_or_exit()
    if args.command == "serve":
        serve(args.demo)
    elif args.command == "migrate":
        asyncio.run(_prepare(demo=False))
        print("Migrations applied.")
    elif args.command == "demo":
        for line in asyncio.run(_prepare(demo=True)):
            print(line)
    elif args.command == "dispatch":
        dispatch(args.loop)
    elif args.command == "backup":
        backup(args.path)
    elif args.command == "restore":
        restore(args.path, args.replace)
