"""The health report for a bridge: score, band, trend and the sentence that explains them."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.domain.acts import ActKind, Counted, LiveAct, TrustAct, as_counted, counted
from server.domain.cadence import Commitment
from server.domain.explain import Story, explain
from server.domain.health import (
    Band,
    band,
    bridge_points,
    just_started,
    points,
    shown,
    side_values,
)
from server.domain.ledger import SideDay, bridge_days, first_day
from server.domain.localday import Pause
from server.domain.moved import why_moved
from server.domain.pauses import Asked, PauseRequest, absence, unsettled
from server.domain.sides import Side

TREND_DAYS = 30


def late_confirmations(
    log: list[TrustAct],
    live: list[LiveAct] | Counted | None,
    today: date,
    zones: Mapping[Side, str],
) -> dict[tuple[Side, date], int]:
    """Planks laid on an earlier day that the partner secured on `today` (the partner's
    own local day): (the plank's owner, its day) -> how many."""

    def made_on(act: TrustAct) -> date:
        zone = zones.get(act.author)
        return act.created_at.astimezone(ZoneInfo(zone) if zone else UTC).date()

    recent = late_since(today)
    confirmed_kind = ActKind.CONFIRMATION  # bound once: it is compared with every act
    confirmations = [
        act
        for act in log
        if act.kind is confirmed_kind and act.created_at >= recent and made_on(act) == today
    ]
    if not confirmations:
        return {}
    secured = _secured(as_counted(live or log), {c.target_id for c in confirmations})
    late: dict[tuple[Side, date], int] = {}
    for confirmation in confirmations:
        plank = secured.get(confirmation.target_id)  # type: ignore[arg-type]
        if plank is not None and plank.day < today:
            key = (plank.owner, plank.day)
            late[key] = late.get(key, 0) + 1
    return late


def _secured(live: Counted, wanted: set[int | None]) -> dict[int, TrustAct]:
    """{act.id: act for act in live.planks if act.id in live.confirmed}, for the
    `wanted` ids only: read from the newest act back and stopped once all are found
    (the planks a day's confirmations secure are recent; the comprehension read the
    whole history)."""
    found: dict[int, TrustAct] = {}
    planks, confirmed = live
    for act in reversed(planks):  # the last of an id wins, as in the comprehension
        act_id = act.id
        if act_id in confirmed and act_id in wanted and act_id not in found:
            found[act_id] = act
            if len(found) == len(wanted):
                break
    return found


@dataclass(frozen=True)
class HealthReport:
    """Everything the screens show about a bridge's health, derived from its log."""

    score: int
    band: Band
    sides: dict[Side, int]
    trend: list[int]  # the bridge's score at the end of each recent day, oldest first
    explanation: str  # one plain sentence
    paused: bool
    just_started: bool  # too few days yet for the score or its band to mean anything
    moved: str  # why the score last moved ("+3 today: ..."), "" if not in the last week


def health_report(
    log: Iterable[TrustAct],
    commitments: Iterable[Commitment],
    pauses: Iterable[Pause],
    today: date,
    *,
    names: Mapping[Side, str] | None = None,
    reader: Side | None = None,
    trend_days: int = TREND_DAYS,
    requests: Iterable[PauseRequest] = (),
    live: list[LiveAct] | None = None,
    zones: Mapping[Side, str] | None = None,
) -> HealthReport:
    """The bridge's health on the local date `today`, recomputed from the whole log.

    Because nothing is stored but the log, a late confirmation or a withdrawal simply
    changes the days it refers to the next time this runs. `pauses` are the effective
    ones (domain.effective_pauses); `requests` to pause past days, while unanswered,
    change the sentence, never the figure. The sentence calls the `reader`'s side "you".

    `live` is the log's live acts, when the caller derived them already. `zones` are
    the two sides' time zones, to tell on which of the confirmer's days a confirmation
    was made (UTC days without them).
    """
    log, commitments, pauses = list(log), list(commitments), list(pauses)
    requests = list(requests)
    # A bridge with nothing on it yet gets empty ledgers: no days, no scores.
    start = first_day(log, commitments) or today + timedelta(days=1)
    # Once: the ledger and the late confirmations read them.
    lived = live or counted(log)
    ledger = bridge_days(lived, commitments, pauses, start, today)
    values = {side: side_values(days) for side, days in ledger.items()}
    scores = [
        shown(bridge_points(a, b)) for a, b in zip(values[Side.A], values[Side.B], strict=True)
    ]
    late = late_confirmations(log, lived, today, zones or {})
    return reported(
        today, ledger, values, scores, pauses, requests, names, reader, late, trend_days
    )


def reported(
    today: date,
    ledger: dict[Side, list[SideDay]],
    values: dict[Side, list[float]],
    scores: list[int],
    pauses: list[Pause],
    requests: list[PauseRequest],
    names: Mapping[Side, str] | None,
    reader: Side | None,
    late: dict[tuple[Side, date], int],
    trend_days: int = TREND_DAYS,
) -> HealthReport:
    """The report from both sides' whole ledgers, their values and the daily scores:
    what `health_report` (from the log) and `screens.report_of` (from a derivation)
    both show."""
    absent = {side: unsettled(absence(days, today), requests) for side, days in ledger.items()}
    story = Story(
        today,
        ledger,
        values,
        scores,
        pauses,
        dict(names or {}),
        absent={side: found for side, found in absent.items() if found},
        asking={r.side: r for r in requests if r.state is Asked.PENDING},
        reader=reader,
        late=late,
    )
    score = scores[-1] if scores else 0
    return HealthReport(
        score=score,
        band=band(score),
        sides={side: shown(points(v[-1])) if v else 0 for side, v in values.items()},
        trend=scores[-trend_days:],
        explanation=explain(story),
        moved=why_moved(story),
        paused=any(p.covers(today) for p in pauses),
        just_started=just_started(scores),
    )


def late_since(today: date) -> datetime:
    """The earliest a confirmation `late_confirmations` reads was made: most days have
    none, so it looks at the last two days' acts first (whatever the zones)."""
    return datetime.combine(today - timedelta(days=2), time(), UTC)
