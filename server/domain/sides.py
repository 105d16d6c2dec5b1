"""The two sides of a bridge."""

from enum import StrEnum


class Side(StrEnum):
    """One end of a bridge: each side builds its own half from its own bank."""

    A = "a"
    B = "b"


def other(side: Side) -> Side:
    """The side across the gap."""
    return _B if side is _A else _A


# Bound once: on Python 3.11 an enum's class attribute costs more than the rule.
_A, _B = Side.A, Side.B
