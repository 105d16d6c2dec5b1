"""The demo `make run` seeds on an empty database: a team with a lead and four members."""

from __future__ import annotations

from server import clock
from server.accounts import service as accounts
from server.bridges import service as bridges
from server.tables import Membership, Team, User

DEMO_PASSWORD = "bridgework-demo"
DEMO_PEOPLE = [
    ("carol@example.com", "Carol", "Europe/London"),  # the team lead
    ("alice@example.com", "Alice", "Europe/London"),
    ("bob@example.com", "Bob", "America/Los_Angeles"),
    ("dan@example.com", "Dan", "Pacific/Auckland"),
    ("erin@example.com", "Erin", "Europe/London"),
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
    # Three bridges in three states: building, waiting for an answer, archived.
    building = await bridges.start_bridge(
        people["Alice"],
        {
            "partner": people["Bob"].id,
            "message": "I dropped the ball on the launch review. I'd like to rebuild this.",
        },
    )
    await bridges.accept(people["Bob"], building)
    await bridges.start_bridge(
        people["Dan"],
        {
            "partner": people["Erin"].id,
            "message": "Our handovers keep going wrong. Can we work on it together?",
        },
    )
    old = await bridges.start_bridge(people["Alice"], {"partner": people["Erin"].id})
    await bridges.accept(people["Erin"], old)
    await bridges.archive(people["Erin"], old)
    return lines
