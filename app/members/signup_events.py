"""Event sign-up: staff open an event or venue for sign-ups on one shared device until it ends.

The device is set up from a signed link that names the event and when it ends; the event's
own row says whether it is still open, so closing it early stops every device at once.
"""

import logging
from datetime import datetime, timedelta
from enum import Enum

from app import clock, tokens
from app.audit import services as audit
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import SignUpEvent
from app.transactions import transactional

log = logging.getLogger(__name__)

# An event sign-up runs for a day or a weekend; a device link outlives none of them.
LONGEST = timedelta(days=7)
NAME_LONGEST = 120


class Refusal(Enum):
    """Why a device link does not set up event mode."""

    INVALID = "invalid"
    ENDED = "ended"


def check_event_input(name: str, ends_at: datetime | None) -> dict[str, str]:
    """{field: message} for an event sign-up that cannot be opened as given."""
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Enter the name of the event or venue"
    elif len(name) > NAME_LONGEST:
        errors["name"] = f"The name must be {NAME_LONGEST} characters or fewer"
    if ends_at is not None:
        if ends_at <= clock.now():
            errors["ends"] = "The end time must be in the future"
        elif ends_at > clock.now() + LONGEST:
            errors["ends"] = "An event sign-up can run for up to 7 days"
    return errors


@transactional
def open_signup_event(name: str, ends_at: datetime | None, staff_user_id: int | None) -> SignUpEvent:
    """Open an event sign-up that takes sign-ups until `ends_at` (naive UTC) or until closed."""
    errors = check_event_input(name, ends_at)
    if ends_at is None:
        errors["ends"] = "Enter the date and time the event ends"
    if errors:
        raise InvalidRequest("There is a problem with the event sign-up.", 400, errors)
    event = SignUpEvent(name=name.strip(), ends_at=ends_at, opened_by_id=staff_user_id, opened_at=clock.now())
    db.session.add(event)
    db.session.flush()
    audit.record("create", "signup_event", event.id)
    return event


@transactional
def close_signup_event(event: SignUpEvent, staff_user_id: int | None) -> None:
    """Stop taking sign-ups now; closing an event already ended or closed changes nothing."""
    if not event.is_open():
        return
    event.closed_at = clock.now()
    audit.record("change", "signup_event", event.id, "closed early")


def get_signup_event(event_id: int) -> SignUpEvent | None:
    return db.session.get(SignUpEvent, event_id)


def recent_signup_events(limit: int = 50) -> list[SignUpEvent]:
    return list(db.session.scalars(db.select(SignUpEvent).order_by(SignUpEvent.opened_at.desc()).limit(limit)))


def device_token(event: SignUpEvent) -> str:
    """The signed token a device link (and the device's cookie) carries: the event's id and end, nothing else."""
    return tokens.sign("event_device", {"e": event.id, "u": int(event.ends_at.timestamp())})


def event_for_device_token(token: str | None) -> tuple[SignUpEvent | None, Refusal | None]:
    """The open event a device token names, or why not: forged or unknown, or the event is over."""
    try:
        data = tokens.verify("event_device", token or "", max_age=int(LONGEST.total_seconds()))
    except tokens.BadToken as exc:
        return None, (Refusal.ENDED if exc.expired else Refusal.INVALID)
    event_id = data.get("e") if isinstance(data, dict) else None
    until = data.get("u") if isinstance(data, dict) else None
    if type(event_id) is not int or type(until) is not int or not 0 < event_id < 2**31:
        return None, Refusal.INVALID
    event = get_signup_event(event_id)
    if event is None:
        return None, Refusal.INVALID
    if clock.now().timestamp() >= until or not event.is_open():
        return None, Refusal.ENDED
    return event, None


def count_sign_up(event_id: int) -> None:
    """One more sign-up at the event, counted in the caller's transaction."""
    db.session.execute(
        db.update(SignUpEvent).where(SignUpEvent.id == event_id).values(sign_up_count=SignUpEvent.sign_up_count + 1)
    )
