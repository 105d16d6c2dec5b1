"""The one place that reads the time, so tests can freeze it."""

from datetime import UTC, datetime


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)
