"""Checks for the short texts people type: trimmed, required, bounded."""

from __future__ import annotations

from server.errors import InvalidInput


def clean(
    errors: dict[str, str],
    field: str,
    value: object,
    label: str,
    *,
    max_length: int,
    required: bool = True,
) -> str:
    """Trim `value`; record a message in `errors` if it is missing, too long or not text."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = f"{label} must be text."
        return ""
    text = value.strip()
    if required and not text:
        errors[field] = f"{label} is required."
    elif len(text) > max_length:
        errors[field] = f"{label} must be at most {max_length} characters (it has {len(text)})."
    elif "\x00" in text:
        errors[field] = f"{label} contains a character that is not allowed."
    return text


def raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(errors)
