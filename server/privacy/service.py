"""Everyone's own data: export all of it as JSON, or delete the account.

Deleting keeps the person's row (both sides of a bridge reference it, and deleting
it would take the partner's bridge along) but empties everything that identified
them or that they wrote, in one transaction. Their acts stay with their side letter,
so the partner's half and the bridge's history still derive; the bridge is archived,
since nothing more can be built with someone who left.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from server import clock, db
from server import domain as d
from server.accounts.passwords import verify_password
from server.agreement.tables import PlanAnswer
from server.errors import Conflict, InvalidInput
from server.lead.tables import ShareChoice
from server.moments.tables import CelebratedMoment, LookBack, LookBackSettings
from server.reminders.tables import (
    LastCall,
    PushAttempt,
    PushSubscription,
    Reminder,
    ReminderSettings,
)
from server.signin.methods import forget_sign_in_methods, sign_in_methods
from server.tables import (
    Bridge,
    Commitment,
    Membership,
    MissResponse,
    Pause,
    PlanPart,
    PrivateNote,
    Session,
    SignInFailure,
    Team,
    TeamInvite,
    TrustAct,
    User,
)

EXPORT_FORMAT = "bridgework-export-1"
LEFT_DOMAIN = "deleted.invalid"  # RFC 2606: can never receive mail
UNUSABLE_PASSWORD = "!deleted"  # not an argon2 hash: no password ever matches it
OPEN = ("pending", "active")


# ---------------------------------------------------------------- export


def _details(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _clean(row: dict[str, Any], *drop: str) -> dict[str, Any]:
    return {k: _iso(v) for k, v in row.items() if k not in drop}


async def _bridge_export(user: User, row: dict[str, Any]) -> dict[str, Any]:
    bridge_id = row["id"]
    side = "a" if row["side_a.id"] == user.id else "b"
    partner = "b" if side == "a" else "a"
    plan = (
        await PlanPart.select(PlanPart.my_part, PlanPart.restored_trust, PlanPart.created_at)
        .where((PlanPart.bridge == bridge_id) & (PlanPart.side == side))
        .order_by(PlanPart.id)
    )
    commitments = (
        await Commitment.select(
            Commitment.id,
            Commitment.text,
            Commitment.cadence,
            Commitment.weekdays,
            Commitment.start,
            Commitment.end,
            Commitment.due_by,
            Commitment.retired_from,
            Commitment.created_at,
        )
        .where((Commitment.bridge == bridge_id) & (Commitment.side == side))
        .order_by(Commitment.id)
    )
    acts = (
        await TrustAct.select(
            TrustAct.id,
            TrustAct.kind,
            TrustAct.owner_side,
            TrustAct.day,
            TrustAct.created_at,
            TrustAct.commitment,
            TrustAct.target,
            TrustAct.details,
        )
        .where((TrustAct.bridge == bridge_id) & (TrustAct.author_side == side))
        .order_by(TrustAct.id)
    )
    act_ids = [a["id"] for a in acts]
    notes = (
        await PrivateNote.select(PrivateNote.act, PrivateNote.text, PrivateNote.created_at)
        .where((PrivateNote.author == user.id) & PrivateNote.act.is_in(act_ids or [0]))
        .order_by(PrivateNote.id)
    )
    responses = (
        await MissResponse.select(MissResponse.act, MissResponse.text, MissResponse.created_at)
        .where((MissResponse.act.bridge == bridge_id) & (MissResponse.side == side))
        .order_by(MissResponse.id)
    )
    pauses = (
        await Pause.select(Pause.start, Pause.end, Pause.created_at, Pause.asked_act)
        .where((Pause.bridge == bridge_id) & (Pause.side == side))
        .order_by(Pause.id)
    )
    answers = (
        await PlanAnswer.select(PlanAnswer.answer, PlanAnswer.note, PlanAnswer.created_at)
        .where((PlanAnswer.bridge == bridge_id) & (PlanAnswer.side == side))
        .order_by(PlanAnswer.id)
    )
    choice = (
        await ShareChoice.select(ShareChoice.shared, ShareChoice.changed_at)
        .where((ShareChoice.bridge == bridge_id) & (ShareChoice.side == side))
        .first()
    )
    return {
        "id": bridge_id,
        "my_side": side,
        "partner_name": row[f"side_{partner}.display_name"] or "",
        "team": row["team.name"],
        "status": row["status"],
        "created_at": _iso(row["created_at"]),
        "accepted_at": _iso(row["accepted_at"]),
        "archived_at": _iso(row["archived_at"]),
        # The invitation message is written by whoever asked: side a.
        "invitation_message": row["message"] if side == "a" else None,
        "shared_with_team_lead": bool(choice and choice["shared"]),
        "sharing_changed_at": _iso(choice["changed_at"]) if choice else None,
        "plan_history": [_clean(p) for p in plan],
        "commitments": [_clean(c) for c in commitments],
        "acts": [{**_clean(a, "details"), "texts": _details(a["details"])} for a in acts],
        "private_notes": [_clean(n) for n in notes],
        "miss_responses": [_clean(r) for r in responses],
        "pauses": [_clean(p) for p in pauses],
        # Agreeing to the partner's part, or asking for a change (server/agreement).
        "plan_answers": [_clean(a) for a in answers],
    }


async def export(user: User) -> dict[str, Any]:
    """Everything `user` wrote and did, and nothing the other side of a bridge wrote."""
    account = (
        await User.select(
            User.id,
            User.email,
            User.display_name,
            User.time_zone,
            User.created_at,
            User.locale,  # how reminders write dates to her ("" until a page said)
        )
        .where(User.id == user.id)
        .first()
    )
    teams = (
        await Membership.select(Membership.team.name, Membership.role, Membership.joined_at)
        .where(Membership.person == user.id)
        .order_by(Membership.id)
    )
    bridges = (
        await Bridge.select(
            Bridge.id,
            Bridge.status,
            Bridge.message,
            Bridge.created_at,
            Bridge.accepted_at,
            Bridge.archived_at,
            Bridge.team.name,
            Bridge.side_a.id,
            Bridge.side_a.display_name,
            Bridge.side_b.id,
            Bridge.side_b.display_name,
        )
        .where((Bridge.side_a == user.id) | (Bridge.side_b == user.id))
        .order_by(Bridge.id)
    )
    return {
        "format": EXPORT_FORMAT,
        "exported_at": clock.now().isoformat(),
        "account": _clean(account or {}),
        "teams": [
            {"name": t["team.name"], "role": t["role"], "joined_at": _iso(t["joined_at"])}
            for t in teams
        ],
        "bridges": [await _bridge_export(user, row) for row in bridges],
        "sign_in_methods": await sign_in_methods(user),
        **await _reminders_export(user),
    }


async def _reminders_export(user: User) -> dict[str, Any]:
    """Reminder settings and the devices' names: never a device's endpoint or keys."""
    settings = (
        await ReminderSettings.select(
            ReminderSettings.local_time,
            ReminderSettings.weekdays,
            ReminderSettings.quiet_start,
            ReminderSettings.quiet_end,
            ReminderSettings.paused_until,
            ReminderSettings.channel,
            ReminderSettings.email,
            ReminderSettings.email_confirmed_at,
            ReminderSettings.lock_screen_names,
            ReminderSettings.last_call,  # the last call's time, "" while it is off
        )
        .where(ReminderSettings.person == user.id)
        .first()
    )
    devices = (
        await PushSubscription.select(
            PushSubscription.device,
            PushSubscription.created_at,
            PushSubscription.last_delivered_at,
        )
        .where(PushSubscription.person == user.id)
        .order_by(PushSubscription.id)
    )
    look_back = (
        await LookBackSettings.select(LookBackSettings.local_time)
        .where(LookBackSettings.person == user.id)
        .first()
    )
    return {
        "reminders": _clean(settings) if settings else None,
        "devices": [_clean(d) for d in devices],
        # The Sunday time of the weekly look back, or None while it is off.
        "weekly_look_back": (look_back or {}).get("local_time") or None,
    }


# ---------------------------------------------------------------- deleting the account


async def lead_blockers(user: User) -> list[str]:
    """Teams the person leads with others on them: they hand over the lead first."""
    led = await Membership.select(Membership.team.id, Membership.team.name).where(
        (Membership.person == user.id) & (Membership.role == "lead")
    )
    blockers = []
    for team in led:
        others = await Membership.count().where(
            (Membership.team == team["team.id"]) & (Membership.person != user.id)
        )
        if others:
            blockers.append(str(team["team.name"]))
    return blockers


async def delete_account(user: User, password: object) -> None:
    """Check the password, then remove everything that identified or was written by `user`."""
    if not isinstance(password, str) or not password:
        raise InvalidInput.field("password", "Enter your password to delete your account.")
    if not user.password_hash:  # a passkey or single sign-on account confirms with its email
        if password.strip().lower() != user.email:
            raise InvalidInput.field("password", "That is not your email address.")
    elif len(password) > 256 or not await verify_password(user.password_hash, password):
        raise InvalidInput.field("password", "That is not your password.")
    async with db.engine().transaction():
        blockers = await lead_blockers(user)
        if blockers:
            raise Conflict(
                f"You lead {', '.join(blockers)}. Hand the lead role to someone else first, "
                "then delete your account."
            )
        await _erase(user)


async def _erase(user: User) -> None:
    uid, now = user.id, clock.now()
    tomorrow = d.local_today(now, user.time_zone) + timedelta(days=1)
    # Teams they lead (alone: lead_blockers saw to that) go with them; the name was
    # their own words.
    led = await Membership.select(Membership.team).where(
        (Membership.person == uid) & (Membership.role == "lead")
    )
    if led:
        await Team.delete().where(Team.id.is_in([t["team"] for t in led]))
    bridges = await Bridge.select(Bridge.id, Bridge.side_a, Bridge.status).where(
        (Bridge.side_a == uid) | (Bridge.side_b == uid)
    )
    for bridge in bridges:
        side = "a" if bridge["side_a"] == uid else "b"
        mine = (PlanPart.bridge == bridge["id"]) & (PlanPart.side == side)
        await PlanPart.update({PlanPart.my_part: "", PlanPart.restored_trust: ""}).where(mine)
        # Their commitments stop tomorrow, so the partner's bridge does not weather
        # from promises nobody is left to keep.
        theirs = (Commitment.bridge == bridge["id"]) & (Commitment.side == side)
        await Commitment.update({Commitment.text: ""}).where(theirs)
        await Commitment.update({Commitment.retired_from: tomorrow}).where(
            theirs & (Commitment.retired_from.is_null() | (Commitment.retired_from > tomorrow))
        )
        await TrustAct.update({TrustAct.details: "{}"}).where(
            (TrustAct.bridge == bridge["id"]) & (TrustAct.author_side == side)
        )
        on_this_bridge = TrustAct.select(TrustAct.id).where(TrustAct.bridge == bridge["id"])
        await MissResponse.update({MissResponse.text: ""}).where(
            MissResponse.act.is_in(on_this_bridge) & (MissResponse.side == side)
        )
        await ShareChoice.delete().where(
            (ShareChoice.bridge == bridge["id"]) & (ShareChoice.side == side)
        )
        if bridge["status"] in OPEN:
            await Bridge.update(
                {
                    Bridge.status: "archived",
                    Bridge.archived_at: now,
                    Bridge.archived_by: uid,
                    Bridge.invite_token_hash: None,
                }
            ).where(Bridge.id == bridge["id"])
    await Bridge.update({Bridge.message: ""}).where(Bridge.side_a == uid)
    # Anything they wrote that the side letters above did not reach.
    await PlanPart.update({PlanPart.my_part: "", PlanPart.restored_trust: ""}).where(
        PlanPart.author == uid
    )
    await Commitment.update({Commitment.text: ""}).where(Commitment.owner == uid)
    await TrustAct.update({TrustAct.details: "{}"}).where(TrustAct.author == uid)
    await MissResponse.update({MissResponse.text: ""}).where(MissResponse.author == uid)
    await PlanAnswer.update({PlanAnswer.note: ""}).where(PlanAnswer.author == uid)
    await PrivateNote.delete().where(PrivateNote.author == uid)
    await TeamInvite.delete().where((TeamInvite.created_by == uid) & TeamInvite.used_at.is_null())
    await Session.delete().where(Session.person == uid)
    # Reminder settings hold an email address; devices, where to reach them.
    await ReminderSettings.delete().where(ReminderSettings.person == uid)
    await PushSubscription.delete().where(PushSubscription.person == uid)
    await LookBackSettings.delete().where(LookBackSettings.person == uid)
    # What the dispatchers sent her: a body names her commitment when the lock screen
    # showed it. Their ON DELETE CASCADE never fires, since her row stays.
    await PushAttempt.delete().where(PushAttempt.person == uid)
    await Reminder.delete().where(Reminder.person == uid)
    await LastCall.delete().where(LastCall.person == uid)
    await LookBack.delete().where(LookBack.person == uid)
    await CelebratedMoment.delete().where(CelebratedMoment.person == uid)  # what she was shown
    await Membership.delete().where(Membership.person == uid)
    await SignInFailure.delete().where(SignInFailure.email == user.email)
    # The account row stays (anonymised) for the bridges' logs: no way back into it.
    await forget_sign_in_methods(uid)
    await User.update(
        {
            User.email: f"left-{uid}-{secrets.token_hex(8)}@{LEFT_DOMAIN}",
            User.display_name: "",
            User.password_hash: UNUSABLE_PASSWORD,
            User.locale: "",
        }
    ).where(User.id == uid)
