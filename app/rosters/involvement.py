"""A member's part in the rosters, for their record page: groups, attendance and payments.

Registered as the "groups" section of the member record page (app/members/record_sections.py).
"""

from dataclasses import dataclass

from sqlalchemy import case, func

from app import clock
from app.auth.permissions import can
from app.extensions import db
from app.members.models import Member
from app.members.record_sections import RecordSection, register_section
from app.rosters import payments
from app.rosters.models import Attendance, Meeting, Payment, RosterMembership
from app.rosters.vocab import END_REASONS, MEMBERSHIP_STATUSES, ROLES


@dataclass
class Involvement:
    memberships: list  # RosterMembership rows, current first, then newest
    attended: int
    marked: int
    rate: int | None  # percent of marked meetings attended
    payments_pence: int | None  # this financial year; None when the viewer may not see payments
    financial_year: str
    roles: dict  # labels for the page
    statuses: dict
    reasons: dict


def for_member(member: Member, with_payments: bool = False) -> Involvement:
    """Current and past memberships, attendance rate and (only when asked) this year's payments total."""
    rows = db.session.scalars(
        db.select(RosterMembership)
        .where(RosterMembership.member_id == member.id)
        .options(db.joinedload(RosterMembership.roster))
        .order_by(RosterMembership.starts_on.desc(), RosterMembership.id.desc())
    )
    memberships = sorted(rows, key=lambda m: m.status == "ended")  # stable: keeps newest first within each
    attended, marked = db.session.execute(
        db.select(func.sum(case((Attendance.status == "attended", 1), else_=0)), func.count(Attendance.id)).where(
            Attendance.member_id == member.id
        )
    ).one()
    attended = int(attended or 0)
    today = clock.today()
    total = None
    if with_payments:
        start, end = payments.financial_year(today)
        day = func.coalesce(Payment.paid_on, func.date(Meeting.starts_at), type_=db.Date)
        total = db.session.scalar(
            db.select(func.coalesce(func.sum(Payment.amount_pence), 0))
            .join(Attendance, Attendance.id == Payment.attendance_id)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Attendance.member_id == member.id, day >= start, day <= end)
        )
    return Involvement(
        memberships=memberships,
        attended=attended,
        marked=marked,
        rate=round(100 * attended / marked) if marked else None,
        payments_pence=int(total) if total is not None else None,
        financial_year=payments.financial_year_label(today),
        roles=ROLES,
        statuses=MEMBERSHIP_STATUSES,
        reasons=END_REASONS,
    )


def _record_section(member: Member) -> dict:
    return {"involvement": for_member(member, with_payments=can("payments.view"))}


register_section(RecordSection("groups", "rosters/_member_groups.html", _record_section))
