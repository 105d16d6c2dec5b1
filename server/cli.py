"""`bridgework` / `python -m server`: serve, migrate, seed the demo, send reminders."""

from __future__ import annotations

import argparse
import asyncio
import sys

from server.settings import SettingsError, get_settings


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
        log_level="info",
    )


def dispatch(loop: bool) -> None:
    """Send the reminders that are due: one pass, or pass after pass until SIGTERM."""
    import logging

    from server.reminders.worker import dispatch as run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    handled = asyncio.run(run(get_settings(), loop=loop))
    if not loop:
        print(f"Reminders handled: {handled}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bridgework", description=__doc__)
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
    args = parser.parse_args(argv)

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
