"""Carol's first visit of a new day goes on from yesterday's figures when nothing was
written overnight, and shows exactly what deriving each bridge afresh shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from server.repair import derived, state
from tests.lead_helpers import dashboard, history, share_both

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_carols_next_visits_go_on_from_yesterday_and_match_a_fresh_derivation(
    team, bridge, alice, bob, carol, monkeypatch
):
    with time_machine.travel(NOW, tick=False) as traveller:
        history(bridge, NOW.date() - timedelta(days=20), "k" * 12 + "m" + "k" * 7)
        share_both(bridge, alice, bob)
        first = dashboard(carol, team)["bridges"][0]
        reads: list[int] = []
        load_many = state.load_many

        async def counted(rows: list[dict[str, Any]], **kwargs: Any) -> Any:
            reads.extend(row["id"] for row in rows)
            return await load_many(rows, **kwargs)

        monkeypatch.setattr(state, "load_many", counted)
        seen = [first]
        for days in (1, 2, 9):  # nobody checks in: items lapse, then silence weathers
            traveller.move_to(NOW + timedelta(days=days))
            resumed = dashboard(carol, team)["bridges"][0]
            derived._cache.clear()  # as a new process would: derive it all again
            afresh = dashboard(carol, team)["bridges"][0]
            assert resumed == afresh
            seen.append(resumed)
        # Only the fresh derivations read the bridge's rows; the next days did not.
        assert reads == [bridge] * 3
        healths = [row["health"] for row in seen]
        assert healths == sorted(healths, reverse=True) and healths[-1] < healths[0]
