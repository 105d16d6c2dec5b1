"""The daily SQLite backups `bridgework serve` keeps, and which of them it keeps.

Once a day, after the quiet hour (`BACKUP_HOUR`, UTC), the serving process writes
`daily-YYYY-MM-DD.sqlite3` into `BACKUP_DIR` and prunes: the newest 7 daily
backups stay, and beyond them the newest backup of each of the 4 weeks before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import date, datetime
from pathlib import Path

from server import clock
from server.backups import sqlite
from server.backups.service import sqlite_path
from server.settings import Settings

log = logging.getLogger(__name__)

DAILY, WEEKLY = 7, 4
CHECK_EVERY_S = 600.0  # a look every ten minutes: the backup runs within ten of the hour
_NAME = re.compile(r"^daily-(\d{4}-\d{2}-\d{2})\.sqlite3$")


def to_keep(days: list[date]) -> set[date]:
    """The backups (by day) that retention keeps: 7 daily, then 4 weekly."""
    newest_first = sorted(set(days), reverse=True)
    kept = set(newest_first[:DAILY])
    weeks: dict[tuple[int, int], date] = {}
    for day in newest_first[DAILY:]:
        week = day.isocalendar()[:2]
        if week not in weeks and len(weeks) < WEEKLY:
            weeks[week] = day  # the first seen is the week's newest
    return kept | set(weeks.values())


def dailies(folder: Path) -> dict[date, Path]:
    found = {}
    if folder.is_dir():
        for path in folder.iterdir():
            if matched := _NAME.match(path.name):
                found[date.fromisoformat(matched.group(1))] = path
    return found


def prune(folder: Path) -> list[Path]:
    """Delete the daily backups retention does not keep; returns what went."""
    found = dailies(folder)
    keep = to_keep(list(found))
    gone = [path for day, path in sorted(found.items()) if day not in keep]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def take_if_due(settings: Settings, now: datetime) -> Path | None:
    """Today's backup if the hour has come and there is none yet (then prune); else None."""
    if now.hour < settings.backup_hour:
        return None
    target = settings.backup_dir / f"daily-{now.date().isoformat()}.sqlite3"
    if target.exists():
        return None
    report = sqlite.backup(sqlite_path(settings), target)
    prune(settings.backup_dir)
    log.info("daily backup written: %s (%d bytes)", report.path, report.size)
    return target


def last_backup(folder: Path) -> datetime | None:
    """When the newest backup in `folder` (daily or by hand) was written."""
    if not folder.is_dir():
        return None
    times = [p.stat().st_mtime for p in folder.iterdir() if p.suffix in (".sqlite3", ".dump")]
    return datetime.fromtimestamp(max(times), tz=clock.now().tzinfo) if times else None


class Automatic:
    """The daily backup as a task of the app's event loop (SQLite only)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                # In a thread: the copy reads the whole file, the loop keeps serving.
                await asyncio.to_thread(take_if_due, self.settings, clock.now())
            except Exception:
                log.exception("the daily backup failed; trying again in %.0f s", CHECK_EVERY_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=CHECK_EVERY_S)

    async def stop(self) -> None:
        if self.task is None:
            return
        self.stopping.set()
        await self.task


async def status_for(user_id: int, settings: Settings) -> str:
    """What a team lead's settings page says about backups ("" for everyone else)."""
    from server.tables import Membership

    leads = await Membership.exists().where(
        (Membership.person == user_id) & (Membership.role == "lead")
    )
    if not leads:
        return ""
    if not settings.uses_sqlite:
        return "On PostgreSQL, backups run on the operator's own schedule."
    last = await asyncio.to_thread(last_backup, settings.backup_dir)
    automatic = "" if settings.backups_automatic else " Automatic backups are off."
    if last is None:
        return f"No backup has been taken yet.{automatic}"
    return f"Last backup: {last:%Y-%m-%d %H:%M} UTC.{automatic}"
