"""The two sides of a bridge."""

from enum import StrEnum


class Side(StrEnum):
    """One end of a bridge: each side builds its own half from its own bank."""

    A = "a"
    B = "b"


def other(side: Side) -> Side:
    """The side across the gap."""
    return Side.B if side is Side.A else Side.A
