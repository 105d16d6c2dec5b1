"""The demo `make run` seeds on an empty database: a team with a lead and six members,
bridges in every state, three of them mid-repair with weeks of history and one just
started; the four being built are shared with the lead, so her dashboard has figures."""

from __future__ import annotations

from server import clock
from server import domain as d
from server.accounts import service as accounts
from server.bridges import service as bridges
from server.demo_history import Promise, seed_history
from server.lead.tables import ShareChoice
from server.tables import Membership, Team, User

DEMO_PASSWORD = "bridgework-demo"
DEMO_PEOPLE = [
    ("carol@example.com", "Carol", "Europe/London"),  # the team lead
    ("alice@example.com", "Alice", "Europe/London"),
    ("bob@example.com", "Bob", "America/Los_Angeles"),
    ("dan@example.com", "Dan", "Pacific/Auckland"),
    ("erin@example.com", "Erin", "Europe/London"),
    ("frank@example.com", "Frank", "Europe/Berlin"),
    ("grace@example.com", "Grace", "Europe/London"),
]


async def seed_demo() -> list[str]:
    """Seed the demo if there is nobody yet; return the sign-in lines to print."""
    lines = [f"Demo sign-ins (password: {DEMO_PASSWORD}):"] + [
        f"  {email:<20} {name}{' (team lead)' if name == 'Carol' else ''}"
        for email, name, _ in DEMO_PEOPLE
    ]
    if await User.count() > 0:
        return lines
    people: dict[str, User] = {}
    for email, name, zone in DEMO_PEOPLE:
        form = accounts.SignUp(
            email=email, display_name=name, password=DEMO_PASSWORD, time_zone=zone
        )
        people[name] = await accounts.create_user(form)
    now = clock.now()
    team = Team(name="Product Team", created_at=now)
    await team.save()
    for name, person in people.items():
        role = "lead" if name == "Carol" else "member"
        await Membership.insert(
            Membership(team=team.id, person=person.id, role=role, joined_at=now)
        )
    # Bridges in every state: two mid-repair with weeks of history, one waiting for
    # an answer, one archived.
    building = await bridges.start_bridge(
        people["Alice"],
        {
            "partner": people["Bob"].id,
            "message": "I dropped the ball on the launch review. I'd like to rebuild this.",
        },
    )
    await bridges.accept(people["Bob"], building)
    handovers = await bridges.start_bridge(
        people["Dan"],
        {
            "partner": people["Erin"].id,
            "message": "Our handovers keep going wrong. Can we work on it together?",
        },
    )
    await bridges.accept(people["Erin"], handovers)
    reviews = await bridges.start_bridge(
        people["Frank"],
        {"partner": people["Grace"].id, "message": "Can we talk about how code reviews go?"},
    )
    await bridges.accept(people["Grace"], reviews)
    fresh = await bridges.start_bridge(
        people["Erin"],
        {"partner": people["Frank"].id, "message": "I'd like us to plan releases together."},
    )
    await bridges.accept(people["Frank"], fresh)
    await bridges.start_bridge(
        people["Bob"],
        {"partner": people["Dan"].id, "message": "Can we reset after the on-call mix-up?"},
    )
    old = await bridges.start_bridge(people["Alice"], {"partner": people["Erin"].id})
    await bridges.accept(people["Erin"], old)
    await bridges.archive(people["Erin"], old)
    today = d.local_today(clock.now(), "Europe/London")
    await seed_history(
        building,
        {d.Side.A: people["Alice"].id, d.Side.B: people["Bob"].id},
        [
            Promise(d.Side.A, "Reply to Bob's messages the same day", d.Cadence.DAILY),
            Promise(
                d.Side.A,
                "Share the release checklist before stand-up",
                d.Cadence.WEEKDAYS,
                (0, 2, 4),
            ),
            Promise(
                d.Side.B, "Say in stand-up what I'm blocked on", d.Cadence.WEEKDAYS, (0, 1, 2, 3, 4)
            ),
            Promise(d.Side.B, "Ask before changing the sprint plan", d.Cadence.WEEKLY),
        ],
        {
            d.Side.A: (
                "I went quiet when the launch slipped and left Bob to explain it.",
                "Bob can hand me something and stop checking on it.",
            ),
            d.Side.B: (
                "I escalated to Carol before talking to Alice.",
                "We disagree in the room, not behind each other's backs.",
            ),
        },
        days=42,
        today=today,
        keep_rate=(0.7, 0.97),
        seed=7,
        pause=(d.Side.B, 24, 28),
        span=80,  # a long bridge: still mid-repair after six weeks
    )
    await seed_history(
        handovers,
        {d.Side.A: people["Dan"].id, d.Side.B: people["Erin"].id},
        [
            Promise(d.Side.A, "Write the handover note before I log off", d.Cadence.DAILY),
            Promise(d.Side.B, "Read the handover note first thing", d.Cadence.DAILY),
        ],
        {
            d.Side.A: (
                "My notes were rushed and assumed too much.",
                "Erin starts her shift without surprises.",
            ),
            d.Side.B: (
                "I complained to others instead of telling Dan.",
                "We fix handover problems the same day, together.",
            ),
        },
        days=20,
        today=today,
        keep_rate=(0.45, 0.8),
        seed=11,
    )
    await seed_history(
        reviews,
        {d.Side.A: people["Frank"].id, d.Side.B: people["Grace"].id},
        [
            Promise(
                d.Side.A,
                "Review Grace's pull requests within a day",
                d.Cadence.WEEKDAYS,
                (0, 1, 2, 3, 4),
            ),
            Promise(d.Side.B, "Say what I need before I push back on a review", d.Cadence.DAILY),
        ],
        {
            d.Side.A: (
                "I left reviews hanging for days and then rewrote her code.",
                "Grace hears from me before a change lands.",
            ),
            d.Side.B: (
                "I took comments personally and stopped asking.",
                "We ask each other before assuming.",
            ),
        },
        days=30,
        today=today,
        keep_rate=(0.95, 0.98),
        seed=5,
    )
    # Every bridge being built shares its health with Carol: her dashboard has figures.
    for bridge in (building, handovers, reviews, fresh):
        await ShareChoice.insert(
            *(
                ShareChoice(bridge=bridge, side=side.value, shared=True, changed_at=clock.now())
                for side in d.Side
            )
        )
    return lines
