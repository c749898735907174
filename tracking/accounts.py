"""Linking Telegram accounts to staff: single-use invites (/moi), their use (/start MÃ),
their revocation and the list of those still open. Permissions as in :mod:`tracking.service`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from storage import tracking as db
from storage.db import get_row
from storage.models import Staff, utcnow
from texts import refusals as no_texts
from tracking import refusals as no
from tracking.service import Actor, require_admin, require_manager, scoped_staff, staff_or_refuse

INVITE_VALID_FOR = timedelta(days=7)


RELINK_WORD = no_texts.RELINK_WORD  # "/moi MÃ lienketlai" (folded: "liên kết lại" too)


def create_invite(
    session: Session, actor: Actor, *, staff_code: str, now: datetime, relink: bool = False, scoped: bool = False
):
    """A single-use invite for a staff member. One already linked to a Telegram account gets one only
    when the admin asks to re-link (``relink``): using it moves the link, and the old account is told.
    ``scoped``: a manager may invite the people of their scope (not re-link them)."""
    if scoped and not relink:
        require_manager(actor, "tạo mã mời")
        staff = scoped_staff(session, actor, staff_code)
    else:
        require_admin(actor, "tạo mã mời")
        staff = staff_or_refuse(session, staff_code)
    if staff.telegram_id is not None and not relink:
        # The code only, not the name: nothing of the person is shown in a refusal.
        raise no.StaffAlreadyLinked(staff.code)
    invite = db.create_invite(
        session=session,
        staff=staff,
        created_by=actor.staff,
        now=now,
        valid_for=INVITE_VALID_FOR,
        relink=relink and staff.telegram_id is not None,
    )
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="invite",
        entity="staff",
        entity_code=staff.code,
        note=f"hết hạn {invite.expires_at:%d/%m/%Y %H:%M} UTC"
        + ("; liên kết lại (thay tài khoản đang gắn)" if invite.relink else ""),
    )
    return invite, staff


@dataclass
class Linked:
    """A Telegram account just linked; ``unlinked``: the account the staff member had before, if
    the invite moved the link (to be told), ``revoked``: their other invites, revoked."""

    staff: Staff
    unlinked: int | None = None
    revoked: int = 0


def link_account(session: Session, *, telegram_id: int, code: str, now: datetime) -> Linked:
    """Link ``telegram_id`` to the staff member of the invite ``code``, using the invite up and
    revoking that person's other open invites. A person already linked to another account is
    moved only by an invite made to re-link them."""
    existing = db.staff_by_telegram(session=session, telegram_id=telegram_id)
    invite = db.get_invite(session=session, code=code)
    if invite is None:
        raise no.InviteUnusable("unknown")
    if existing is not None and existing.id == invite.staff_id:
        return Linked(existing)
    if invite.revoked_at is not None:
        raise no.InviteUnusable("revoked")
    if invite.used_at is not None:
        raise no.InviteUnusable("used")
    if invite.expires_at <= now:
        raise no.InviteUnusable("expired")
    if existing is not None:
        raise no.AccountTaken(existing.full_name, existing.code)
    staff = get_row(session, Staff, invite.staff_id)
    old = staff.telegram_id
    if old is not None and not invite.relink:  # linked meanwhile (another invite, a staff sheet)
        raise no.InviteUnusable("staff_linked")
    claimed = db.claim_invite(session=session, code=code, telegram_id=telegram_id, now=now)
    if claimed is None:
        raise no.InviteUnusable("used")
    revoked = db.revoke_invites(session=session, staff_id=staff.id, now=now, keep=code)
    if old is not None:  # the old account's conversation in progress goes with its link
        db.clear_flow(session=session, telegram_id=old)
    staff.telegram_id = telegram_id
    staff.unreachable_since = None
    staff.updated_at = utcnow()
    session.add(staff)
    notes = (["liên kết lại: tài khoản cũ được báo"] if old is not None else []) + (
        [f"thu hồi {revoked} mã mời khác"] if revoked else []
    )
    db.audit(
        session=session,
        actor=staff,
        action="link",
        entity="staff",
        entity_code=staff.code,
        field="Telegram ID",
        old=old,
        new=telegram_id,
        note="; ".join(notes),
    )
    return Linked(staff, unlinked=old, revoked=revoked)


def revoke_invite(session: Session, actor: Actor, *, code: str, now: datetime) -> tuple[Staff, int]:
    """Revoke an open invite by its code, or every open invite of a staff member by their code;
    the staff member and how many were revoked."""
    require_admin(actor, "thu hồi mã mời")
    invite = db.get_invite(session=session, code=code)
    if invite is None:
        staff = db.staff_by_code(session=session, code=code)
        if staff is None:
            raise no.NothingToRevoke(code, known=False)
        count = db.revoke_invites(session=session, staff_id=staff.id, now=now)
        if not count:
            raise no.NothingToRevoke(staff.code, known=True)
    else:
        staff = get_row(session, Staff, invite.staff_id)
        count = db.revoke_invites(session=session, staff_id=invite.staff_id, now=now, code=invite.code)
        if not count:
            session.refresh(invite)
            if invite.revoked_at is not None:
                raise no.InviteNotRevocable("revoked")
            if invite.used_at is not None:
                raise no.InviteNotRevocable("used", staff.code)
            raise no.InviteNotRevocable("expired")
    db.audit(
        session=session,
        actor=actor.staff,
        actor_name=actor.name,
        action="invite_revoke",
        entity="staff",
        entity_code=staff.code,
        note=f"thu hồi {count} mã mời",
    )
    return staff, count


def open_invites(session: Session, actor: Actor, *, now: datetime, limit: int = 30):
    """The invites still usable (at most ``limit``, soonest to expire first), and how many there are."""
    require_admin(actor, "xem mã mời")
    return db.open_invites(session=session, now=now, limit=limit), db.count_open_invites(session=session, now=now)
