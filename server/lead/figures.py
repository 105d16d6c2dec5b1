"""Each bridge's health figures for the lead, derived by the domain and kept in a table.

Deriving health replays a bridge's whole log, tens of milliseconds for a bridge a
year old, so a team of a hundred bridges would take seconds on every visit, and
even counting a hundred logs' acts takes tens. So a bridge's figures are kept, and
derived again only when something they come from changed:

- its commitments, pauses or span, the day, or the rules themselves: a fingerprint
  of those is kept with the figures (commitments and pauses are a few rows a bridge);
- its log: acts are only ever inserted, with ever larger ids, so the acts added to
  the team's bridges since the last visit are found through the primary key alone
  (LogHorizon), however long the logs have grown; only those bridges' logs are
  counted, and derived again unless the kept figures already saw every act.

A visit makes a handful of small reads, and re-derives only the bridges that changed,
in one query for all their acts and in a worker thread.

Only columns the domain needs are read: never a text anyone wrote.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import anyio.to_thread
from piccolo.query.functions.aggregate import Count, Max

from server import clock
from server import domain as d
from server.lead.rules import TREND_DAYS, Figures
from server.lead.tables import BridgeFigures, LogHorizon
from server.repair.state import domain_act, domain_commitment
from server.tables import Bridge, Commitment, Pause, TrustAct


def _rules_version() -> str:
    """A hash of the domain's source: new rules make every kept figure stale."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).parent.parent / "domain").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


RULES_VERSION = _rules_version()


@dataclass(frozen=True)
class Derived:
    """A bridge's figures as kept: the scores and counts, and when its last act was."""

    scores: list[int]
    paused: bool
    laid: int
    secured: int
    last_act_at: datetime | None
    log: tuple[int, int] = (0, 0)  # the acts they come from: how many, the largest id

    def figures(self, zone: str) -> Figures:
        """The figures as the lead sees them, the last act's day in her own zone."""
        last = None if self.last_act_at is None else d.local_today(self.last_act_at, zone)
        return Figures(self.scores, self.paused, self.laid, self.secured, last)


def derive(
    acts: list[d.TrustAct],
    commitments: list[d.Commitment],
    pauses: list[d.Pause],
    span: int,
    today: date,
) -> Derived:
    """One bridge's figures from its log, by the same rules its two sides see."""
    report = d.health_report(acts, commitments, pauses, today, trend_days=TREND_DAYS)
    progress = d.bridge_progress(acts, span)
    return Derived(
        scores=list(report.trend),
        paused=report.paused,
        laid=sum(progress.planks.values()),
        secured=sum(progress.secured.values()),
        last_act_at=max((a.created_at for a in acts), default=None),
        log=(len(acts), max((a.id for a in acts), default=0)),
    )


def fingerprint(
    today: date, span: int, commitments: list[dict[str, Any]], pauses: list[dict[str, Any]]
) -> str:
    """A hash of all a bridge's figures come from, but its log."""
    inputs = (
        RULES_VERSION,
        today.isoformat(),
        span,
        [sorted(c.items()) for c in commitments],
        [sorted(p.items()) for p in pauses],
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


# ---------------------------------------------------------------- queries


def _grouped(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row.pop("bridge"), []).append(row)
    return grouped


async def _commitments(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await Commitment.select(
            Commitment.bridge,
            Commitment.id,
            Commitment.side,
            Commitment.cadence,
            Commitment.weekdays,
            Commitment.start,
            Commitment.end,
            Commitment.due_by,
            Commitment.retired_from,
        )
        .where(Commitment.bridge.is_in(ids))
        .order_by(Commitment.id)
    )
    return _grouped(rows)


async def _pauses(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await Pause.select(Pause.bridge, Pause.id, Pause.side, Pause.start, Pause.end)
        .where(Pause.bridge.is_in(ids))
        .order_by(Pause.id)
    )
    return _grouped(rows)


async def _acts(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    rows = (
        await TrustAct.select(
            TrustAct.bridge,
            TrustAct.id,
            TrustAct.kind,
            TrustAct.author_side,
            TrustAct.owner_side,
            TrustAct.day,
            TrustAct.created_at,
            TrustAct.commitment,
            TrustAct.target,
        )
        .where(TrustAct.bridge.is_in(ids))
        .order_by(TrustAct.id)
    )
    return _grouped(rows)


async def _changed_since(team_id: int, after: int) -> dict[int, tuple[int, int]]:
    """The team's bridges with an act whose id is above `after` (a primary-key range),
    each with its log's length and largest id."""
    rows = (
        await TrustAct.select(TrustAct.bridge)
        .where(
            (TrustAct.id > after)
            & TrustAct.bridge.is_in(Bridge.select(Bridge.id).where(Bridge.team == team_id))
        )
        .distinct()
    )
    if not rows:
        return {}
    logs = (
        await TrustAct.select(TrustAct.bridge, Count(alias="acts"), Max(TrustAct.id, alias="last"))
        .where(TrustAct.bridge.is_in([row["bridge"] for row in rows]))
        .group_by(TrustAct.bridge)
    )
    return {row["bridge"]: (int(row["acts"]), int(row["last"])) for row in logs}


def _kept(row: dict[str, Any]) -> Derived:
    return Derived(
        scores=[int(x) for x in row["scores"].split(",") if x],
        paused=bool(row["paused"]),
        laid=row["laid"],
        secured=row["secured"],
        last_act_at=row["last_act_at"],
        log=(row["log_count"], row["log_max"]),
    )


_KEPT_COLUMNS = [
    BridgeFigures.fingerprint,
    BridgeFigures.as_of,
    BridgeFigures.scores,
    BridgeFigures.paused,
    BridgeFigures.laid,
    BridgeFigures.secured,
    BridgeFigures.last_act_at,
    BridgeFigures.log_count,
    BridgeFigures.log_max,
    BridgeFigures.computed_at,
]


async def _keep(rows: list[BridgeFigures]) -> None:
    """Insert or replace kept figures, a few hundred rows a statement."""
    for start in range(0, len(rows), 200):
        await BridgeFigures.insert(*rows[start : start + 200]).on_conflict(
            target=BridgeFigures.bridge, action="DO UPDATE", values=_KEPT_COLUMNS
        )


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Loaded:
    """What a visit reads before deciding which bridges to derive again."""

    team_id: int
    bridges: list[dict[str, Any]]  # rows with `id` and `span`
    changed: dict[int, tuple[int, int]]  # bridges with new acts: their log's length, last id
    newest_act: int  # the largest act id in the whole log, as this visit began
    checked: int  # acts up to this id were seen by the kept figures
    seen: int  # the largest act id at the previous visit
    commitments: dict[int, list[dict[str, Any]]]
    pauses: dict[int, list[dict[str, Any]]]
    kept: dict[int, dict[str, Any]]


async def load(team_id: int, bridges: list[dict[str, Any]]) -> Loaded:
    """The small reads every visit makes (run them in one transaction: one snapshot)."""
    ids = [row["id"] for row in bridges] or [0]
    horizon = (
        await LogHorizon.select(LogHorizon.checked, LogHorizon.seen)
        .where(LogHorizon.team == team_id)
        .first()
    )
    newest = await TrustAct.select(Max(TrustAct.id, alias="newest")).first()
    kept = await BridgeFigures.select(
        BridgeFigures.bridge,
        BridgeFigures.fingerprint,
        BridgeFigures.scores,
        BridgeFigures.paused,
        BridgeFigures.laid,
        BridgeFigures.secured,
        BridgeFigures.last_act_at,
        BridgeFigures.log_count,
        BridgeFigures.log_max,
    ).where(BridgeFigures.bridge.is_in(ids))
    checked = horizon["checked"] if horizon else 0
    return Loaded(
        team_id=team_id,
        bridges=bridges,
        changed=await _changed_since(team_id, checked),
        newest_act=(newest or {}).get("newest") or 0,
        checked=checked,
        seen=horizon["seen"] if horizon else 0,
        commitments=await _commitments(ids),
        pauses=await _pauses(ids),
        kept={row["bridge"]: row for row in kept},
    )


@dataclass(frozen=True)
class _Job:
    bridge_id: int
    print_: str
    acts: list[d.TrustAct]
    commitments: list[d.Commitment]
    pauses: list[d.Pause]
    span: int


def _derive_all(jobs: list[_Job], today: date) -> list[Derived]:
    return [derive(j.acts, j.commitments, j.pauses, j.span, today) for j in jobs]


async def up_to_date(loaded: Loaded, today: date) -> dict[int, Derived]:
    """Each bridge's figures on `today`: kept ones where nothing changed, the rest
    derived again (outside any transaction: a cold team takes seconds) and kept."""
    result: dict[int, Derived] = {}
    stale: list[tuple[dict[str, Any], str]] = []
    for row in loaded.bridges:
        bid = row["id"]
        print_ = fingerprint(
            today, row["span"], loaded.commitments.get(bid, []), loaded.pauses.get(bid, [])
        )
        hit = loaded.kept.get(bid)
        kept = _kept(hit) if hit is not None and hit["fingerprint"] == print_ else None
        # A bridge with new acts is current only if its figures already saw them all.
        if kept is not None and loaded.changed.get(bid, kept.log) == kept.log:
            result[bid] = kept
        else:
            stale.append((row, print_))
    if stale:
        result.update(await _derive_again(stale, loaded, today))
    shown = {row["id"] for row in loaded.bridges}
    if away := [bid for bid in loaded.changed if bid not in shown]:
        # Changed while off the dashboard (archived, or someone off the team): the
        # horizon moves past those acts, so the kept figures must go.
        await BridgeFigures.delete().where(BridgeFigures.bridge.is_in(away))
    # Only now that the changed bridges are kept may the horizon move past their acts.
    if (loaded.checked, loaded.seen) != (loaded.seen, loaded.newest_act):
        horizon = LogHorizon(team=loaded.team_id, checked=loaded.seen, seen=loaded.newest_act)
        await LogHorizon.insert(horizon).on_conflict(
            target=LogHorizon.team,
            action="DO UPDATE",
            values=[LogHorizon.checked, LogHorizon.seen],
        )
    return result


async def _derive_again(
    stale: list[tuple[dict[str, Any], str]], loaded: Loaded, today: date
) -> dict[int, Derived]:
    acts = await _acts([row["id"] for row, _ in stale])
    jobs = [
        _Job(
            bridge_id=row["id"],
            print_=print_,
            acts=[domain_act(a) for a in acts.get(row["id"], [])],
            commitments=[domain_commitment(c) for c in loaded.commitments.get(row["id"], [])],
            pauses=[
                d.Pause(d.Side(p["side"]), p["start"], p["end"])
                for p in loaded.pauses.get(row["id"], [])
            ],
            span=row["span"],
        )
        for row, print_ in stale
    ]
    # Pure CPU work: off the event loop, so other requests are served meanwhile.
    derived = await anyio.to_thread.run_sync(_derive_all, jobs, today)
    now = clock.now()
    await _keep(
        [
            BridgeFigures(
                bridge=job.bridge_id,
                fingerprint=job.print_,
                as_of=today,
                scores=",".join(map(str, figures.scores)),
                paused=figures.paused,
                laid=figures.laid,
                secured=figures.secured,
                last_act_at=figures.last_act_at,
                log_count=figures.log[0],
                log_max=figures.log[1],
                computed_at=now,
            )
            for job, figures in zip(jobs, derived, strict=True)
        ]
    )
    return {job.bridge_id: figures for job, figures in zip(jobs, derived, strict=True)}
