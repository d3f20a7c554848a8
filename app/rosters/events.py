"""Public event registration: places, a waiting list, cancellation and promotion.

Save, then send: each function commits its rows and returns what the caller must
email, so a failed send never leaves a half-made registration.
"""

import logging
from dataclasses import dataclass

from sqlalchemy import func

from app import clock
from app.errors import InvalidRequest
from app.extensions import db
from app.members.validation import FieldError, email_key, normalise_email
from app.rosters.models import Meeting, Registration
from app.transactions import transactional

log = logging.getLogger(__name__)


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
        errors["name"] = "Enter your name"
    elif len(name.strip()) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    if len(access_needs or "") > 1000:
        errors["access_needs"] = "Access needs must be 1000 characters or fewer"
    return errors, email


def _lock(meeting: Meeting) -> Meeting:
    # Serialise registrations for one event so two people cannot take the last place.
    return db.session.scalar(db.select(Meeting).where(Meeting.id == meeting.id).with_for_update())


@transactional
def register(meeting: Meeting, name: str, email: str, access_needs: str = "", member_id: int | None = None):
    """A place if there is one, else a waiting-list place; registering twice keeps one row."""
    errors, email = check_registration(name, email, access_needs)
    if errors:
        raise InvalidRequest("There is a problem with your details.", 400, errors)
    if meeting.starts_at <= clock.now():
        raise InvalidRequest("This event has already started, so registration has closed.", 409)
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
def cancel(registration_id: int) -> RegistrationResult | None:
    """Cancel a registration; the first person waiting takes the freed place. Twice is harmless."""
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
    if freed and meeting.starts_at > clock.now():
        db.session.flush()
        if meeting.capacity is None or places_taken(meeting.id) < meeting.capacity:
            promoted = db.session.scalar(
                db.select(Registration)
                .where(Registration.meeting_id == meeting.id, Registration.status == "waiting")
                .order_by(Registration.created_at, Registration.id)
                .limit(1)
            )
            if promoted is not None:
                promoted.status = "registered"
                promoted.promoted_at = clock.now()
    log.info("registration %s cancelled; promoted %s", registration.id, promoted.id if promoted else None)
    return RegistrationResult(registration, waiting=False, promoted=promoted)
