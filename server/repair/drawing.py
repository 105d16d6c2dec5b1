"""The bridge drawing's geometry: two banks, the gap, each side's planks reaching the middle.

Pure arithmetic for the inline SVG in bridges/bridge.html, so the server renders the
drawing and screen readers get the same facts as a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from server import domain as d

WIDTH, DECK_Y, PLANK_H = 360.0, 78.0, 9.0
BANK_EDGE = 62.0  # where each bank ends and the gap begins
GAP = WIDTH - 2 * BANK_EDGE
STATE_CLASS = {
    d.PlankState.SECURED: "plank-secured",
    d.PlankState.LAID: "plank-laid",
    d.PlankState.CRACKED: "plank-cracked",
    d.PlankState.BROKEN: "plank-broken",
}


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    css: str


@dataclass(frozen=True)
class Drawing:
    planks: list[Rect]
    fallen: list[Rect]  # recent misses, drifting in the water under their side
    description: str
    meets: bool


def _side_planks(states: list[d.PlankState], half: int, from_left: bool) -> list[Rect]:
    width = GAP / 2 / half
    counted = [s for s in states if s.counts][:half]
    rects = []
    for i, state in enumerate(counted):
        offset = i * width
        x = BANK_EDGE + offset if from_left else WIDTH - BANK_EDGE - offset - width
        rects.append(
            Rect(round(x + 0.5, 2), DECK_Y, round(width - 1, 2), PLANK_H, STATE_CLASS[state])
        )
    return rects


def _fallen(states: list[d.PlankState], from_left: bool) -> list[Rect]:
    misses = [s for s in states if not s.counts][-4:]
    rects = []
    for i, state in enumerate(misses):
        x = BANK_EDGE + 14 + i * 22 if from_left else WIDTH - BANK_EDGE - 32 - i * 22
        y = 136 + (i % 2) * 6
        rects.append(Rect(x, y, 16, 5, STATE_CLASS[state]))
    return rects


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def bridge_drawing(
    states: dict[d.Side, list[d.PlankState]],
    progress: d.BridgeProgress,
    report: d.HealthReport,
    me: d.Side,
    names: dict[d.Side, str],
) -> Drawing:
    """Shapes for `me` on the left bank and the partner on the right."""
    partner = d.other(me)
    half = progress.half_needed
    planks = _side_planks(states[me], half, True) + _side_planks(states[partner], half, False)
    fallen = _fallen(states[me], True) + _fallen(states[partner], False)
    parts = []
    for side, who in ((me, "Your side"), (partner, f"{names[partner]}'s side")):
        laid = min(progress.planks[side], half)
        parts.append(f"{who}: {laid} of {half} planks, {progress.secured[side]} secured")
    standing = "just started" if report.just_started else report.band.label
    reached = ", ".join(f"{m}%" for m in progress.milestones) or "none yet"
    description = (
        f"{'; '.join(parts)}. "
        f"{'The two halves meet: the bridge is complete. ' if progress.complete else ''}"
        f"Health {report.score} of 100, {standing}. Milestones reached: {reached}."
    )
    return Drawing(planks, fallen, description, progress.complete)
