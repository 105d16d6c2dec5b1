"""What a team lead may see, as pure functions: no I/O, no text anyone wrote.

The lead sees a bridge on its own only while both sides share it. Team figures
cover every bridge of the team, shared or not, and are shown only when no single
bridge the lead cannot see could be worked out from them:

- over at least MIN_BRIDGES bridges (a team may raise that minimum, never lower it);
- never while one or two bridges are hidden from the lead: with the shared ones in
  view, a median or a band count over "the rest" would give those away by
  subtraction. A bridge the lead is a side of is not hidden from her, so it does not
  count as hidden even when unshared;
- the 30-day trend follows the same rule day by day, over the bridges that had a
  score that day, so a day when only one or two bridges existed shows no point.

Nothing here ranks people: bridges are listed by name, never by health.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from server.domain.health import Band, band, just_started, shown

MIN_BRIDGES = 3
# Fewer hidden bridges than this, beside the shown ones, could be worked out by subtraction.
MIN_HIDDEN = 3
MAX_TEAM_MINIMUM = 100
TREND_DAYS = 30  # the team's trend, and how many daily scores are kept per bridge
SUPPORT_WINDOW_DAYS = 14  # each bridge's line, and the window "needs support" looks at
SUPPORT_FALL = 15


class Support(StrEnum):
    """Why a shared bridge needs support (see needs_support)."""

    FELL = "fell"  # lost SUPPORT_FALL points or more inside the window
    BROKEN = "broken"  # broken on every day of the window, past its first days


@dataclass(frozen=True)
class Figures:
    """What the domain derived from one bridge's log, as of one day."""

    scores: list[int]  # daily health, oldest first, ending today (at most TREND_DAYS)
    paused: bool
    laid: int  # local days with a laid or secured plank, both sides together
    secured: int  # of those, days whose plank the other side confirmed
    last_act_day: date | None  # the local day (in the lead's zone) of the newest act

    @property
    def score(self) -> int:
        return self.scores[-1] if self.scores else 0


@dataclass(frozen=True)
class TeamBridge:
    """One bridge of the team as the lead's service found it."""

    id: int
    names: tuple[str, str]
    shared: bool  # both sides share it with the lead
    lead_is_side: bool  # the lead is one of its two people
    figures: Figures

    @property
    def hidden(self) -> bool:
        """The lead may not see this bridge on its own."""
        return not (self.shared or self.lead_is_side)


@dataclass(frozen=True)
class BridgeRow:
    """One shared bridge on the dashboard: numbers only."""

    id: int
    names: tuple[str, str]
    score: int
    band: Band
    trend: list[int]  # today and the SUPPORT_WINDOW_DAYS before, oldest first
    laid: int
    secured: int
    days_since_last_act: int | None
    paused: bool
    fall: int  # points lost from the window's highest score to today
    just_started: bool = False  # too young for its band to mean anything, as its sides see
    support: Support | None = None  # why it needs support, if it does

    @property
    def needs_support(self) -> bool:
        return self.support is not None


@dataclass(frozen=True)
class TeamFigures:
    bridges: int
    median: int
    bands: dict[Band, int]  # bridges past their first days, by band
    trend: list[int | None]  # the team's median health each day, oldest first
    just_started: int = 0  # bridges too young for a band, as their sides read them


@dataclass(frozen=True)
class Dashboard:
    team_id: int
    team_name: str
    as_of: date
    minimum: int  # the minimum of bridges for team figures in force
    rows: list[BridgeRow]
    figures: TeamFigures | None  # None: hidden, see module docstring

    @property
    def needs_support(self) -> list[BridgeRow]:
        return [row for row in self.rows if row.needs_support]


# ---------------------------------------------------------------- the rules


def minimum_bridges(team_minimum: int | None) -> int:
    """The minimum of bridges for team figures: the team's own, never below MIN_BRIDGES."""
    return max(MIN_BRIDGES, team_minimum or MIN_BRIDGES)


def figures_allowed(total: int, hidden: int, minimum: int) -> bool:
    """Whether figures over `total` bridges, `hidden` of them unseen by the lead, may show."""
    return total >= max(minimum, MIN_BRIDGES) and (hidden == 0 or hidden >= MIN_HIDDEN)


def fall(scores: Sequence[int], window: int = SUPPORT_WINDOW_DAYS) -> int:
    """Points lost from the highest score of the last `window` days to today's.

    The highest, not the first: a bridge that climbed and then fell hard inside the
    window needs support as much as one that only fell.
    """
    recent = list(scores[-(window + 1) :])
    if not recent:
        return 0
    return max(0, max(recent) - recent[-1])


def needs_support(scores: Sequence[int], window: int = SUPPORT_WINDOW_DAYS) -> Support | None:
    """Why a shared bridge needs support, from its daily scores (oldest first), or None.

    - FELL: it lost SUPPORT_FALL points or more from its highest score of the window
      (see fall). A sharp fall is news a lead would want while it is fresh.
    - BROKEN: it was in the broken band on every one of the last `window` days and is
      not just started. A bridge that never climbs out never falls either, so the first
      reason alone would leave the bridges in the worst state unoffered. A young bridge
      is broken by arithmetic, not by trust (domain.health.just_started), and a bridge
      that was out of the broken band on any day of the window is moving: neither is
      flagged.

    Numbers only, the ones the lead's row already shows: never anything anyone wrote.
    """
    if fall(scores, window) >= SUPPORT_FALL:
        return Support.FELL
    recent = scores[-window:]
    if (
        len(recent) == window
        and all(band(score) is Band.BROKEN for score in recent)
        and not just_started(list(scores))
    ):
        return Support.BROKEN
    return None


def median(scores: Iterable[int]) -> int:
    """The median as people see health: a whole number, halves rounded up."""
    return shown(statistics.median(list(scores)))


def band_counts(scores: Iterable[int]) -> dict[Band, int]:
    """How many scores fall in each band, every band listed, from broken to solid."""
    counts = dict.fromkeys(Band, 0)
    for score in scores:
        counts[band(score)] += 1
    return counts


def team_trend(bridges: Sequence[TeamBridge], minimum: int) -> list[int | None]:
    """The team's median health on each of the last TREND_DAYS days, where allowed."""
    trend: list[int | None] = []
    for back in range(TREND_DAYS - 1, -1, -1):  # oldest first, today last
        that_day = [
            (b.figures.scores[-1 - back], b.hidden) for b in bridges if len(b.figures.scores) > back
        ]
        hidden = sum(h for _, h in that_day)
        if that_day and figures_allowed(len(that_day), hidden, minimum):
            trend.append(median(score for score, _ in that_day))
        else:
            trend.append(None)
    while trend and trend[0] is None:
        trend.pop(0)  # days before the team had enough bridges are not a gap
    return trend


def team_figures(bridges: Sequence[TeamBridge], minimum: int) -> TeamFigures | None:
    """Median, bands and trend over all the team's bridges, or None when not allowed."""
    hidden = sum(b.hidden for b in bridges)
    if not figures_allowed(len(bridges), hidden, minimum):
        return None
    scores = [b.figures.score for b in bridges]
    # A bridge in its first days is "just started", not broken: the same rule its two
    # sides and its own row read (domain.health.just_started).
    young = [just_started(b.figures.scores) for b in bridges]
    return TeamFigures(
        bridges=len(bridges),
        median=median(scores),
        bands=band_counts(s for s, y in zip(scores, young, strict=True) if not y),
        trend=team_trend(bridges, minimum),
        just_started=sum(young),
    )


def bridge_row(bridge: TeamBridge, today: date) -> BridgeRow:
    f = bridge.figures
    since = None if f.last_act_day is None else max(0, (today - f.last_act_day).days)
    return BridgeRow(
        id=bridge.id,
        names=bridge.names,
        score=f.score,
        band=band(f.score),
        trend=f.scores[-(SUPPORT_WINDOW_DAYS + 1) :],
        laid=f.laid,
        secured=f.secured,
        days_since_last_act=since,
        paused=f.paused,
        fall=fall(f.scores),
        support=needs_support(f.scores),
        # The kept scores reach TREND_DAYS back, more than FIRST_DAYS: a shorter list
        # is the bridge's whole history, as the sides' own report reads it.
        just_started=just_started(f.scores),
    )


def _by_name(bridge: TeamBridge) -> tuple[str, ...]:
    return (*sorted(name.casefold() for name in bridge.names), str(bridge.id))


def dashboard(
    team_id: int,
    team_name: str,
    bridges: Sequence[TeamBridge],
    today: date,
    team_minimum: int | None = None,
) -> Dashboard:
    """The lead's dashboard: shared bridges one by one, the team as a whole where allowed."""
    minimum = minimum_bridges(team_minimum)
    shared = sorted((b for b in bridges if b.shared), key=_by_name)
    return Dashboard(
        team_id=team_id,
        team_name=team_name,
        as_of=today,
        minimum=minimum,
        rows=[bridge_row(b, today) for b in shared],
        figures=team_figures(bridges, minimum),
    )


def share_answer(shared_both_ways: bool) -> str:
    """What a lead learns of a request to share: "yes" once both sides share, else
    "not yet", whether one side said not now, neither has answered, or the two
    people have no bridge at all. Never who declined."""
    return "yes" if shared_both_ways else "not yet"


def support_suggestions(row: BridgeRow) -> list[str]:
    """What the lead can do for a bridge that needs support: offers, never more data.

    Built only from the figures the lead already sees on the row."""
    a, b = row.names
    offers = []
    if row.support is Support.BROKEN:
        offers.append(
            f"Broken for two weeks: ask {a} and {b} whether their plan asks too much at "
            "once; one small promise each can keep every day is a steadier start."
        )
    offers += [
        f"Offer {a} and {b} a conversation, together or one to one, where they set "
        "the agenda and you mostly listen.",
        "Remind the team of its norms: disagreements are raised early and in person, "
        "and everyone is entitled to a fresh start.",
    ]
    if row.paused:
        offers.append("One side has paused: ask whether the workload needs easing.")
    elif row.days_since_last_act is not None and row.days_since_last_act >= 7:
        offers.append(
            "Nothing has been logged for a week: ask whether the plan still fits, "
            "without asking what it says."
        )
    return offers


# ---------------------------------------------------------------- drawing and export


def polylines(values: Sequence[int | None], width: float, height: float) -> list[str]:
    """SVG polyline points for 0-100 values across `width`, one line per unbroken run."""
    if len(values) < 2:
        return []
    step = width / (len(values) - 1)
    lines: list[str] = []
    points: list[str] = []
    for i, value in enumerate(values):
        if value is None:
            if len(points) > 1:
                lines.append(" ".join(points))
            points = []
            continue
        y = height - 2 - value * (height - 4) / 100
        points.append(f"{i * step:.1f},{y:.1f}")
    if len(points) > 1:
        lines.append(" ".join(points))
    return lines


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _trend_text(values: Iterable[int | None]) -> str:
    return " ".join("" if v is None else str(v) for v in values).strip()


CSV_BRIDGE_HEADER = [
    "person",
    "other person",
    "health",
    "band",
    f"health, last {SUPPORT_WINDOW_DAYS} days (oldest first)",
    "planks laid",
    "planks secured",
    "days since last act",
    "paused",
    "needs support",
]


def _support_cell(row: BridgeRow) -> str:
    if row.support is Support.FELL:
        return f"yes, fell {row.fall} points"
    if row.support is Support.BROKEN:
        return f"yes, broken for {SUPPORT_WINDOW_DAYS} days"
    return "no"


def csv_rows(board: Dashboard) -> list[list[str]]:
    """Exactly what the dashboard shows, as CSV rows: shared bridges, then team figures."""
    rows: list[list[object]] = [
        ["Bridgework team dashboard", board.team_name, board.as_of.isoformat()],
        [],
        ["Shared bridges", len(board.rows)],
        list(CSV_BRIDGE_HEADER),
    ]
    for r in board.rows:
        rows.append(
            [
                r.names[0],
                r.names[1],
                r.score,
                "just started" if r.just_started else r.band.label,
                _trend_text(r.trend),
                r.laid,
                r.secured,
                r.days_since_last_act,
                "yes" if r.paused else "no",
                _support_cell(r),
            ]
        )
    rows += [[], ["Team figures, over all the team's bridges, shared or not"]]
    if board.figures is None:
        rows.append(["hidden", hidden_reason(board.minimum)])
    else:
        f = board.figures
        rows += [["bridges", f.bridges], ["median health", f.median]]
        rows.append(["bridges just started", f.just_started])
        rows += [[f"bridges {b.label}", count] for b, count in f.bands.items()]
        rows.append([f"median health, last {TREND_DAYS} days (oldest first)", _trend_text(f.trend)])
    return [[_cell(value) for value in row] for row in rows]


def hidden_reason(minimum: int) -> str:
    """Why team figures are hidden, in words that do not say which rule applied."""
    return (
        f"Team figures appear when they cannot single out a bridge: over at least "
        f"{minimum} bridges, with none or at least {MIN_HIDDEN} of them not shared with you."
    )
