"""What the rosters hold about a member: groups served on, attendance and payments, event places."""

from sqlalchemy import or_
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.members.models import Member
from app.personal_data import Holder, register
from app.rosters import events, notices
from app.rosters.models import Attendance, Registration, RosterMembership
from app.rosters.vocab import ATTENDANCE, END_REASONS, MEMBERSHIP_STATUSES, PAYMENT_KINDS, ROLES


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def group_memberships(member: Member) -> list[dict]:
    """Every group (roster) the person has been invited to or served on, history included."""
    rows = db.session.scalars(
        db.select(RosterMembership)
        .options(joinedload(RosterMembership.roster))
        .where(RosterMembership.member_id == member.id)
        .order_by(RosterMembership.starts_on, RosterMembership.id)
    ).all()
    return [
        {
            "group": m.roster.name,
            "role": ROLES.get(m.role, m.role),
            "status": MEMBERSHIP_STATUSES.get(m.status, m.status),
            "starts_on": _iso(m.starts_on),
            "term_ends_on": _iso(m.term_ends_on),
            "ends_on": _iso(m.ends_on),
            "end_reason": END_REASONS.get(m.end_reason, m.end_reason) if m.end_reason else None,
        }
        for m in rows
    ]


def attendance(member: Member) -> list[dict]:
    """Meetings the person was recorded at (or sent apologies to), with any payment for each."""
    rows = db.session.scalars(
        db.select(Attendance)
        .options(joinedload(Attendance.meeting), selectinload(Attendance.payments))
        .where(Attendance.member_id == member.id)
        .order_by(Attendance.recorded_at, Attendance.id)
    ).all()
    return [
        {
            "meeting": a.meeting.title,
            "meeting_starts_at": _iso(a.meeting.starts_at),
            "recorded_as": ATTENDANCE.get(a.status, a.status),
            "payments": [
                {
                    "kind": PAYMENT_KINDS.get(p.kind, p.kind),
                    "amount": f"£{p.amount_pence / 100:.2f}",
                    "paid_on": _iso(p.paid_on),
                    "note": p.note,
                }
                for p in a.payments
            ],
        }
        for a in rows
    ]


def event_registrations(member: Member) -> list[dict]:
    """Places the person booked at public events, under their member record or their address."""
    held_by = [Registration.member_id == member.id]
    if member.email_normalised:
        held_by.append(Registration.email_normalised == member.email_normalised)
    rows = db.session.scalars(
        db.select(Registration)
        .options(joinedload(Registration.meeting))
        .where(or_(*held_by))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    return [
        {
            "id": r.id,
            "event_id": r.meeting_id,
            "event": r.meeting.title,
            "event_starts_at": _iso(r.meeting.starts_at),
            "name_given": r.name,
            "email_given": r.email,
            "access_needs": r.access_needs,
            "status": r.status,
            "registered_at": _iso(r.created_at),
            "cancelled_at": _iso(r.cancelled_at),
        }
        for r in rows
    ]


def export(member: Member) -> dict:
    return {
        "group_memberships": group_memberships(member),
        "attendance": attendance(member),
        "event_registrations": event_registrations(member),
    }


def erase(member: Member) -> list[Registration]:
    """Event places given up and emptied, payment notes cleared; returns who came off a waiting list."""
    # Run before the member record is emptied, so places booked under the address are found too.
    return events.erase_registrations(member.id, member.email_normalised)


register(
    Holder(
        name="rosters",
        label="Groups you have served on, meetings you attended and what you were paid, places at events",
        covers={
            "roster_membership": ("member_id",),
            "attendance": ("member_id",),
            "involvement_payment": ("note",),
            "event_registration": ("member_id", "name", "email", "email_normalised", "access_needs"),
        },
        sections=("group_memberships", "attendance", "event_registrations"),
        export=export,
        erase=erase,
        tell=notices.tell_promoted,
        kept=(
            "Group memberships, attendance and payment amounts stay with the anonymous record, so a group's"
            " history and what was paid still add up; places at events already held stay with no name,"
            " address or access needs, so attendance still counts."
        ),
        after=("members",),
    )
)
