"""What a backup or a restore says it did: where, how big, how many rows per table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """A backup or restore could not be made or did not check out; the message says why."""


@dataclass(frozen=True)
class Report:
    path: Path
    size: int
    rows: dict[str, int]  # table -> rows, as read in the copy's own snapshot
    checks: str  # what was verified, in a few words

    def describe(self, verb: str = "Backup written to") -> str:
        lines = [f"{verb} {self.path} ({human_size(self.size)}); {self.checks}."]
        total = sum(self.rows.values())
        lines.append(f"{len(self.rows)} tables, {total} rows:")
        lines += [f"  {table:<28} {count}" for table, count in sorted(self.rows.items())]
        return "\n".join(lines)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def app_tables(names: list[str]) -> list[str]:
    """The tables that hold people's data: not Piccolo's migration log, not SQLite's own."""
    return sorted(n for n in names if n != "migration" and not n.startswith("sqlite_"))


def report_of(path: Path, rows: dict[str, int], checks: str) -> Report:
    return Report(path, path.stat().st_size, rows, checks)


def existing_file(path: str | Path) -> Path:
    """The absolute path of a backup file; BackupError when there is none."""
    found = Path(path).absolute()
    if not found.is_file():
        raise BackupError(f"there is no backup file at {found}")
    return found
