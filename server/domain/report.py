"""The health report for a bridge: score, band, trend and the sentence that explains them."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from server.domain.acts import LiveAct, TrustAct
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
from server.domain.ledger import bridge_days, first_day
from server.domain.localday import Pause
from server.domain.moved import why_moved
from server.domain.pauses import Asked, PauseRequest, absence, unsettled
from server.domain.sides import Side

TREND_DAYS = 30


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
) -> HealthReport:
    """The bridge's health on the local date `today`, recomputed from the whole log.

    Because nothing is stored but the log, a late confirmation or a withdrawal simply
    changes the days it refers to the next time this runs. `pauses` are the effective
    ones (domain.effective_pauses); `requests` to pause past days, while unanswered,
    change the sentence, never the figure. The sentence calls the `reader`'s side "you".

    `live` is the log's live acts, when the caller derived them already.
    """
    log, commitments, pauses = list(log), list(commitments), list(pauses)
    requests = list(requests)
    # A bridge with nothing on it yet gets empty ledgers: no days, no scores.
    start = first_day(log, commitments) or today + timedelta(days=1)
    ledger = bridge_days(live or log, commitments, pauses, start, today)
    values = {side: side_values(days) for side, days in ledger.items()}
    absent = {side: unsettled(absence(days, today), requests) for side, days in ledger.items()}
    asking = {r.side: r for r in requests if r.state is Asked.PENDING}
    scores = [
        shown(bridge_points(a, b)) for a, b in zip(values[Side.A], values[Side.B], strict=True)
    ]
    score = scores[-1] if scores else 0
    story = Story(
        today,
        ledger,
        values,
        scores,
        pauses,
        dict(names or {}),
        absent={side: found for side, found in absent.items() if found},
        asking=asking,
        reader=reader,
    )
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
