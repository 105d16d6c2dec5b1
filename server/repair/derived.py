"""The one place that keeps derived state: each bridge's derivation for a local day.

Today's share of a bridge (per side), the lead's figures and everything else read from
a bridge are derived by the domain from its stored rows, in one linear pass. A page
is read far more often than a bridge changes, so each process keeps the results here,
keyed by all they are derived from:

- the bridge's row as read at the start of the request: its `version` (raised by
  database triggers in the same transaction as any insert, update or delete of its
  acts, commitments or pauses, whatever code writes them), its span, status, team
  and both people's names and time zones;
- the local day it is derived for (health, lapses and weathering move with the day).

Any change makes a new key, never a stale hit: the row is read before the rows it
keys, so what is derived is at least as new as its version. Old keys age out of the
LRU. Nothing is stored in the database, and nothing needs warming: a key's first
reader derives it (a year-old bridge in milliseconds) and every reader of that bridge
on that day, alice's Today, bob's Today, carol's dashboard, shares the entry.

A new day with the row unchanged need not read the bridge again: `before` finds the
same row's entry on an earlier day, and the lead's figures go on from the health run
kept there (server/domain/resume.py, proven equal to a whole derivation), so her first
visit of a day derives only the bridges written to since.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from server import db
from server import domain as d
from server.repair import state
from server.repair.state import BridgeData

CACHE_SIZE = 4096

T = TypeVar("T")


@dataclass
class Entry:
    """What has been derived so far for one bridge row on one day, filled per reader."""

    shares: dict[d.Side, Any] = field(default_factory=dict)  # Today's share per side
    figures: Any = None  # the lead's figures
    loading: asyncio.Future[BridgeData] | None = None  # its rows, while a request reads them


class _Cache:
    def __init__(self) -> None:
        self.engine: object = None
        self.entries: OrderedDict[tuple[Hashable, date], Entry] = OrderedDict()
        self.days: dict[Hashable, set[date]] = {}  # the days each row has entries for

    def _current(self) -> OrderedDict[tuple[Hashable, date], Entry]:
        # Ids restart in another database (tests make one per test): start afresh.
        if db.engine() is not self.engine:
            self.engine, self.entries, self.days = db.engine(), OrderedDict(), {}
        return self.entries

    def entry(self, row: Hashable, day: date) -> Entry:
        entries = self._current()
        found = entries.get((row, day))
        if found is None:
            found = entries[(row, day)] = Entry()
            self.days.setdefault(row, set()).add(day)
            while len(entries) > CACHE_SIZE:
                (old_row, old_day), _ = entries.popitem(last=False)
                kept = self.days[old_row]
                kept.discard(old_day)
                if not kept:
                    del self.days[old_row]
        else:
            entries.move_to_end((row, day))
        return found

    def before(self, row: Hashable, day: date) -> Entry | None:
        """The same row's entry on the latest earlier day, if one is still kept."""
        self._current()
        earlier = [kept for kept in self.days.get(row, ()) if kept < day]
        return self.entries.get((row, max(earlier))) if earlier else None

    def clear(self) -> None:
        self.entries, self.days = OrderedDict(), {}


_cache = _Cache()


def key(row: dict[str, Any]) -> Hashable:
    """What a bridge row (as state._BRIDGE reads it) keys: with a local day, an entry."""
    return tuple(row.items())


def before(row: dict[str, Any], day: date) -> Entry | None:
    """The entry of this very row (the bridge unchanged since) on the latest earlier
    local day still kept: a derivation for `day` may go on from what it derived."""
    return _cache.before(key(row), day)


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
            loaded = await state.load_many([row for row, _ in mine], with_plan=False)
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
            data = (await state.load_many([row], with_plan=False))[0]
        found[row["id"]] = get(entry, row) or derive(entry, data, day)
    return [found[row["id"]] for row in rows]


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
