"""The one place that keeps derived state: each bridge's derivation for a local day.

(Over 400 lines: both tiers of the one cache, the process's and the stored folds, with
the one read path that chooses between them.)

Today's share of a bridge (per side), the lead's figures and everything else read from
a bridge come from one `domain.Derivation` of its log (server/domain/resume.py). A
page is read far more often than a bridge changes, so each process keeps them here,
keyed by all they are derived from:

- the bridge's row as read at the start of the request: its `version` (raised by
  database triggers in the same transaction as any insert, update or delete of its
  acts, commitments or pauses, whatever code writes them), its span, status, team
  and both people's names and time zones;
- the local day it is derived for (health, lapses and weathering move with the day).

Any change makes a new key, never a stale hit: the row is read before the rows it
keys, so what is derived is at least as new as its version. Old keys age out of the
LRU.

A key's first reader does not derive a year of history again when an earlier
derivation of the same bridge is kept: the same row on an earlier day (nobody wrote
to it since: the lead's first visit of a day) is carried on without reading
anything; a newer row (someone checked in) reads only the acts after the last one
derived, and its commitments and pauses, and carries on with those (a confirmation of
an old plank too: the derivation keeps its settled days compactly). Only what
reaches back further (a withdrawn old plank, a changed commitment or pause) derives
the whole log again. tests/domain/test_resume.py proves carrying on
equals deriving afresh; the stateful test checks every Today against a fresh one.
Readers of one key share its entry: alice's Today, bob's Today, carol's dashboard.

A bridge this process never derived (after a restart, on the other worker, the lead's
first look at fifty quiet bridges) is carried on from its stored fold, the second tier
of the same cache: table `bridge_fold`, one row a bridge, `domain.folded` of a
derivation of its log up to `last_act_id`, derived on `domain.fold_day` (two days
back, so a reader in any zone may carry it on: `domain.resume` refuses one of a later
day than the reader's). Its rows are read for all missing bridges in one query, then
the acts after each fold in one more, and carried on as an earlier derivation is; the
texts of acts still waiting from before the fold are read by id. Still one cache, not
a second truth: each tier is keyed by what changes it. The LRU by the bridge's version
and the local day; the fold by the acts it holds (`last_act_id`: later acts are read
and carried on), the commitments and pauses it was derived with (`advance` refuses
any other), the day it was derived on, and the rules it was derived by (`DOMAIN`, a
hash of server/domain's source: a deploy that changes a rule makes every stored fold
ignored, never wrong). tests/domain/test_stored_fold.py proves a fold carried on to any
reader's day with the acts after it equals the whole log derived on that day. A fold
holds no text anyone wrote (acts as the domain sees them, dates, figures): deleting an
account has nothing to clear there; deleting a bridge deletes its fold (cascade).

A fold is stored (one upsert a request, never failing the read) after a derivation
of the whole log, and when the fold carried on had settled days more than REFOLD_DAYS
before the new derivation's: the stretch carried on stays short. It leaves out acts
younger than SURE_AFTER, which readers read after it (see there why).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import pickle
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from server import clock, db
from server import domain as d
from server.observe import metrics
from server.repair import state
from server.repair.state import BridgeData
from server.settings import get_settings

log = logging.getLogger(__name__)

CACHE_SIZE = 4096
DAYS_KEPT = 3  # local days a bridge's newest derivation is remembered for
# A fold carried on over more newly settled days than this is stored anew: the stretch
# a reader carries on stays short.
REFOLD_DAYS = 7
# Acts younger than this stay out of a stored fold (the reader reads them after it).
# On PostgreSQL an act can become visible after one with a higher id (ids are handed
# out before commit): a fold up to an id must not leave out a lower one still to come.
# A transaction that writes an act lasts far less than this from the act's created_at.
SURE_AFTER = timedelta(minutes=10)
FOLD_BATCH = 200  # bridges store_folds derives at a time


def _domain_hash() -> str:
    """A short hash of the rules' source: a deploy that changes any of them makes
    every stored fold ignored, never wrong."""
    digest = hashlib.sha256()
    for path in sorted(Path(d.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


DOMAIN = _domain_hash()

T = TypeVar("T")


@dataclass
class Entry:
    """What has been derived so far for one bridge row on one day, filled per reader."""

    derivation: d.Derivation | None = None
    texts: dict[int, dict[str, Any]] = field(default_factory=dict)  # waiting acts' texts
    shares: dict[d.Side, Any] = field(default_factory=dict)  # Today's share per side
    figures: Any = None  # the lead's figures
    frame: BridgeData | None = None  # the bridge's rows but its acts (in `derivation`)
    # The bridge page's health over the whole ledger, and the derivation it ran over.
    health: tuple[d.Derivation, d.HealthRun] | None = None
    loading: asyncio.Future[BridgeData] | None = None  # its rows, while a request reads them


# Daily scores a derivation keeps: the lead's trend (lead/rules.py TREND_DAYS).
KEEP_SCORES = 30


class _Cache:
    def __init__(self) -> None:
        self.engine: object = None
        self.entries: OrderedDict[tuple[Hashable, date], Entry] = OrderedDict()
        self.derived: dict[int, dict[date, Hashable]] = {}  # bridge -> day -> newest row

    def _current(self) -> OrderedDict[tuple[Hashable, date], Entry]:
        # Ids restart in another database (tests make one per test): start afresh.
        if db.engine() is not self.engine:
            self.engine, self.entries, self.derived = db.engine(), OrderedDict(), {}
        return self.entries

    def entry(self, row: Hashable, day: date) -> Entry:
        entries = self._current()
        found = entries.get((row, day))
        if found is None:
            found = entries[(row, day)] = Entry()
            while len(entries) > CACHE_SIZE:
                entries.popitem(last=False)
        else:
            entries.move_to_end((row, day))
        return found

    def before(self, bridge_id: int, day: date) -> tuple[Hashable, Entry] | None:
        """The newest derivation of this bridge kept for `day` or an earlier day."""
        self._current()
        for kept_day in sorted(self.derived.get(bridge_id, {}), reverse=True):
            if kept_day > day:
                continue
            row = self.derived[bridge_id][kept_day]
            entry = self.entries.get((row, kept_day))
            if entry is not None and entry.derivation is not None:
                return row, entry
        return None

    def derived_for(self, bridge_id: int, row: Hashable, day: date) -> None:
        days = self.derived.setdefault(bridge_id, {})
        days[day] = row
        while len(days) > DAYS_KEPT:
            del days[min(days)]

    def clear(self) -> None:
        self.entries, self.derived = OrderedDict(), {}


_cache = _Cache()


def key(row: dict[str, Any]) -> Hashable:
    """What a bridge row (as state._BRIDGE reads it) keys: with a local day, an entry."""
    return tuple(row.items())


async def each(
    rows: list[dict[str, Any]],
    day: date,
    get: Callable[[Entry, dict[str, Any]], T | None],
    derive: Callable[[Entry, BridgeData, date], T],
) -> list[T]:
    """For each bridge row, what `get` finds in its entry for the local `day`, or else what
    `derive` makes from its rows (loaded for all missing bridges at once) and keeps.

    Requests that miss the same entry at the same moment (everyone's page after a
    check-in) share one load of its rows instead of each reading a year of acts.
    """
    found: dict[int, T] = {}
    mine: list[tuple[dict[str, Any], Entry]] = []  # this request loads these
    theirs: list[tuple[dict[str, Any], Entry, asyncio.Future[BridgeData]]] = []
    for row in rows:
        entry = _cache.entry(key(row), day)
        value = get(entry, row)
        if value is not None:
            found[row["id"]] = value
        elif entry.loading is not None:
            theirs.append((row, entry, entry.loading))
        else:
            entry.loading = asyncio.get_running_loop().create_future()
            mine.append((row, entry))
    if mine:
        try:
            loaded = await _derive([row for row, _ in mine], [entry for _, entry in mine], day)
        except BaseException as error:
            for _, entry in mine:
                _settle(entry, exception=error)
            raise
        for data, (row, entry) in zip(loaded, mine, strict=True):
            _settle(entry, data=data)
            found[row["id"]] = get(entry, row) or derive(entry, data, day)
    for row, entry, future in theirs:
        try:
            data = await asyncio.shield(future)
        except Exception:  # its loader failed: try once more, alone
            data = (await _derive([row], [entry], day))[0]
        found[row["id"]] = get(entry, row) or derive(entry, data, day)
    return [found[row["id"]] for row in rows]


async def _derive(rows: list[dict[str, Any]], entries: list[Entry], day: date) -> list[BridgeData]:
    """Fill each entry's derivation for `day`: carried on from an earlier one where one
    is kept, else from the bridge's stored fold, else from the whole log. Returns each
    bridge's frame (its rows but acts)."""
    read: dict[int, BridgeData] = {}
    newer: list[tuple[dict[str, Any], Entry, Entry, d.Derivation]] = []
    unknown: list[tuple[dict[str, Any], Entry]] = []  # never derived in this process
    afresh: list[tuple[dict[str, Any], Entry]] = []
    for row, entry in zip(rows, entries, strict=True):
        earlier = _cache.before(row["id"], day)
        was = None if earlier is None else earlier[1]
        if was is None or was.derivation is None or was.frame is None:
            unknown.append((row, entry))
        elif earlier is not None and earlier[0] == key(row):
            # Nothing written since: carried to this day without reading anything.
            derivation = d.advance(was.derivation, day)
            if derivation is None:
                afresh.append((row, entry))
            else:
                entry.derivation, entry.texts = derivation, was.texts
                read[row["id"]] = was.frame
                metrics.DERIVATIONS.labels("kept").inc()
        else:
            newer.append((row, entry, was, was.derivation))
    if newer:
        after = {row["id"]: derivation.last_act_id for row, _, _, derivation in newer}
        loaded = await state.load_many([n[0] for n in newer], with_plan=False, after=after)
        for data, (row, entry, was, earlier_derivation) in zip(loaded, newer, strict=True):
            derivation = d.advance(
                earlier_derivation, day, data.acts, data.commitments, data.pauses
            )
            if derivation is None:
                afresh.append((row, entry))
                continue
            entry.derivation = derivation
            entry.texts = _texts(derivation, {**was.texts, **data.act_rows})
            read[row["id"]] = data
            metrics.DERIVATIONS.labels("kept").inc()
            metrics.DERIVED_ACTS_READ.labels("kept").inc(len(data.acts))
    folds: list[tuple[int, d.Derivation]] = []  # to store
    if unknown:
        afresh += await _from_folds(unknown, day, read, folds)
    if afresh:
        loaded = await state.load_many([row for row, _ in afresh], with_plan=False)
        for data, (row, entry) in zip(loaded, afresh, strict=True):
            entry.derivation, fold = _from_log(data, day)
            if fold is not None:
                folds.append((row["id"], fold))
            entry.texts = _texts(entry.derivation, data.act_rows)
            read[row["id"]] = data
            metrics.DERIVATIONS.labels("log").inc()
            metrics.DERIVED_ACTS_READ.labels("log").inc(len(data.acts))
    if folds:
        try:
            await _store(folds)
        except Exception:  # a fold spares work later: never fail a read for one
            log.exception("storing %d bridges' folds failed", len(folds))
    for row, entry in zip(rows, entries, strict=True):
        entry.frame = read[row["id"]] = _frame(read[row["id"]])
        _cache.derived_for(row["id"], key(row), day)
    return [read[row["id"]] for row in rows]


# ---------------------------------------------------------------- stored folds

_FOLDS = "SELECT bridge, domain, payload FROM bridge_fold WHERE bridge IN ({ids})"
_STORE = """
    INSERT INTO bridge_fold (bridge, domain, last_act_id, settled, payload, written_at)
    VALUES {values}
    ON CONFLICT (bridge) DO UPDATE SET domain = excluded.domain,
        last_act_id = excluded.last_act_id, settled = excluded.settled,
        payload = excluded.payload, written_at = excluded.written_at
    WHERE bridge_fold.domain <> excluded.domain OR (
        bridge_fold.last_act_id <= excluded.last_act_id
        AND bridge_fold.settled <= excluded.settled)
    RETURNING bridge
"""
# (A fold of the same acts and settled days replaces the stored one: a changed
# commitment or pause made that one useless. One derived from fewer acts, by a reader
# that read before the last act, never replaces a newer one.)


async def _from_folds(
    items: list[tuple[dict[str, Any], Entry]],
    day: date,
    read: dict[int, BridgeData],
    to_store: list[tuple[int, d.Derivation]],
) -> list[tuple[dict[str, Any], Entry]]:
    """Derive what the stored folds allow, reading only the acts after each fold; the
    rest (no fold, another domain's, or one `resume` refuses) go on to the whole log."""
    folds = await _stored([row["id"] for row, _ in items])
    found = [(row, entry) for row, entry in items if row["id"] in folds]
    rest = [(row, entry) for row, entry in items if row["id"] not in folds]
    if not found:
        return rest
    after = {row["id"]: folds[row["id"]].last_act_id for row, _ in found}
    loaded = await state.load_many([row for row, _ in found], with_plan=False, after=after)
    resumed: list[tuple[Entry, d.Derivation, BridgeData]] = []
    for data, (row, entry) in zip(loaded, found, strict=True):
        fold = folds[row["id"]]
        derivation = d.resume(fold, day, data.acts, data.commitments, data.pauses)
        if derivation is None:
            rest.append((row, entry))
            continue
        resumed.append((entry, derivation, data))
        read[row["id"]] = data
        metrics.DERIVATIONS.labels("fold").inc()
        metrics.DERIVED_ACTS_READ.labels("fold").inc(len(data.acts))
        if derivation.settled - fold.settled > timedelta(days=REFOLD_DAYS):
            sure = data.acts[: _sure(data.acts)]
            refold = d.resume(fold, d.fold_day(day), sure, data.commitments, data.pauses)
            if refold is not None:
                to_store.append((row["id"], d.folded(refold)))
    # Today shows the texts of acts that wait for a confirmation: those from before the
    # fold were not read, so read theirs, all bridges' at once.
    missing = [
        act_id
        for _, derivation, data in resumed
        for act_id in _waiting_ids(derivation)
        if act_id not in data.act_rows
    ]
    texts = await state.texts_of(missing)
    for entry, derivation, data in resumed:
        entry.derivation = derivation
        entry.texts = _texts(derivation, {**texts, **data.act_rows})
    return rest


def _from_log(data: BridgeData, day: date) -> tuple[d.Derivation, d.Derivation | None]:
    """The bridge on `day` from its whole log, and its fold to store (None for a bridge
    with nothing on it yet): derived on `d.fold_day` from the acts old enough to be
    sure of (SURE_AFTER), then carried on with the rest to `day`."""
    sure = _sure(data.acts)
    fold = d.derive_bridge(
        data.acts[:sure], data.commitments, data.pauses, d.fold_day(day), keep=KEEP_SCORES
    )
    derivation = d.resume(fold, day, data.acts[sure:], data.commitments, data.pauses)
    if derivation is None:
        derivation = d.derive_bridge(
            data.acts, data.commitments, data.pauses, day, keep=KEEP_SCORES
        )
    storable = fold.last_act_id > 0 or bool(fold.commitments)
    return derivation, d.folded(fold) if storable else None


def _sure(acts: list[d.TrustAct]) -> int:
    """How many of `acts` (in id order) a stored fold may hold: those before the first
    one younger than SURE_AFTER."""
    young = clock.now() - SURE_AFTER
    return next((n for n, act in enumerate(acts) if act.created_at > young), len(acts))


async def _stored(bridge_ids: list[int]) -> dict[int, d.Derivation]:
    """The stored folds of these bridges derived by this code's rules, in one query."""
    placeholders = ", ".join("{}" for _ in bridge_ids)
    found: dict[int, d.Derivation] = {}
    for bridge_id, domain, payload in await db.fetch_values(
        _FOLDS.format(ids=placeholders), *bridge_ids
    ):
        if domain != DOMAIN:
            continue
        try:
            fold = _unpacked(payload)
        except NotSigned:  # another key's: derived from the log, and stored anew
            continue
        except Exception:  # unreadable: derived from the log, and stored anew
            log.exception("bridge %s: its stored fold does not load", bridge_id)
            continue
        if fold.keep == KEEP_SCORES:  # (a fold keeps the scores this module asked for)
            found[bridge_id] = fold
    return found


async def _store(folds: list[tuple[int, d.Derivation]]) -> int:
    """Upsert these folds in one statement; how many were written."""
    now = clock.now()
    # In bridge order: two workers' upserts then lock common rows in the same order.
    folds = sorted(folds, key=lambda item: item[0])
    values = ", ".join("({}, {}, {}, {}, {}, {})" for _ in folds)
    args = [
        value
        for bridge_id, fold in folds
        for value in (bridge_id, DOMAIN, fold.last_act_id, fold.settled, _packed(fold), now)
    ]
    written = await db.write((_STORE.format(values=values), args))
    return len(written[0])


def _packed(fold: d.Derivation) -> bytes:
    """The fold pickled, compressed, and signed with the app's secret key."""
    body = zlib.compress(pickle.dumps(fold, protocol=pickle.HIGHEST_PROTOCOL))
    return _signature(body) + body


def _unpacked(payload: bytes) -> d.Derivation:
    # Unpickled only when signed with this app's key: a row anything else wrote (or
    # one of a rotated key) is never loaded, and the bridge is derived from its log.
    signature, body = payload[:_SIGNATURE_BYTES], payload[_SIGNATURE_BYTES:]
    if not hmac.compare_digest(signature, _signature(body)):
        raise NotSigned
    fold = pickle.loads(zlib.decompress(body))  # noqa: S301 - signed by _packed
    if not isinstance(fold, d.Derivation):
        raise TypeError(f"a stored fold is a {type(fold).__name__}")
    return fold


_SIGNATURE_BYTES = 32  # HMAC-SHA256


class NotSigned(ValueError):
    """A stored fold not signed with this app's secret key (rotated, or not ours)."""


def _signature(body: bytes) -> bytes:
    key = get_settings().secret_key.encode()
    return hmac.new(b"bridge_fold:" + key, body, hashlib.sha256).digest()


async def store_folds(bridge_ids: list[int], day: date) -> int:
    """Derive these bridges for the local `day` from their whole logs and store their
    folds, FOLD_BATCH bridges at a time; how many were written. (For seeding: the folds
    a year of use would have left.)"""
    written = 0
    for start in range(0, len(bridge_ids), FOLD_BATCH):
        rows = await state.rows_of(bridge_ids[start : start + FOLD_BATCH])
        folds = [
            (data.id, fold)
            for data in await state.load_many(rows, with_plan=False)
            if (fold := _from_log(data, day)[1]) is not None
        ]
        if folds:
            written += await _store(folds)
    return written


def _waiting_ids(derivation: d.Derivation) -> set[int]:
    """The acts whose texts Today may show: those waiting for a confirmation (or
    waiting again if a late confirmation is withdrawn)."""
    waiting = {act.id for acts in derivation.waiting.values() for act in acts}
    waiting.update(act.id for act in derivation.late)
    return waiting


def _texts(derivation: d.Derivation, rows: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The texts Today shows of acts still waiting for a confirmation (or waiting again
    if a late confirmation is withdrawn), and no others."""
    waiting = _waiting_ids(derivation)
    return {act_id: row for act_id, row in rows.items() if act_id in waiting}


def _frame(data: BridgeData) -> BridgeData:
    """What readers of a derivation take from the bridge's rows: its people,
    commitments and pauses; its acts are in the derivation."""
    keep = {act.id for act in data.pause_log}  # a request's reason shows on Today
    return replace(
        data, acts=[], act_rows={i: row for i, row in data.act_rows.items() if i in keep}
    )


def _settle(
    entry: Entry, *, data: BridgeData | None = None, exception: BaseException | None = None
) -> None:
    future, entry.loading = entry.loading, None
    if future is None or future.done():
        return
    if exception is not None:
        future.set_exception(exception)
        future.add_done_callback(lambda f: f.exception())  # read, even with no waiter
    else:
        future.set_result(data)  # type: ignore[arg-type]
