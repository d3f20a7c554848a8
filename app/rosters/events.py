"""Public event registration: places, a waiting list, cancellation and promotion.

Save, then send: each function commits its rows and returns what the caller must
email, so a failed send never leaves a half-made registration. Registering and joining
the network are one transaction: a refused registration leaves no new member behind.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import func

from app import clock
from app.audit import services as audit
from app.errors import InvalidRequest
from app.extensions import db
from app.i18n import N_
from app.members import services as members
from app.rosters.models import Attendance, Meeting, Payment, Registration
from app.transactions import transactional
from app.validation import FieldError, email_key, normalise_email

log = logging.getLogger(__name__)

JOIN_PURPOSE = "involvement"
ERASED_NAME = "(erased)"


@dataclass
class RegistrationResult:
    registration: Registration
    waiting: bool
    promoted: Registration | None = None


def open_event(meeting_id: int) -> Meeting | None:
    """A public event that takes registrations and has not started or been cancelled."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.is_public or not meeting.registration_open or meeting.cancelled_at:
        return None
    return meeting


def public_event(meeting_id: int) -> Meeting | None:
    """A public event people can see: open for registration, or cancelled (the page then says so)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not meeting.is_public:
        return None
    return meeting if meeting.registration_open or meeting.cancelled_at else None


def places_taken(meeting_id: int) -> int:
    return db.session.scalar(
        db.select(func.count()).where(Registration.meeting_id == meeting_id, Registration.status == "registered")
    )


def is_full(meeting: Meeting) -> bool:
    return meeting.capacity is not None and places_taken(meeting.id) >= meeting.capacity


def check_registration(name: str, email: str, access_needs: str) -> tuple[dict, str]:
    errors = {}
    try:
        email = normalise_email(email)
    except FieldError as exc:
        errors["email"] = str(exc)
    if not (name or "").strip():
        errors["name"] = N_("Enter your name")
    elif len(name.strip()) > 200:
        errors["name"] = N_("Name must be 200 characters or fewer")
    if len(access_needs or "") > 1000:
        errors["access_needs"] = N_("Access needs must be 1000 characters or fewer")
    return errors, email


def _lock(meeting: Meeting) -> Meeting:
    # Serialise registrations for one event so two people cannot take the last place.
    return db.session.scalar(db.select(Meeting).where(Meeting.id == meeting.id).with_for_update())


def _register(meeting: Meeting, name: str, email: str, access_needs: str, member_id: int | None):
    errors, email = check_registration(name, email, access_needs)
    if errors:
        raise InvalidRequest("There is a problem with your details.", 400, errors)
    if meeting.cancelled_at is not None:
        raise InvalidRequest(N_("This event has been cancelled, so it takes no registrations."), 409)
    if meeting.starts_at <= clock.now():
        raise InvalidRequest(N_("This event has already started, so registration has closed."), 409)
    meeting = _lock(meeting)
    existing = db.session.scalar(
        db.select(Registration).where(
            Registration.meeting_id == meeting.id, Registration.email_normalised == email_key(email)
        )
    )
    if existing is not None and existing.status != "cancelled":
        return RegistrationResult(existing, waiting=existing.status == "waiting")
    full = meeting.capacity is not None and places_taken(meeting.id) >= meeting.capacity
    registration = existing or Registration(meeting_id=meeting.id, email_normalised=email_key(email))
    registration.name = name.strip()
    registration.email = email
    registration.access_needs = (access_needs or "").strip()
    registration.status = "waiting" if full else "registered"
    registration.created_at = clock.now()
    registration.cancelled_at = None
    registration.member_id = member_id or registration.member_id
    if existing is None:
        db.session.add(registration)
    db.session.flush()
    log.info("registration %s for event %s: %s", registration.id, meeting.id, registration.status)
    return RegistrationResult(registration, waiting=full)


@transactional
def register(meeting: Meeting, name: str, email: str, access_needs: str = "", member_id: int | None = None):
    """A place if there is one, else a waiting-list place; registering twice keeps one row."""
    return _register(meeting, name, email, access_needs, member_id)


@transactional
def register_and_join(meeting: Meeting, name: str, email: str, access_needs: str = "", join: bool = False):
    """Register, and with `join` sign up to the network too: both saved, or neither when refused.

    Returns (RegistrationResult, SignUpResult or None)."""
    errors, email = check_registration(name, email, access_needs)
    if errors:
        raise InvalidRequest("There is a problem with your details.", 400, errors)
    signed = None
    member = members.find_by_email(email)
    if join:
        first, _, last = name.strip().partition(" ")
        signed = members.record_sign_up(
            members.MemberInput(email=email, first_name=first, last_name=last), [JOIN_PURPOSE], method="event"
        )
        member = signed.member
    member_id = member.id if member is not None and member.status != "erased" else None
    return _register(meeting, name, email, access_needs, member_id), signed


def _promote_waiting(meeting: Meeting) -> list[Registration]:
    """Move people off the waiting list, first come first served, into the places now free."""
    if meeting.starts_at <= clock.now() or meeting.cancelled_at is not None:
        return []
    db.session.flush()
    query = (
        db.select(Registration)
        .where(Registration.meeting_id == meeting.id, Registration.status == "waiting")
        .where(Registration.email.is_not(None))  # never an erased person: they could not be told
        .order_by(Registration.created_at, Registration.id)
    )
    if meeting.capacity is not None:
        query = query.limit(max(0, meeting.capacity - places_taken(meeting.id)))
    promoted = list(db.session.scalars(query))
    for registration in promoted:
        registration.status = "registered"
        registration.promoted_at = clock.now()
    return promoted


def capacity_problem(meeting: Meeting, capacity: int | None) -> str | None:
    """Why an event's capacity may not be cut to `capacity`, or None."""
    if meeting.id is None or capacity is None:
        return None
    taken = places_taken(meeting.id)
    if capacity < taken:
        return (
            f"{taken} people are already registered: cancel registrations first, or set a capacity of {taken} or more"
        )
    return None


def promote_after_change(meeting: Meeting) -> list[Registration]:
    """After a capacity change: who came off the waiting list (the caller commits and emails them)."""
    meeting = _lock(meeting)
    return _promote_waiting(meeting)


@transactional
def cancel(registration_id: int) -> RegistrationResult | None:
    """Cancel a registration; the first person waiting takes the freed place. Twice is harmless."""
    return _cancel(registration_id)


def _cancel(registration_id: int) -> RegistrationResult | None:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return None
    if registration.status == "cancelled":
        return RegistrationResult(registration, waiting=False)
    meeting = _lock(registration.meeting)
    freed = registration.status == "registered"
    registration.status = "cancelled"
    registration.cancelled_at = clock.now()
    promoted = None
    if freed:
        waiting = _promote_waiting(meeting)
        promoted = waiting[0] if waiting else None
    log.info("registration %s cancelled; promoted %s", registration.id, promoted.id if promoted else None)
    return RegistrationResult(registration, waiting=False, promoted=promoted)


@transactional
def cancel_by_staff(registration_id: int) -> RegistrationResult | None:
    """Staff cancel a registration by hand; the first person waiting takes the freed place."""
    result = _cancel(registration_id)
    if result is not None:
        audit.record("change", "event_registration", registration_id, "cancelled by staff")
    return result


@dataclass
class CancellationSummary:
    booked: int  # places taken
    waiting: int
    to_tell: int  # of those booked or waiting, the people with an email address


def cancellation_summary(meeting: Meeting) -> CancellationSummary:
    """Who cancelling `meeting` would reach: places taken, people waiting, and how many can be emailed."""
    rows = db.session.execute(
        db.select(Registration.status, func.count(), func.count(Registration.email))
        .where(Registration.meeting_id == meeting.id, Registration.status.in_(("registered", "waiting")))
        .group_by(Registration.status)
    )
    counts = {status: (people, emailable) for status, people, emailable in rows}
    booked, booked_emailable = counts.get("registered", (0, 0))
    waiting, waiting_emailable = counts.get("waiting", (0, 0))
    return CancellationSummary(booked, waiting, booked_emailable + waiting_emailable)


@transactional
def cancel_event(meeting: Meeting) -> list[Registration]:
    """Cancel an event: it takes no more registrations; returns who was registered or waiting, to email."""
    if meeting.cancelled_at is not None:
        raise InvalidRequest("This event has already been cancelled.", 409)
    meeting = _lock(meeting)
    meeting.cancelled_at = clock.now()
    meeting.registration_open = False
    audit.record("change", "meeting", meeting.id, "cancelled")
    return list(
        db.session.scalars(
            db.select(Registration).where(
                Registration.meeting_id == meeting.id,
                Registration.status.in_(("registered", "waiting")),
                Registration.email.is_not(None),
            )
        )
    )


def erase_registrations(member_id: int, email_normalised: str | None) -> list[Registration]:
    """Remove a member's name, email and access needs from their event registrations (part of erasure).

    Their places at events still to come are cancelled as if they had cancelled them, and the
    people who took those places off a waiting list are returned for the caller to email once
    saved. Rows at events already held stay, anonymous, so attendance still counts. A place on
    a waiting list is given up: nobody could be told when it came free."""
    condition = Registration.member_id == member_id
    if email_normalised:
        condition = condition | (Registration.email_normalised == email_normalised)
    # Waiting places go first, so a freed place can never pass to this person's own waiting row.
    db.session.execute(
        db.update(Registration)
        .where(condition, Registration.status == "waiting")
        .values(status="cancelled", cancelled_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    upcoming = db.session.scalars(
        db.select(Registration.id)
        .join(Meeting, Meeting.id == Registration.meeting_id)
        .where(condition, Registration.status == "registered", Meeting.starts_at > clock.now())
        .order_by(Registration.id)
    ).all()
    promoted = [result.promoted for result in map(_cancel, upcoming) if result.promoted is not None]
    db.session.flush()
    db.session.execute(
        db.update(Registration)
        .where(condition)
        .values(name=ERASED_NAME, email=None, email_normalised=None, access_needs="")
        .execution_options(synchronize_session=False)
    )
    attended = db.select(Attendance.id).where(Attendance.member_id == member_id)
    db.session.execute(
        db.update(Payment)
        .where(Payment.attendance_id.in_(attended))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    return promoted
