"""Members of the involvement network, their consents, topics and timeline.

Equality answers are special category data: they live in their own table and
are read only through members.services.equality_answers_for(), which checks the
role of whoever asks.
"""

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.clock import now
from app.extensions import db
from app.members.vocab import STATUSES
from app.statistics.disclosure import new_record_key

member_topic = db.Table(
    "member_topic",
    db.Column("member_id", db.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True),
    db.Column("topic_id", db.ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class Topic(db.Model):
    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(db.String(60), unique=True)
    name: Mapped[str] = mapped_column(db.String(120))
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)


def _search_key(length: int):
    # Byte order on PostgreSQL as on SQLite, so the keys starting with a prefix are one
    # range of the index whatever the database's locale.
    return db.String(length).with_variant(db.String(length, collation="C"), "postgresql")


class Member(db.Model):
    __tablename__ = "member"
    __table_args__ = (
        db.Index("ix_member_status_created", "status", "created_at"),
        db.Index("ix_member_last_name_first_name", "last_name", "first_name"),
        # Covers the staff search (status, name, email, postcode): a search reads this index
        # instead of every row of the table, and sorts by name within a status.
        db.Index("ix_member_search", "status", "last_name", "first_name", "email_normalised", "postcode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Email as typed, and its lower-cased form which is unique: one person, one record.
    email: Mapped[str | None] = mapped_column(db.String(254))
    email_normalised: Mapped[str | None] = mapped_column(db.String(254), unique=True)
    first_name: Mapped[str] = mapped_column(db.String(100), default="")
    last_name: Mapped[str] = mapped_column(db.String(100), default="")
    phone: Mapped[str] = mapped_column(db.String(30), default="")
    # A UK mobile for text messages, as +447xxxxxxxxx (app/members/channels.py); "" when not given.
    mobile: Mapped[str] = mapped_column(db.String(13), default="", server_default="")
    # email, sms or post: the channel a campaign uses for them when it offers it.
    preferred_channel: Mapped[str] = mapped_column(db.String(5), default="email", server_default="email")
    # The provider said texts to this number fail for good: no more texts until the number changes.
    mobile_failed_at: Mapped[datetime | None]
    postcode: Mapped[str] = mapped_column(db.String(8), default="", index=True)
    # A UK postal address, for information sent by post (large print, easy read, Braille); the postcode above.
    address_line_1: Mapped[str] = mapped_column(db.String(100), default="", server_default="")
    address_line_2: Mapped[str] = mapped_column(db.String(100), default="", server_default="")
    address_line_3: Mapped[str] = mapped_column(db.String(100), default="", server_default="")
    town: Mapped[str] = mapped_column(db.String(60), default="", server_default="")
    date_of_birth: Mapped[date | None]
    age_band: Mapped[str | None] = mapped_column(db.String(20), index=True)
    practice_id: Mapped[int | None] = mapped_column(db.ForeignKey("practice.id"), index=True)
    # The event or venue where the person signed up on a shared device (source "event").
    signup_event_id: Mapped[int | None] = mapped_column(db.ForeignKey("signup_event.id"), index=True)
    contact_type: Mapped[str] = mapped_column(db.String(30), default="resident", index=True)
    communication_needs: Mapped[list] = mapped_column(db.JSON, default=list)
    communication_language: Mapped[str] = mapped_column(db.String(100), default="")
    how_heard: Mapped[str] = mapped_column(db.String(30), default="")
    status: Mapped[str] = mapped_column(db.String(20), default="pending", index=True)
    source: Mapped[str] = mapped_column(db.String(20), default="web_form")
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    confirmed_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime] = mapped_column(default=now)
    last_activity_at: Mapped[datetime] = mapped_column(default=now, index=True)
    # Disclosure control's record key (app/statistics/disclosure.py): random, drawn once, never shown.
    record_key: Mapped[int] = mapped_column(db.SmallInteger, default=new_record_key, server_default="0")
    erased_at: Mapped[datetime | None]
    # Staff search by the start of a name, an address or a postcode. The database keeps
    # these up to date itself, whichever way a member was written (form, import, API).
    search_first_name: Mapped[str | None] = mapped_column(
        _search_key(100), db.Computed("lower(first_name)"), index=True
    )
    search_last_name: Mapped[str | None] = mapped_column(_search_key(100), db.Computed("lower(last_name)"), index=True)
    search_email: Mapped[str | None] = mapped_column(_search_key(254), db.Computed("lower(email)"), index=True)
    search_postcode: Mapped[str | None] = mapped_column(
        _search_key(8), db.Computed("replace(postcode, ' ', '')"), index=True
    )

    practice = relationship("Practice")
    signup_event = relationship("SignUpEvent")
    topics = relationship("Topic", secondary=member_topic, order_by="Topic.position")
    consents = relationship("Consent", back_populates="member", order_by="Consent.given_at")
    events = relationship("MemberEvent", back_populates="member", order_by="MemberEvent.at.desc()")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def set_status(self, status: str) -> None:
        """Move to `status`, dated by the application's clock; the same status again changes nothing."""
        if status not in STATUSES:
            raise ValueError(status)
        if self.status != status:
            self.status = status
            self.status_changed_at = clock.now()

    def live_consent(self, purpose: str) -> "Consent | None":
        for consent in self.consents:
            if consent.purpose == purpose and consent.withdrawn_at is None:
                return consent
        return None


class Consent(db.Model):
    """One purpose a person agreed to, how and to what exact words; withdrawal kept."""

    __tablename__ = "consent"
    __table_args__ = (db.Index("ix_consent_member_purpose", "member_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(db.String(30))
    given_at: Mapped[datetime] = mapped_column(default=now)
    method: Mapped[str] = mapped_column(db.String(20))
    wording: Mapped[str] = mapped_column(db.Text)
    wording_version: Mapped[str] = mapped_column(db.String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_method: Mapped[str | None] = mapped_column(db.String(20))

    member = relationship("Member", back_populates="consents")


class EqualityAnswers(db.Model):
    """Special category data (UK GDPR Article 9), kept apart from the member record."""

    __tablename__ = "equality_answers"

    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id", ondelete="CASCADE"), primary_key=True)
    ethnic_group: Mapped[str | None] = mapped_column(db.String(40))
    ethnic_background: Mapped[str | None] = mapped_column(db.String(40))
    ethnic_other: Mapped[str] = mapped_column(db.String(200), default="")
    sex: Mapped[str | None] = mapped_column(db.String(40))
    gender_identity_same: Mapped[str | None] = mapped_column(db.String(40))
    sexual_orientation: Mapped[str | None] = mapped_column(db.String(40))
    sexual_orientation_other: Mapped[str] = mapped_column(db.String(200), default="")
    disability: Mapped[str | None] = mapped_column(db.String(40))
    # Whether the condition limits day-to-day activities (asked only after "yes" to disability).
    disability_impact: Mapped[str | None] = mapped_column(db.String(40))
    religion: Mapped[str | None] = mapped_column(db.String(40))
    religion_other: Mapped[str] = mapped_column(db.String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=now)


class MemberEvent(db.Model):
    """The member's timeline: signed up, confirmed, imported, edited, unsubscribed..."""

    __tablename__ = "member_event"
    __table_args__ = (db.Index("ix_member_event_member_at", "member_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=now)
    kind: Mapped[str] = mapped_column(db.String(40))
    # What happened, in words for staff; field names, never the values of personal data.
    detail: Mapped[str] = mapped_column(db.String(500), default="")
    staff_user_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))

    member = relationship("Member", back_populates="events")
    staff_user = relationship("StaffUser")


signup_event_topic = db.Table(
    "signup_event_topic",
    db.Column("signup_event_id", db.ForeignKey("signup_event.id", ondelete="CASCADE"), primary_key=True),
    db.Column("topic_id", db.ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True),
)


class SignUpEvent(db.Model):
    """An event or venue where people sign up on one shared device, while staff have it open.

    It names no one: how many signed up there is a count, kept as sign-ups happen. Sign-ups
    stop when staff close it or at its end (the end of the day it is held, unless set sooner).
    """

    __tablename__ = "signup_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(120))
    place: Mapped[str] = mapped_column(db.String(120), default="", server_default="")
    held_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=now)
    # None until staff first open it for sign-ups.
    opened_at: Mapped[datetime | None]
    ends_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    opened_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))
    sign_up_count: Mapped[int] = mapped_column(default=0, server_default="0")

    opened_by = relationship("StaffUser")
    # Ticked already on the sign-up form at this event; the person can untick them.
    topics = relationship("Topic", secondary=signup_event_topic, order_by="Topic.position")

    def is_open(self, at: datetime | None = None) -> bool:
        """Taking sign-ups: opened by staff, not closed since, and its end time not yet reached."""
        return self.opened_at is not None and self.closed_at is None and (at or clock.now()) < self.ends_at

    def has_ended(self, at: datetime | None = None) -> bool:
        return (at or clock.now()) >= self.ends_at

    def last_day(self) -> date:
        """The day it ends, in UK time (the same as held_on for an event on one day)."""
        return max(self.held_on, clock.in_uk(self.ends_at - timedelta(microseconds=1)).date())

    def days_in_words(self) -> str:
        """'14 March 2027', or '14 March 2027 to 16 March 2027' for an event over several days."""
        first, last = self.held_on.strftime("%-d %B %Y"), self.last_day().strftime("%-d %B %Y")
        return first if first == last else f"{first} to {last}"

    def status(self, at: datetime | None = None) -> str:
        """In words: "Open for sign-ups", "Not open yet", "Closed" or "Ended"."""
        if self.is_open(at):
            return "Open for sign-ups"
        if self.has_ended(at):
            return "Ended"
        return "Not open yet" if self.opened_at is None else "Closed"


class ErasureRecord(db.Model):
    """What is kept after erasure: nothing that identifies anyone."""

    __tablename__ = "erasure_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    erased_at: Mapped[datetime] = mapped_column(default=now)
    reason: Mapped[str] = mapped_column(db.String(40))


class PendingSignUpChange(db.Model):
    """What someone who signed up again with an address already known asked for: topics and
    equality answers, kept apart and applied only if they confirm from the email sent to that
    address before `expires_at`. Anyone can type an address, so nothing changes before then."""

    __tablename__ = "pending_signup_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id", ondelete="CASCADE"), index=True)
    topics: Mapped[list] = mapped_column(db.JSON, default=list)
    # Only with the person's consent to equality monitoring, ticked on the form; None otherwise.
    equality_answers: Mapped[dict | None] = mapped_column(db.JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    applied_at: Mapped[datetime | None]
