"""One plain sentence that explains a health figure, built from the ledger's facts.

A score people cannot understand does not change behaviour, so the sentence names
the one fact that moved the number most: a pause, a side gone silent or asking to
pause past days (never counted as broken promises until settled), a silence, this
week's misses,
a debt to climb out of, a side that has not started, a run of kept days, or a steady week.
"""

from dataclasses import dataclass, field
from datetime import date

from server import formats
from server.domain.health import QUIET_DAYS_BEFORE_WEATHERING, after_kept, points
from server.domain.ledger import Outcome, SideDay
from server.domain.localday import Pause
from server.domain.pauses import Absence, PauseRequest, span_text
from server.domain.sides import Side, other

WEEK = 7


@dataclass(frozen=True)
class Story:
    """The facts behind a health figure: both ledgers up to today and what they scored."""

    today: date
    ledger: dict[Side, list[SideDay]]  # both sides, the same days, ending today
    values: dict[Side, list[float]]  # each side's value at the end of each ledger day
    scores: list[int]  # the bridge's score at the end of each ledger day
    pauses: list[Pause] = field(default_factory=list)
    names: dict[Side, str] = field(default_factory=dict)
    absent: dict[Side, Absence] = field(default_factory=dict)  # unsettled silences
    asking: dict[Side, PauseRequest] = field(default_factory=dict)  # pending requests
    reader: Side | None = None  # the sentence calls this side "you"; None for a lead
    # Planks of an earlier day the partner secured today: (owner, the plank's day) -> count.
    late: dict[tuple[Side, date], int] = field(default_factory=dict)


def explain(story: Story) -> str:
    """The sentence for the bridge's health today."""
    if not story.scores:
        return "Nothing logged yet: health grows from the first kept commitment."
    score = story.scores[-1]
    week_ago = story.scores[-WEEK - 1] if len(story.scores) > WEEK else 0
    week = {side: days[-WEEK:] for side, days in story.ledger.items()}
    for sentence in (
        _paused(story, score),
        _unsettled(story, score),
        _one_sided(story, score),
        _weathering(story),
        _misses(story, week, score, week_ago),
        _in_debt(story),
        _rising(story, week, score, week_ago),
    ):
        if sentence:
            return sentence
    kept = sum(d.outcome is Outcome.KEPT for days in week.values() for d in days)
    if score < week_ago:
        return f"Health eased to {score} this week: {_kept_by_side(story, week) or 'nothing kept'}."
    if not kept:
        return f"Health is steady at {score}: nothing was kept or missed this week."
    secured = sum(d.secured > 0 for days in week.values() for d in days)
    return (
        f"Health is steady at {score}: {_kept_by_side(story, week)} this week, "
        f"{secured} of those days secured."
    )


def _paused(story: Story, score: int) -> str | None:
    away = [p for p in story.pauses if p.covers(story.today)]
    if not away:
        return None
    sides = sorted({p.side for p in away})
    who = " and ".join(_name(story, side) for side in sides)
    ends = [p.end for p in away]
    until = ""
    if None not in ends:
        last = max(d for d in ends if d is not None)
        until = f" until {formats.day(last)}"
    verb = "are" if len(sides) > 1 or story.reader in sides else "is"
    return f"Health is holding at {score} while {who} {verb} paused{until}."


def _unsettled(story: Story, score: int) -> str | None:
    # Until the partner has had their say, unanswered days are not called misses.
    for side in Side:
        request = story.asking.get(side)
        if request is not None:
            partner = other(side)
            answers = "answer" if partner == story.reader else "answers"
            asker = _name(story, side)
            return (
                f"{asker[:1].upper()}{asker[1:]} asked to pause "
                f"{span_text(request.first, request.last)}: until {_name(story, partner)} "
                f"{answers}, health stands at {score}."
            )
    for side in Side:
        found = story.absent.get(side)
        if found is not None:
            return (
                f"No check-ins from {_name(story, side)} for {found.days} days: "
                f"health stands at {score} until those days are settled."
            )
    return None


def _weathering(story: Story) -> str | None:
    quiet = {side: _quiet_run(days) for side, days in story.ledger.items()}
    # Only a side with health to lose is weathering.
    weathering = [
        side
        for side, n in quiet.items()
        if n > QUIET_DAYS_BEFORE_WEATHERING and story.values[side][-1] > 0
    ]
    if not weathering:
        return None
    if len(weathering) == 2:
        return f"Quiet for {min(quiet.values())} days: the bridge is weathering."
    side = weathering[0]
    return f"Quiet for {quiet[side]} days on {_whose(story, side)} side: the bridge is weathering."


def _misses(story: Story, week: dict[Side, list[SideDay]], score: int, week_ago: int) -> str | None:
    missed = {side: sum(d.missed for d in days) for side, days in week.items()}
    total = sum(missed.values())
    if not total:
        return None
    unowned = sum(d.partner_missed + d.lapsed for days in week.values() for d in days)
    misses = _count(total, "missed commitment")
    # A miss pulls health below where it stood earlier in the week, even when today's
    # keep has already started to lift it again: that is still a fall worth naming.
    if score >= max(story.scores[-WEEK - 1 :]):
        verb = "rose to" if score > week_ago else "held at"
        return f"Health {verb} {score} despite {misses} this week."
    who = [_name(story, side) for side in Side if missed[side]]
    detail = ""
    if unowned == total:
        detail = ", without owning up" if total == 1 else ", none of them owned up to"
    elif unowned:
        detail = f", {unowned} of them not owned up to"
    return (
        f"Health fell because {' and '.join(who)} missed "
        f"{_count(total, 'commitment')} this week{detail}."
    )


def _in_debt(story: Story) -> str | None:
    weak = min(Side, key=lambda side: story.values[side][-1])
    value = story.values[weak][-1]
    if value >= 0:
        return None
    days = 0
    while points(value) < 0.5:
        value, days = after_kept(value, 1.0), days + 1
    return (
        f"Health is at 0 after recent misses: {_count(days, 'secured day')} "
        f"on {_whose(story, weak)} side will start to lift it."
    )


def _one_sided(story: Story, score: int) -> str | None:
    # Exactly zero means that side never kept nor missed anything: it has not started.
    waiting = [side for side in Side if story.values[side][-1] == 0]
    if len(waiting) != 1:
        return None
    who = _name(story, waiting[0])
    return (
        f"Health stays at {score} until {who} {'lay' if who == 'you' else 'lays'} planks too: "
        "one side alone cannot hold a bridge."
    )


def _rising(story: Story, week: dict[Side, list[SideDay]], score: int, week_ago: int) -> str | None:
    # Rising means still climbing now, not just higher than a week ago.
    two_days_ago = story.scores[-3] if len(story.scores) > 2 else 0
    if score <= week_ago or score <= two_days_ago:
        return None
    weak = min(Side, key=lambda side: story.values[side][-1])
    run = _kept_run(story.ledger[weak])
    if len(run) >= 2:
        secured = sum(d.secured > 0 for d in run)
        partner = _name(story, other(weak))
        confirmed = (
            f"{secured} secured by {partner}" if secured else f"none secured by {partner} yet"
        )
        return f"Health is rising: {_name(story, weak)} kept {len(run)} days in a row, {confirmed}."
    kept = [d for days in week.values() for d in days if d.outcome is Outcome.KEPT]
    secured = sum(d.secured > 0 for d in kept)
    return (
        f"Health is rising: {_kept_by_side(story, week)} this week, "
        f"{secured} of those days secured."
    )


def _kept_by_side(story: Story, week: dict[Side, list[SideDay]]) -> str:
    """ "Alice kept 7 days and Bob 7": each side's own days, never one sum of both."""
    kept = {side: sum(d.outcome is Outcome.KEPT for d in days) for side, days in week.items()}
    parts = [side for side in Side if kept[side]]
    if not parts:
        return ""
    first = f"{_name(story, parts[0])} kept {_count(kept[parts[0]], 'day')}"
    if len(parts) == 1:
        return first
    return f"{first} and {_name(story, parts[1])} {kept[parts[1]]}"


def _quiet_run(days: list[SideDay]) -> int:
    """Quiet days in a row up to today; paused days neither count nor interrupt."""
    run = 0
    for day in reversed(days):
        if day.outcome is Outcome.PAUSED:
            continue
        if day.outcome is not Outcome.QUIET:
            break
        run += 1
    return run


def _kept_run(days: list[SideDay]) -> list[SideDay]:
    """Kept days in a row up to today; quiet, open and paused days are skipped, a miss ends it."""
    run = []
    for day in reversed(days):
        if day.outcome is Outcome.KEPT:
            run.append(day)
        elif day.outcome not in (Outcome.QUIET, Outcome.OPEN, Outcome.PAUSED):
            break
    return run


def _name(story: Story, side: Side) -> str:
    if side == story.reader:
        return "you"
    return story.names.get(side) or f"side {side.upper()}"


def _whose(story: Story, side: Side) -> str:
    return "your" if side == story.reader else f"{_name(story, side)}'s"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
