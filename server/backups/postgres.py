"""PostgreSQL backups with pg_dump's custom format, restored with pg_restore.

The rows are counted in a REPEATABLE READ transaction whose snapshot pg_dump then
shares (`--snapshot`), so the counts describe exactly what the dump holds; they are
kept beside the dump (`<file>.json`) and a restore checks it got them all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import asyncpg

from server.backups.report import BackupError, Report, app_tables, existing_file, report_of

MISSING = (
    "{tool} is not installed: PostgreSQL backups need the PostgreSQL client tools "
    "(Debian/Ubuntu: apt-get install postgresql-client, matching the server's major version)"
)


def tool(name: str) -> str:
    """The path of pg_dump or pg_restore; BackupError with what to install when missing."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(MISSING.format(tool=name))
    return found


def manifest_of(path: Path) -> Path:
    return path.with_name(path.name + ".json")


async def row_counts(connection: Any) -> dict[str, int]:
    names = await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    )
    counts = {}
    for name in app_tables([r["tablename"] for r in names]):
        counts[name] = await connection.fetchval(f'SELECT count(*) FROM "{name}"')  # noqa: S608
    return counts


def _run(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")
    return result.stdout


async def backup(url: str, target: Path) -> Report:
    """pg_dump the database at `url` into `target`, with its row counts beside it."""
    pg_dump = tool("pg_dump")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    connection = await asyncpg.connect(url, timeout=10)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            counts = await row_counts(connection)
            # The snapshot lives while this transaction does: pg_dump runs inside it.
            _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={partial}", url])
    finally:
        await connection.close()
    listing = _run([tool("pg_restore"), "--list", str(partial)])
    missing = [t for t in counts if f"TABLE DATA public {t} " not in listing]
    if missing:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the dump has no data for {', '.join(missing)}")
    os.replace(partial, target)
    manifest_of(target).write_text(json.dumps({"rows": counts}, indent=1))
    return report_of(target, counts, "pg_restore reads it, every table in it")


async def has_rows(url: str) -> bool:
    connection = await asyncpg.connect(url, timeout=10)
    try:
        return any((await row_counts(connection)).values())
    finally:
        await connection.close()


async def restore(dump: Path, url: str) -> Report:
    """pg_restore `dump` over the database at `url` (its tables dropped first), in one go."""
    dump = existing_file(dump)
    pg_restore = tool("pg_restore")
    _run([pg_restore, "--list", str(dump)])  # a readable dump before anything is dropped
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={url}",
            str(dump),
        ]
    )
    connection = await asyncpg.connect(url, timeout=10)
    try:
        found = await row_counts(connection)
    finally:
        await connection.close()
    checks = "restored in one transaction"
    if manifest_of(dump).exists():
        expected = json.loads(manifest_of(dump).read_text())["rows"]
        if found != expected:
            raise BackupError(f"restored row counts {found} differ from the backup's {expected}")
        checks += ", row counts match the backup's"
    return report_of(dump, found, checks)
