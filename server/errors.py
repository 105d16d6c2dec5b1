"""Errors a service raises; the web layer turns them into pages or JSON."""

from __future__ import annotations


class InvalidInput(Exception):
    """Bad input: `errors` maps a field name (or "" for the whole form) to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls({name: message})


class NotFound(Exception):
    """The thing does not exist, or the person may not know that it does."""


class Forbidden(Exception):
    """The person may see the thing but not do this to it."""


class Conflict(Exception):
    """The request clashes with the current state (already used, already exists)."""


class Gone(Exception):
    """An invite link that expired or was already used."""


class Throttled(Exception):
    """Too many failed attempts; `seconds` until the next one is allowed."""

    def __init__(self, seconds: int) -> None:
        if seconds < 60:
            wait = f"{seconds} second" + ("" if seconds == 1 else "s")
        else:
            minutes = -(-seconds // 60)
            wait = f"{minutes} minute" + ("" if minutes == 1 else "s")
        super().__init__(f"Too many failed sign-ins. Try again in {wait}.")
        self.seconds = seconds
