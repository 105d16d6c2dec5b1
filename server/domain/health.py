"""Health: 0-100 per bridge, from both sides' consistency over recent days.

The model. Each side carries a value v (at most 1, shown as 100 * max(0, v)), updated
once per local day of its ledger, with m = 0.5 ** (1/13), a 13-day half-life:

- kept day: v moves (1 - m) of the way toward 1 if the partner secured every plank
  that day, toward 0.6 if they were only laid, in between by the share secured. A kept
  day never lowers v: withholding confirmations slows the other side, never pushes it.
- miss owned by the side: v loses the reference slide (1 - m) * v and a setback worth
  two secured days, (1 - v) * (m**-2 - 1).
- miss reported by the partner, or an item left unreported past the grace window:
  slide (1 - m) * (v + 0.5), as the reference's -0.5 input, and a setback worth three.
- quiet day: skipped, except that after 7 quiet days in a row each further one
  weathers v to m * v. Weathering stops at zero: silence wears trust, it digs no debt.
- paused days and days with only open items: skipped, so they change nothing.
- an unanswered day: an item nobody checked in or reported before its grace window
  closed lapses, and costs what a miss the partner reported costs (owning up must stay
  the cheaper path). For a side at 92, the first lapsed day takes it to 83, the sixth
  to 21, the eighth to 0 (test_health_model checks these). A pause over those days
  that the partner agrees to afterwards (server/domain/pauses.py) makes them paused
  days, which are skipped: health is then exactly what it would have been had the
  pause been set in time, and nothing else changes. A request declined or left to
  expire changes nothing either.
- a day is charged once, by its worst outcome: a kept item does not cancel a miss the
  same day, and three misses cost what one does, so health measures days of
  consistency and a person with more commitments is not more fragile.

Why not the reference model (v = max(0, v*m + input*(1-m))): a miss there is a step of
(1-m)*v toward 0 while a keep is a step of (1-m)*(1-v) toward 1, so below v = 1/(1+m),
about 0.51, a miss followed by a keep *raised* health, and the clamp at 0 made it worse.
Here, written as the distance to full trust d = 1 - v, a secured day multiplies d by m
and an owned miss turns d into d / m**2 + (1-m)*v. After a miss and k secured days
d becomes d * m**(k-2) + (1-m)*v*m**k, which exceeds d for every v > 0 when k <= 2:
a miss followed by a keep always leaves health lower, and winning back one owned miss
takes at least 3 secured days (at least 4 after a partner-reported one); more the
higher health stood, because the last points come slowest (see recovery_days).

That needs v to go below zero: if a miss at v = 0.02 stopped at 0, the next keep would
add 1 - m, about 0.05, and leave health higher than before the miss. So v may sink to
FLOOR = -0.25, shown as 0 with the kept days needed to lift it. One miss from any v > 0
reaches at most -0.2, so the floor never breaks the rule, and it bounds the debt: from
the floor five secured days show health again.

Bridge health is the weaker side's, since one side alone cannot hold a bridge, nudged up
by at most NUDGE_MAX points when the stronger side is more than NUDGE_GAP points ahead.
"""

import math
from collections.abc import Iterable
from enum import StrEnum

from server.domain.ledger import Outcome, SideDay

M = 0.5 ** (1 / 13)
LAID_TARGET = 0.6
SELF_MISS_SETBACK_DAYS = 2
PARTNER_MISS_SETBACK_DAYS = 3
PARTNER_MISS_INPUT = -0.5
QUIET_DAYS_BEFORE_WEATHERING = 7
FLOOR = -0.25
NUDGE_MAX = 5.0
NUDGE_GAP = 20.0


class Band(StrEnum):
    """The words a team lead sees next to the number."""

    BROKEN = "broken"  # below 25
    UNDER_REPAIR = "under_repair"  # 25-49
    CROSSABLE = "crossable"  # 50-74: a steady run of laid planks alone reaches here
    SOLID = "solid"  # 75 and up: takes confirmations from the partner

    @property
    def label(self) -> str:
        """The band as words on screen."""
        return self.value.replace("_", " ")


def band(score: int) -> Band:
    """The band a 0-100 score falls in."""
    if score < 25:
        return Band.BROKEN
    if score < 50:
        return Band.UNDER_REPAIR
    if score < 75:
        return Band.CROSSABLE
    return Band.SOLID


def after_kept(value: float, secured_share: float) -> float:
    """A side's value after a kept day whose planks were `secured_share` confirmed."""
    target = LAID_TARGET + (1 - LAID_TARGET) * secured_share
    gap = target - value
    # It never lowers the value (a max() call a kept day cost more; + 0.0 keeps -0.0 out).
    return value + (1 - M) * gap if gap > 0.0 else value + 0.0


def after_miss(value: float, *, by_partner: bool) -> float:
    """A side's value after a day with a miss: owned (by_partner=False) or not."""
    above = 0.0 if value < 0.0 else value  # max(value, 0.0) without a call, as below
    if by_partner:
        slide = (1 - M) * (above - PARTNER_MISS_INPUT)
        setback_days = PARTNER_MISS_SETBACK_DAYS
    else:
        slide = (1 - M) * above
        setback_days = SELF_MISS_SETBACK_DAYS
    setback = (1 - value) * (M**-setback_days - 1)
    after = value - slide - setback
    return after if after > FLOOR else FLOOR


def after_weathering(value: float) -> float:
    """A side's value after a quiet day beyond the seventh in a row."""
    return value * M if value > 0 else value


def side_values(days: Iterable[SideDay], start: float = 0.0) -> list[float]:
    """A side's value at the end of each day of its ledger, from `start`."""
    return side_run(days, start)[0]


def side_run(
    days: Iterable[SideDay], start: float = 0.0, quiet: int = 0
) -> tuple[list[float], float, int]:
    """A side's value at the end of each day of its ledger, from `start` after `quiet`
    quiet days in a row; and the value and the quiet days in a row it ends with, so a
    later stretch of days can go on from there."""
    value, values = start, []
    # Run over every day of a bridge: the outcomes bound once (an enum's class attribute
    # costs more than the rule), the commonest first.
    kept, quiet_day, self_miss, partner_miss, open_ = (
        _KEPT,
        _QUIET,
        _SELF_MISS,
        _PARTNER_MISS,
        _OPEN,
    )
    for day in days:
        outcome = day.outcome
        if outcome == kept:
            # SideDay.secured_share, read without a property call (a kept day a side).
            laid = day.planks
            quiet, value = 0, after_kept(value, day.secured / laid if laid else 0.0)
        elif outcome == quiet_day:
            quiet += 1
            if quiet > QUIET_DAYS_BEFORE_WEATHERING:
                value = after_weathering(value)
        elif outcome == self_miss:
            quiet, value = 0, after_miss(value, by_partner=False)
        elif outcome == partner_miss:
            quiet, value = 0, after_miss(value, by_partner=True)
        elif outcome == open_:
            quiet = 0  # something is due: not silence, just not settled yet
        # Paused: neither counts toward weathering nor interrupts it.
        values.append(value)
    return values, value, quiet


_KEPT, _QUIET, _SELF_MISS, _PARTNER_MISS, _OPEN = (
    Outcome.KEPT,
    Outcome.QUIET,
    Outcome.SELF_MISS,
    Outcome.PARTNER_MISS,
    Outcome.OPEN,
)


def points(value: float) -> float:
    """A side's value on the 0-100 scale people see."""
    return 100 * value if value > 0.0 else 0.0  # max() cost a call a side a day


def shown(score: float) -> int:
    """A 0-100 figure as people see it: a whole number, halves rounded up."""
    return math.floor(score + 0.5)


def bridge_points(a: float, b: float) -> float:
    """Bridge health from the two sides' values: the weaker side, nudged by the stronger."""
    weak, strong = points(a), points(b)
    if strong < weak:
        weak, strong = strong, weak
    # min(NUDGE_MAX, max(0.0, ahead) / 4), without the two calls (a bridge a day).
    ahead = strong - weak - NUDGE_GAP
    if ahead <= 0.0:
        return weak + 0.0
    nudge = ahead / 4
    return weak + (nudge if nudge < NUDGE_MAX else NUDGE_MAX)


def recovery_days(value: float, target: float) -> int:
    """Secured kept days needed to bring a side from `value` back to `target` (<1)."""
    days = 0
    while value < target and days < 1000:
        value, days = after_kept(value, 1.0), days + 1
    return days


# With a 13-day half-life even a perfect record needs this many days to leave the
# broken band: before then "Health 5 · broken" is arithmetic, not news about trust.
FIRST_DAYS = recovery_days(0.0, 0.25)


def just_started(scores: list[int]) -> bool:
    """A bridge has just started while it is younger than FIRST_DAYS and still broken.

    `scores` holds the bridge's score at the end of each day of its history.
    """
    return len(scores) < FIRST_DAYS and (not scores or band(scores[-1]) is Band.BROKEN)
