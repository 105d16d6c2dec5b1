""" "Show what's due on the lock screen": one choice per person, off by default.

Off, a reminder says how many and with whom; on, it also names the first open
commitment, truncated (server/reminders/message.py). Notes, mistakes and anything
else anyone wrote are never in a reminder either way.
"""

from __future__ import annotations

from server import clock
from server.reminders.tables import ReminderSettings
from server.tables import User


async def shows_names(user: User) -> bool:
    row = await (
        ReminderSettings.select(ReminderSettings.lock_screen_names)
        .where(ReminderSettings.person == user.id)
        .first()
    )
    return bool(row and row["lock_screen_names"])


async def choose(user: User, on: bool) -> None:
    from server.reminders.service import ensure_settings

    await ensure_settings(user.id)
    await ReminderSettings.update(
        {ReminderSettings.lock_screen_names: on, ReminderSettings.updated_at: clock.now()}
    ).where(ReminderSettings.person == user.id)
