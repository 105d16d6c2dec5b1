"""Databases full of history for the HTTP benches, written straight through the tables.

Each seed runs in one transaction (one connection), so thousands of rows take seconds.
Import `harness` first: it points the settings at a scratch folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from harness import bind, password_hash

from server import clock
from server import domain as d
from server.demo_history import Promise, seed_history
from server.tables import Bridge, Membership, Team, User

TODAY_PARTNERS = [
    ("bob", "America/Los_Angeles"),
    ("carol", "Europe/London"),
    ("dan", "Pacific/Auckland"),
    ("erin", "Europe/Berlin"),
    ("frank", "Asia/Kolkata"),
]
# Alice's two promises on each bridge (10 in all) and one of each partner's.
ALICE_PROMISES = [
    Promise(d.Side.A, "Reply to {partner}'s messages the same day", d.Cadence.DAILY),
    Promise(d.Side.A, "Share the release checklist with {partner} before stand-up",
            d.Cadence.WEEKDAYS, (0, 2, 4)),
    Promise(d.Side.A, "Walk {partner} through my changes before merging", d.Cadence.DAILY),
    Promise(d.Side.A, "Book a weekly one-to-one with {partner}", d.Cadence.WEEKLY),
    Promise(d.Side.A, "Tell {partner} first when a date slips", d.Cadence.WEEKDAYS,
            (0, 1, 2, 3, 4)),
]  # fmt: skip
PARTNER_PROMISES = [
    Promise(d.Side.B, "Say in stand-up what I'm blocked on", d.Cadence.WEEKDAYS, (0, 1, 2, 3, 4)),
    Promise(d.Side.B, "Ask Alice before changing the sprint plan", d.Cadence.DAILY),
]
PLAN = {
    d.Side.A: (
        "I went quiet when the launch slipped and left my partner to explain it.",
        "They can hand me something and stop checking on it.",
    ),
    d.Side.B: (
        "I escalated before talking to Alice.",
        "We disagree in the room, not behind each other's backs.",
    ),
}


async def _person(name: str, zone: str, hashed: str) -> User:
    user = User(
        email=f"{name}@example.com",
        display_name=name.title(),
        password_hash=hashed,
        time_zone=zone,
        created_at=clock.now() - timedelta(days=120),
    )
    await user.save()
    return user


async def _bridge(team: int, a: User, b: User, days: int) -> int:
    started = clock.now() - timedelta(days=days + 1)
    bridge = Bridge(
        team=team,
        side_a=a.id,
        side_b=b.id,
        status="active",
        message="I'd like to rebuild this.",
        created_at=started,
        accepted_at=started,
    )
    await bridge.save()
    return int(bridge.id)


async def _team(people: list[User]) -> int:
    team = Team(name="Bench Team", created_at=clock.now())
    await team.save()
    for n, person in enumerate(people):
        await Membership.insert(
            Membership(
                team=team.id,
                person=person.id,
                role="lead" if n == 0 else "member",
                joined_at=clock.now(),
            )
        )
    return int(team.id)


async def seed_alice(url: str, days: int = 90) -> None:
    """Alice: 5 active bridges, 10 commitments of hers (and 5 of her partners'), `days` of log."""
    engine = bind(url)
    hashed = await password_hash()
    async with engine.transaction():
        alice = await _person("alice", "Europe/London", hashed)
        partners = [await _person(name, zone, hashed) for name, zone in TODAY_PARTNERS]
        team = await _team([alice, *partners])
        today = d.local_today(clock.now(), alice.time_zone)
        for n, partner in enumerate(partners):
            bridge = await _bridge(team, alice, partner, days)
            name = partner.display_name
            mine = [ALICE_PROMISES[n], ALICE_PROMISES[(n + 2) % len(ALICE_PROMISES)]]
            promises = [
                Promise(p.side, p.text.format(partner=name), p.cadence, p.weekdays) for p in mine
            ] + [PARTNER_PROMISES[n % len(PARTNER_PROMISES)]]
            await seed_history(
                bridge,
                {d.Side.A: alice.id, d.Side.B: partner.id},
                promises,
                PLAN,
                days=days,
                today=today,
                keep_rate=(0.55, 0.92),
                seed=100 + n,
                # One partner took a week off a month in; the other bridges ran on.
                pause=(d.Side.B, 30, 36) if n == 2 else None,
                span=120,
            )


def midday_zone() -> str:
    """A fixed-offset zone where it is now about noon, so no day boundary falls mid-run."""
    hours = 12 - clock.now().hour  # from -11 to +12, all of them real zones
    # POSIX signs are inverted: Etc/GMT-5 is five hours ahead of UTC.
    return "Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}"


@dataclass(frozen=True)
class Seat:
    """One seeded person: how they sign in, their bridge and their daily commitments."""

    email: str
    bridge: int
    commitments: list[int]


async def seed_pairs(url: str, people: int, commitments: int, days: int) -> list[Seat]:
    """`people` people in pairs, each pair on one bridge, each with `commitments` daily items.

    History is laid up to the day before yesterday, so yesterday's and today's items
    are all open.
    """
    from server.tables import Commitment

    engine = bind(url)
    hashed = await password_hash()
    zone = midday_zone()
    today = d.local_today(clock.now(), zone)
    seats: list[Seat] = []
    async with engine.transaction():
        users = [await _person(f"person{n:03d}", zone, hashed) for n in range(people)]
        team = await _team(users)
        for n in range(0, people, 2):
            a, b = users[n], users[n + 1]
            bridge = await _bridge(team, a, b, days)
            promises = [
                Promise(side, f"Daily promise {k} of side {side.value}", d.Cadence.DAILY)
                for side in (d.Side.A, d.Side.B)
                for k in range(commitments)
            ]
            await seed_history(
                bridge,
                {d.Side.A: a.id, d.Side.B: b.id},
                promises,
                PLAN,
                days=days,
                today=today - timedelta(days=1),
                keep_rate=(0.6, 0.9),
                seed=n,
            )
            rows = await Commitment.select(Commitment.id, Commitment.side).where(
                Commitment.bridge == bridge
            )
            for person, side in ((a, "a"), (b, "b")):
                ids = sorted(r["id"] for r in rows if r["side"] == side)
                seats.append(Seat(person.email, bridge, ids))
    return seats
