"""SQLite backups through the online backup API, while the app keeps writing.

The copy is taken inside one read transaction on the source: rows are counted and
pages copied from the same snapshot (WAL mode lets writers carry on meanwhile), so
the copy holds every write committed before it started, and its row counts must
equal the snapshot's. A copy is then checked with `PRAGMA integrity_check`.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from server.backups.report import BackupError, Report, app_tables

BUSY_TIMEOUT_S = 30.0


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
    # Autocommit (isolation_level=None): the snapshot's BEGIN and COMMIT are ours.
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    return connection


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {
        name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
        for name in app_tables(names)
    }


def integrity(connection: sqlite3.Connection) -> str:
    """'ok', or SQLite's first complaint."""
    return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


def backup(source: Path, target: Path) -> Report:
    """Copy the live database at `source` into a new file `target`, and check the copy."""
    if not source.exists():
        raise BackupError(f"there is no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    live = _connect(source, read_only=True)
    try:
        live.execute("BEGIN")  # one snapshot for the counts and the pages
        expected = row_counts(live)
        copy = sqlite3.connect(partial)
        try:
            live.backup(copy)  # all pages in one step, so within the snapshot above
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            found, checked = row_counts(copy), integrity(copy)
        finally:
            copy.close()
        live.execute("COMMIT")
    finally:
        live.close()
    if checked != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed SQLite's integrity check: {checked}")
    if found != expected:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy's row counts {found} differ from the database's {expected}")
    os.replace(partial, target)  # a backup file is whole or absent
    return Report(target, target.stat().st_size, found, "integrity check ok, row counts match")


def check(path: Path) -> dict[str, int]:
    """A backup file's row counts, after SQLite's integrity check; BackupError if unusable."""
    if not path.is_file():
        raise BackupError(f"there is no backup file at {path}")
    try:
        connection = _connect(path, read_only=True)
        try:
            if (checked := integrity(connection)) != "ok":
                raise BackupError(f"{path} failed SQLite's integrity check: {checked}")
            return row_counts(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite backup: {error}") from None


def has_rows(path: Path) -> bool:
    """Whether the database at `path` holds anyone's data (migrations alone do not count)."""
    if not path.exists():
        return False
    connection = _connect(path, read_only=True)
    try:
        return any(row_counts(connection).values())
    finally:
        connection.close()


def restore(backup_file: Path, target: Path) -> Report:
    """Write the backup's pages over the database at `target` (the app must be stopped)."""
    counts = check(backup_file)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = _connect(backup_file, read_only=True)
    try:
        live = _connect(target)
        try:
            live.execute("PRAGMA journal_mode=WAL")
            source.backup(live)  # through SQLite's locks: safe even with the WAL there
            found, checked = row_counts(live), integrity(live)
        finally:
            live.close()
    finally:
        source.close()
    if checked != "ok" or found != counts:
        raise BackupError(f"the restored database does not match {backup_file}: {checked}")
    return Report(target, target.stat().st_size, found, "integrity check ok, row counts match")
