"""Standing groups drawn from the network, their memberships, meetings, attendance and payments.

Membership rows are kept as history: renewing, changing role or leaving ends a row (with its
reason) and, where the person carries on, starts a new one the next day. A person has at most
one row in a group on any day, so a change on the day a row started is made to that row.
"""

from datetime import date, datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.extensions import db


class Roster(db.Model):
    __tablename__ = "roster"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(200))
    kind: Mapped[str] = mapped_column(db.String(30), index=True)
    purpose: Mapped[str] = mapped_column(db.Text, default="")
    target_size: Mapped[int | None]
    # Eligibility: every rule left empty lets everyone in.
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    practice_id: Mapped[int | None] = mapped_column(db.ForeignKey("practice.id"), index=True)
    pcn_id: Mapped[int | None] = mapped_column(db.ForeignKey("pcn.id"), index=True)
    contact_types: Mapped[list] = mapped_column(db.JSON, default=list)
    term_months: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    archived_at: Mapped[datetime | None]

    practice = relationship("Practice")
    pcn = relationship("PCN")

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class RosterMembership(db.Model):
    __tablename__ = "roster_membership"
    __table_args__ = (
        db.Index("ix_roster_membership_roster_status", "roster_id", "status"),
        db.Index("ix_roster_membership_member_status", "member_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(db.ForeignKey("roster.id"))
    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id"))
    role: Mapped[str] = mapped_column(db.String(20), default="member")
    status: Mapped[str] = mapped_column(db.String(10), default="active")
    starts_on: Mapped[date]
    # The last day the membership covers (inclusive); empty while it runs on.
    ends_on: Mapped[date | None]
    term_ends_on: Mapped[date | None] = mapped_column(index=True)
    end_reason: Mapped[str] = mapped_column(db.String(30), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    ended_at: Mapped[datetime | None]
    staff_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))

    roster = relationship("Roster")
    member = relationship("Member")


class Meeting(db.Model):
    """A meeting of a roster, or a public event (Big Chat, drop-in) when roster_id is empty."""

    __tablename__ = "meeting"
    __table_args__ = (db.Index("ix_meeting_roster_starts", "roster_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int | None] = mapped_column(db.ForeignKey("roster.id"))
    kind: Mapped[str] = mapped_column(db.String(30))
    title: Mapped[str] = mapped_column(db.String(200))
    description: Mapped[str] = mapped_column(db.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    location: Mapped[str] = mapped_column(db.String(300), default="")
    online_url: Mapped[str] = mapped_column(db.String(500), default="")
    capacity: Mapped[int | None]
    accessibility: Mapped[str] = mapped_column(db.Text, default="")
    registration_open: Mapped[bool] = mapped_column(default=False)
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    roster = relationship("Roster")

    @property
    def is_public(self) -> bool:
        return self.roster_id is None


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (
        db.UniqueConstraint("meeting_id", "member_id", name="uq_attendance_meeting_member"),
        db.UniqueConstraint("meeting_id", "registration_id", name="uq_attendance_meeting_registration"),
        db.Index("ix_attendance_member", "member_id"),
        db.CheckConstraint("member_id IS NOT NULL OR registration_id IS NOT NULL", name="member_or_registration"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(db.ForeignKey("meeting.id", ondelete="CASCADE"))
    # A member of the network, or (for someone at a public event who is not one) their registration.
    member_id: Mapped[int | None] = mapped_column(db.ForeignKey("member.id"))
    registration_id: Mapped[int | None] = mapped_column(db.ForeignKey("event_registration.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(db.String(20))
    recorded_at: Mapped[datetime] = mapped_column(default=now)
    staff_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))

    meeting = relationship("Meeting")
    member = relationship("Member")
    payments = relationship("Payment", back_populates="attendance", order_by="Payment.paid_on")


class Payment(db.Model):
    """An involvement payment or expense paid for one attendance; amounts in pence."""

    __tablename__ = "involvement_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(db.ForeignKey("attendance.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(db.String(20))
    amount_pence: Mapped[int]
    paid_on: Mapped[date | None] = mapped_column(index=True)
    note: Mapped[str] = mapped_column(db.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    staff_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))

    attendance = relationship("Attendance", back_populates="payments")


class Registration(db.Model):
    """A place (or a waiting-list place) at a public event."""

    __tablename__ = "event_registration"
    __table_args__ = (
        db.UniqueConstraint("meeting_id", "email_normalised", name="uq_event_registration_meeting_email"),
        db.Index("ix_event_registration_meeting_status", "meeting_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(db.ForeignKey("meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(db.ForeignKey("member.id"))
    name: Mapped[str] = mapped_column(db.String(200))
    email: Mapped[str | None] = mapped_column(db.String(254))
    email_normalised: Mapped[str | None] = mapped_column(db.String(254))
    access_needs: Mapped[str] = mapped_column(db.String(1000), default="")
    status: Mapped[str] = mapped_column(db.String(12))
    created_at: Mapped[datetime] = mapped_column(default=now)
    cancelled_at: Mapped[datetime | None]
    promoted_at: Mapped[datetime | None]

    meeting = relationship("Meeting")
