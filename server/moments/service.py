"""Celebrations: the moments a person earned and was not shown yet, shown once.

What is earned comes from the derivation (domain.moments.earned_moments, read by
each bridge's share of Today); what was shown is remembered here, per person, so a
second device, or a check-in that synced from the outbox, never shows it twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from server import clock, db
from server.domain.moments import PERSONAL, Moment, to_celebrate
from server.moments.tables import CelebratedMoment

# What each moment says: a title, and a line naming the bridge it happened on.
WORDS: dict[Moment, tuple[str, str]] = {
    Moment.FIRST_PLANK: (
        "Your first plank",
        "You laid the first plank of your half of the bridge with {partner}.",
    ),
    Moment.FIRST_LISTENING_SESSION: (
        "Your first listening session",
        "You made time to listen, on your bridge with {partner}.",
    ),
    Moment.FIRST_OWNED_MISTAKE: (
        "You owned a mistake",
        "Saying so yourself is how trust is rebuilt, on your bridge with {partner}.",
    ),
    Moment.SEVEN_DAY_STREAK: (
        "Seven days in a row",
        "Everything due, checked in for a whole week.",
    ),
    Moment.SPAN_25: ("A quarter across", "Your bridge with {partner} is 25 % across."),
    Moment.SPAN_50: ("Halfway across", "Your bridge with {partner} is 50 % across."),
    Moment.SPAN_75: ("Three quarters across", "Your bridge with {partner} is 75 % across."),
    Moment.HALVES_MEET: (
        "The two halves meet",
        "Your bridge with {partner} is complete: 100 % across.",
    ),
    Moment.FIRST_BRIDGE_COMPLETED: (
        "Your first bridge completed",
        "You and {partner} built a whole bridge.",
    ),
}
# Badges are named beside a bigger moment; a lower milestone is not.
_NAMED_BESIDE = frozenset({Moment.FIRST_PLANK, *PERSONAL})
_NAMES = frozenset(m.value for m in Moment)


@dataclass(frozen=True)
class Earned:
    """One bridge's moments as one of its sides has earned them."""

    bridge_id: int
    partner_name: str
    moments: frozenset[Moment]


@dataclass(frozen=True)
class Celebration:
    """One moment to show now, and the badges earned with it."""

    bridge_id: int
    partner_name: str
    moment: Moment
    also: list[Moment] = field(default_factory=list)

    @property
    def title(self) -> str:
        return WORDS[self.moment][0]

    @property
    def line(self) -> str:
        return WORDS[self.moment][1].format(partner=self.partner_name or "your partner")

    @property
    def also_titles(self) -> list[str]:
        return [WORDS[m][0] for m in self.also]


async def celebrate(person: int, earned: Iterable[Earned]) -> Celebration | None:
    """The celebration to show `person` now, remembered as shown; None when nothing new.

    One bridge's fresh moments at a time (the one that means most is the title);
    another bridge's wait for the next page. Only moments this request remembered
    first are shown: two devices loading at the same instant never both show one.
    """
    earned = [e for e in earned if e.moments]
    if not earned:
        return None
    # Read on every Today: as plain SQL, which costs far less than building a select.
    rows = await db.fetch(_CELEBRATED, person)
    here: dict[int, set[Moment]] = defaultdict(set)
    anywhere: set[Moment] = set()
    for row in rows:
        if row["moment"] in _NAMES:  # a moment retired since is not shown again either
            here[row["bridge"]].add(Moment(row["moment"]))
            anywhere.add(Moment(row["moment"]))
    for bridge in earned:
        fresh = to_celebrate(bridge.moments, here[bridge.bridge_id], anywhere)
        if not fresh:
            continue
        claimed = await _remember(person, bridge.bridge_id, fresh)
        shown = [m for m in fresh if m in claimed]  # still the one that means most first
        if shown:
            also = [m for m in shown[1:] if m in _NAMED_BESIDE]
            return Celebration(bridge.bridge_id, bridge.partner_name, shown[0], also)
    return None


_CELEBRATED = "SELECT bridge, moment FROM celebrated_moment WHERE person = {}"


async def _remember(person: int, bridge_id: int, moments: list[Moment]) -> set[Moment]:
    """Remember `moments` as shown; the ones this call remembered first come back."""
    now = clock.now()
    inserted = (
        await CelebratedMoment.insert(
            *(
                CelebratedMoment(person=person, bridge=bridge_id, moment=m.value, at=now)
                for m in moments
            )
        )
        .on_conflict(
            target=(CelebratedMoment.person, CelebratedMoment.bridge, CelebratedMoment.moment),
            action="DO NOTHING",
        )
        .returning(CelebratedMoment.moment)
    )
    return {Moment(row["moment"]) for row in inserted}
