"""The domain's cost against a bridge's age: health, planks and streaks from the log.

A bridge with four daily commitments (two a side), about 80 % kept, 70 % of the keeps
confirmed by the partner, the rest of the days missed (owned, or now and then
reported by the partner), and a listening session a week. Prints the median of seven
runs of `health_report` and of everything Today derives for one side, at 365 and 730
days, and the ratio 730/365 (linear is about 2).
"""

from __future__ import annotations

import cProfile
import pstats
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import domain as d

RUNS = 7


def bridge(days: int, seed: int = 7) -> tuple[list[d.TrustAct], list[d.Commitment]]:
    """A year-or-more bridge log, written the way the app writes it."""
    rng = random.Random(seed)
    today = date(2026, 12, 6)
    start = today - timedelta(days=days - 1)
    commitments = [
        d.Commitment(1, d.Side.A, d.Cadence.DAILY, start),
        d.Commitment(2, d.Side.A, d.Cadence.DAILY, start),
        d.Commitment(3, d.Side.B, d.Cadence.DAILY, start),
        d.Commitment(4, d.Side.B, d.Cadence.DAILY, start),
    ]
    acts: list[d.TrustAct] = []

    def add(kind: d.ActKind, author: d.Side, owner: d.Side, on: date, **kw: int) -> d.TrustAct:
        at = datetime.combine(on, clock_time(20), UTC) + timedelta(minutes=len(acts))
        act = d.TrustAct(len(acts) + 1, kind, author, owner, on, at, **kw)
        acts.append(act)
        return act

    for n in range(days - 1):  # today is still open
        on = start + timedelta(days=n)
        for c in commitments:
            roll = rng.random()
            if roll < 0.8:
                kept = add(d.ActKind.KEPT, c.owner, c.owner, on, commitment_id=c.id)
                if rng.random() < 0.7:
                    partner = d.other(c.owner)
                    add(d.ActKind.CONFIRMATION, partner, c.owner, on, target_id=kept.id)
            elif roll < 0.95:
                add(d.ActKind.MISSED_SELF, c.owner, c.owner, on, commitment_id=c.id)
            else:
                add(d.ActKind.MISSED_PARTNER, d.other(c.owner), c.owner, on, commitment_id=c.id)
        if n % 7 == 3:
            add(d.ActKind.LISTENING, d.Side.A, d.Side.A, on)
    return acts, commitments


def median_ms(work: object) -> float:
    """The median CPU time of RUNS runs (CPU time: other processes on the machine's two
    cores do not count against the domain)."""
    timings = []
    for _ in range(RUNS):
        began = time.process_time()
        work()  # type: ignore[operator]
        timings.append((time.process_time() - began) * 1000)
    return statistics.median(timings)


def main() -> None:
    figures: dict[str, float] = {}
    for days in (365, 730):
        acts, commitments = bridge(days)
        today = date(2026, 12, 6)
        figures[f"domain_health_report_ms_{days}"] = median_ms(
            lambda acts=acts, commitments=commitments, today=today: d.health_report(
                acts, commitments, [], today
            )
        )
        figures[f"domain_side_today_ms_{days}"] = median_ms(
            lambda acts=acts, commitments=commitments, today=today: (
                d.checkins(acts, commitments, [], d.Side.A, today),
                d.bridge_progress(acts),
                d.occurrences(commitments, acts, [], today, side=d.Side.A, since=today),
            )
        )
    # What a page after a check-in costs: carrying the bridge's derivation on with the
    # new act, instead of deriving 730 days again (server/domain/resume.py).
    acts, commitments = bridge(730)
    today = date(2026, 12, 6)
    derivation = d.derive_bridge(acts[:-1], commitments, [], today, keep=30)
    figures["domain_derive_bridge_ms_730"] = median_ms(
        lambda: d.derive_bridge(acts, commitments, [], today, keep=30)
    )
    figures["domain_carry_on_with_a_check_in_ms_730"] = median_ms(
        lambda: d.advance(derivation, today, acts[-1:])
    )
    figures["domain_carry_on_to_the_next_day_ms_730"] = median_ms(
        lambda: d.advance(derivation, today + timedelta(days=1))
    )
    for name, value in figures.items():
        print(f"{name}: {value:.2f}")
    ratio = figures["domain_health_report_ms_730"] / figures["domain_health_report_ms_365"]
    print(f"domain_health_report_ratio_730_to_365: {ratio:.2f}")
    # Python function calls made: the same on any machine however busy, so this ratio
    # says linear or not where timings on a shared VM drift.
    calls = {days: _calls(days) for days in (365, 730)}
    print(f"domain_health_report_calls_ratio_730_to_365: {calls[730] / calls[365]:.2f}")


def _calls(days: int) -> int:
    acts, commitments = bridge(days)
    profile = cProfile.Profile()
    profile.enable()
    d.health_report(acts, commitments, [], date(2026, 12, 6))
    profile.disable()
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
