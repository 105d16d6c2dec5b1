"""Why health moved: the last change in the bridge's score, told from the days behind it.

A pure reading of the ledger's outputs (the Story explain.py also reads): find the
latest day whose score differs from the day before, and say what each side's day
was: kept and secured, only laid, a miss owned, a miss reported, an item lapsed, a
quiet spell weathering. The number is the score's own difference, so the line
always agrees with the figure and the trend above it.

A late confirmation (today, of a plank from an earlier day) recomputes that earlier
day, so the trend moves back there; the news, though, is today's: the line compares
today's score with yesterday's as it stood before the confirmation ("+3 since
yesterday: Bob secured your plank from Monday").
"""

from bisect import bisect_left
from datetime import date
from operator import attrgetter

from server import formats
from server.domain.explain import Story, _count, _name, _quiet_run, _whose
from server.domain.health import bridge_points, shown, side_run
from server.domain.ledger import Outcome, SideDay
from server.domain.sides import Side, other

LOOK_BACK = 7  # older moves are history, not news
_DAY = attrgetter("day")


def why_moved(story: Story) -> str:
    """ "+3 today: you laid a plank, secured by Bob." or "" when nothing moved lately."""
    return _since_yesterday(story) or _last_move(story)


def _since_yesterday(story: Story) -> str:
    """The move since yesterday when today's confirmations raised earlier days."""
    if not story.late or not story.scores:
        return ""
    # Yesterday as it stood: the same ledger without today's late confirmations. The
    # days before the first of those planks stood as they stand, so health runs again
    # from there on (a bridge two years old is not walked again for a week's news).
    first = bisect_left(story.ledger[Side.A], min(day for _, day in story.late), key=_DAY)
    first = min(first, len(story.scores) - 1)  # a plank's day is before today's
    stood: dict[Side, float] = {}
    for side, days in story.ledger.items():
        values = story.values[side]
        changed = [
            d._replace(secured=d.secured - story.late[side, d.day])
            if (side, d.day) in story.late
            else d
            for d in days[first:-1]
        ]
        stood[side] = side_run(
            changed, values[first - 1] if first else 0.0, _quiet_run(days[:first])
        )[1]
    yesterday = len(story.scores) > 1
    before = shown(bridge_points(stood[Side.A], stood[Side.B])) if yesterday else 0
    change = story.scores[-1] - before
    if not change:
        return ""
    reasons = [
        f"{_name(story, other(side))} secured {_planks(story, side, n)} {_from(story.today, day)}"
        for (side, day), n in sorted(story.late.items(), key=lambda item: item[0][1])
    ]
    i = len(story.scores) - 1
    if i:  # today's own days, when they moved their side too
        today = [
            story.ledger[side][i]
            for side in Side
            if story.values[side][i] != story.values[side][i - 1]
            and story.ledger[side][i].outcome is not Outcome.QUIET
        ]
        reasons += [_reason(story, day) for day in today]
    sign = "+" if change > 0 else "\u2212"
    return f"{sign}{abs(change)} since yesterday: {'; '.join(r for r in reasons if r)}."


def _planks(story: Story, side: Side, n: int) -> str:
    whose = _whose(story, side)
    return f"{whose} plank" if n == 1 else f"{n} of {whose} planks"


def _from(today: date, day: date) -> str:
    ago = (today - day).days
    if ago == 1:
        return "from yesterday"
    if ago < 7:
        return f"from {formats.weekday(day)}"
    return f"from {formats.short_day(day)}"


def _last_move(story: Story) -> str:
    scores = story.scores
    for i in range(len(scores) - 1, max(-1, len(scores) - 1 - LOOK_BACK), -1):
        before = scores[i - 1] if i else 0
        if scores[i] == before:
            continue
        moved = {
            side: story.ledger[side][i]
            for side in Side
            if (story.values[side][i - 1] if i else 0.0) != story.values[side][i]
        }
        reasons = [_reason(story, day) for day in _weaker_first(story, moved, i)]
        change = scores[i] - before
        sign = "+" if change > 0 else "\u2212"  # a minus sign, not a hyphen
        when = _when(story.today, story.ledger[Side.A][i].day)
        return f"{sign}{abs(change)} {when}: {'; '.join(r for r in reasons if r)}."
    return ""


def _weaker_first(story: Story, moved: dict[Side, SideDay], i: int) -> list[SideDay]:
    # The weaker side holds the bridge's score, so its day explains the most.
    return [moved[s] for s in sorted(moved, key=lambda s: story.values[s][i])]


def _reason(story: Story, day: SideDay) -> str:
    who, partner = _name(story, day.side), _name(story, other(day.side))
    whose = _whose(story, day.side)
    match day.outcome:
        case Outcome.KEPT if day.secured == day.planks:
            return f"{who} laid a plank, secured by {partner}"
        case Outcome.KEPT if day.secured:
            return f"{who} laid a plank, partly secured by {partner}"
        case Outcome.KEPT:
            return f"{who} laid a plank, not yet secured by {partner}"
        case Outcome.SELF_MISS:
            return f"{who} missed {_count(day.self_missed, 'commitment')} and said so"
        case Outcome.PARTNER_MISS if day.lapsed and not day.partner_missed:
            lapsed = "a commitment" if day.lapsed == 1 else f"{day.lapsed} commitments"
            return f"{lapsed} on {whose} side lapsed unreported"
        case Outcome.PARTNER_MISS:
            return f"{partner} reported a miss on {whose} side"
        case Outcome.QUIET:
            return f"a quiet spell weathered {whose} side"
    return ""


def _when(today: date, day: date) -> str:
    ago = (today - day).days
    if ago == 0:
        return "today"
    if ago == 1:
        return "yesterday"
    return f"on {formats.weekday(day)}"
