"""`bridgework backup` and `bridgework restore`, for whichever database DATABASE_URL names."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from server import clock
from server.backups import postgres, sqlite
from server.backups.report import BackupError, Report, existing_file
from server.settings import Settings


def sqlite_path(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def suffix(settings: Settings) -> str:
    return ".sqlite3" if settings.uses_sqlite else ".dump"


def default_name(settings: Settings, prefix: str, now: datetime) -> str:
    return f"{prefix}-{now:%Y%m%d-%H%M%S}{suffix(settings)}"


def target_of(settings: Settings, path: str | None, prefix: str = "bridgework") -> Path:
    """Where a backup goes: PATH, a new file inside PATH if it is a folder, or the backup dir."""
    name = default_name(settings, prefix, clock.now())
    if not path:
        return settings.backup_dir / name
    chosen = Path(path).absolute()
    if chosen.is_dir():
        return chosen / name
    if chosen.exists():
        raise BackupError(f"{chosen} already exists: choose a new file name or a folder")
    return chosen


async def backup(settings: Settings, path: str | None = None, prefix: str = "bridgework") -> Report:
    """A verified copy of the database, written while the app may be serving."""
    target = target_of(settings, path, prefix)
    if settings.uses_sqlite:
        return sqlite.backup(sqlite_path(settings), target)
    return await postgres.backup(settings.database_url, target)


async def has_rows(settings: Settings) -> bool:
    if settings.uses_sqlite:
        return sqlite.has_rows(sqlite_path(settings))
    return await postgres.has_rows(settings.database_url)


async def restore(settings: Settings, path: str, *, replace: bool) -> tuple[Report, Report | None]:
    """Restore a backup into DATABASE_URL; returns it and the backup of what it replaced.

    Refuses a database that holds anyone's data unless `replace`, and then backs
    that data up first, so a restore of the wrong file can itself be undone.
    """
    source = existing_file(path)
    if settings.uses_sqlite:
        sqlite.check(source)  # an unusable file stops before anything is touched
    kept = None
    if await has_rows(settings):
        if not replace:
            raise BackupError(
                "the database is not empty: restore into an empty one, or add --replace "
                "to replace what it holds (it is backed up first)"
            )
        kept = await backup(settings, None, prefix="before-restore")
    if settings.uses_sqlite:
        report = sqlite.restore(source, sqlite_path(settings))
    else:
        report = await postgres.restore(source, settings.database_url)
    from server import db

    await db.migrate()  # a backup from an older version is brought up to date
    return report, kept
