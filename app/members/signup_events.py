"""Event sign-up: staff open an event or venue for sign-ups on one shared device until it ends.

Staff create an event for a day (name, place, date, topics to tick already), open it for
sign-ups, and close it again. A device is set up from a signed token that names the event
and until when it may be used; the event's own row says whether it is still open, so
closing it stops every device, and every phone that scanned its code, at once.
"""

import logging
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from app import clock, tokens
from app.audit import services as audit
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member, SignUpEvent, Topic
from app.transactions import transactional

log = logging.getLogger(__name__)

# An event opened on the spot runs for a day or a weekend.
LONGEST = timedelta(days=7)
# Events are planned up to a year ahead; a date beyond that is a typing mistake.
FURTHEST_AHEAD = timedelta(days=366)
# A shared device stays in event mode for a working day at most, even if the event runs on.
DEVICE_HOURS = timedelta(hours=12)
NAME_LONGEST = 120
# A token is refused after this long whatever it says; the time inside it is what usually ends it.
TOKEN_MAX_AGE = int((FURTHEST_AHEAD + LONGEST).total_seconds())


class Refusal(Enum):
    """Why a device link does not set up event mode."""

    INVALID = "invalid"
    NOT_OPEN = "not_open"
    ENDED = "ended"


def _uk_today() -> date:
    return clock.in_uk(clock.now()).date()


def end_of_day(day: date) -> datetime:
    """Midnight at the end of `day` in UK time, as the database keeps it (naive UTC)."""
    following = day + timedelta(days=1)
    return clock.from_uk(datetime(following.year, following.month, following.day))


def _check_name(errors: dict, field: str, value: str, what: str, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if not value and required:
        errors[field] = f"Enter the {what}"
    elif len(value) > NAME_LONGEST:
        errors[field] = f"The {what} must be {NAME_LONGEST} characters or fewer"
    return value


def check_event_input(name: str, ends_at: datetime | None) -> dict[str, str]:
    """{field: message} for an event sign-up that cannot be opened as given."""
    errors = {}
    _check_name(errors, "name", name, "name of the event or venue")
    if ends_at is not None:
        if ends_at <= clock.now():
            errors["ends"] = "The end time must be in the future"
        elif ends_at > clock.now() + LONGEST:
            errors["ends"] = "An event sign-up can run for up to 7 days"
    return errors


def _topics(topic_ids) -> list[Topic]:
    ids = {i for i in topic_ids or () if type(i) is int}
    if not ids:
        return []
    return list(db.session.scalars(db.select(Topic).where(Topic.id.in_(ids), Topic.active)))


@transactional
def create_signup_event(
    name: str, place: str, held_on: date | None, topic_ids, staff_user_id: int | None
) -> SignUpEvent:
    """Add an event for a day, not yet open: sign-ups there can run until the end of that day (UK time)."""
    errors: dict[str, str] = {}
    name = _check_name(errors, "name", name, "name of the event")
    place = _check_name(errors, "place", place, "place where it is held")
    if held_on is None:
        errors.setdefault("held_on", "Enter the date of the event")
    elif held_on < _uk_today():
        errors["held_on"] = "The date of the event must be today or in the future"
    elif held_on > _uk_today() + FURTHEST_AHEAD:
        errors["held_on"] = "The date of the event must be within the next year"
    topics = _topics(topic_ids)
    if len(topics) != len(set(topic_ids or ())):
        errors["topics"] = "Choose topics from the list"
    if errors:
        raise InvalidRequest("There is a problem with the event.", 400, errors)
    event = SignUpEvent(
        name=name,
        place=place,
        held_on=held_on,
        ends_at=end_of_day(held_on),
        opened_by_id=staff_user_id,
        created_at=clock.now(),
        topics=topics,
    )
    db.session.add(event)
    db.session.flush()
    audit.record("create", "signup_event", event.id)
    return event


@transactional
def open_signup_event(name: str, ends_at: datetime | None, staff_user_id: int | None) -> SignUpEvent:
    """Open an event sign-up now that takes sign-ups until `ends_at` (naive UTC) or until closed."""
    errors = check_event_input(name, ends_at)
    if ends_at is None:
        errors["ends"] = "Enter the date and time the event ends"
    if errors:
        raise InvalidRequest("There is a problem with the event sign-up.", 400, errors)
    at = clock.now()
    event = SignUpEvent(
        name=" ".join(name.split()),
        held_on=_uk_today(),
        ends_at=ends_at,
        opened_by_id=staff_user_id,
        created_at=at,
        opened_at=at,
    )
    db.session.add(event)
    db.session.flush()
    audit.record("create", "signup_event", event.id, "opened for sign-ups")
    return event


@transactional
def reopen_signup_event(event: SignUpEvent, staff_user_id: int | None) -> None:
    """Take sign-ups from now until the event's end; an event past its end cannot be opened."""
    if event.has_ended():
        raise InvalidRequest("This event has ended, so it cannot be opened for sign-ups again.", 409)
    if event.is_open():
        return
    event.opened_at = clock.now()
    event.closed_at = None
    event.opened_by_id = staff_user_id or event.opened_by_id
    audit.record("change", "signup_event", event.id, "opened for sign-ups")


@transactional
def close_signup_event(event: SignUpEvent, staff_user_id: int | None) -> None:
    """Stop taking sign-ups now; closing an event already ended or closed changes nothing."""
    if not event.is_open():
        return
    event.closed_at = clock.now()
    audit.record("change", "signup_event", event.id, "closed for sign-ups")


def event_days(event: SignUpEvent) -> tuple[date, date]:
    """The first and last day of the event, in UK time."""
    return event.held_on, event.last_day()


def check_changes(
    event: SignUpEvent, name: str, place: str, starts: date | None, ends: date | None, errors: dict | None = None
) -> dict:
    """The event's details as they would be after the change, or InvalidRequest with {field: message}.

    Events may last several days (a three-day show), up to 7. A date may stay in the past only if it
    is not being changed, so a running event keeps its first day and an ended one can have a typo fixed.
    """
    errors = dict(errors or {})
    name = _check_name(errors, "name", name, "name of the event")
    place = _check_name(errors, "place", place, "place where it is held")
    first, last = event_days(event)
    today = _uk_today()
    if starts is None:
        errors.setdefault("held_on", "Enter the start date")
    elif starts != first and starts < today:
        errors["held_on"] = "The start date must be today or in the future"
    elif starts > today + FURTHEST_AHEAD:
        errors["held_on"] = "The start date must be within the next year"
    if ends is None:
        errors.setdefault("ends_on", "Enter the end date")
    elif starts is not None and ends < starts:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    elif ends != last and ends < today:
        errors["ends_on"] = "The end date must be today or in the future"
    elif starts is not None and (ends - starts).days + 1 > LONGEST.days:
        errors["ends_on"] = f"An event can last up to {LONGEST.days} days"
    if errors:
        raise InvalidRequest("There is a problem with the event.", 400, errors)
    return {"name": name, "place": place, "held_on": starts, "ends_on": ends}


def changes(event: SignUpEvent, wanted: dict) -> list[tuple[str, str, str]]:
    """(what, before, after) for each detail `wanted` changes, in words."""
    first, last = event_days(event)
    before = {"name": event.name, "place": event.place, "held_on": first, "ends_on": last}
    labels = {"name": "Name", "place": "Place", "held_on": "Start date", "ends_on": "End date"}

    def shown(value):
        return value.strftime("%-d %B %Y") if isinstance(value, date) else (value or "Not given")

    return [(labels[k], shown(before[k]), shown(wanted[k])) for k in labels if before[k] != wanted[k]]


@transactional
def change_signup_event(
    event: SignUpEvent, name: str, place: str, starts: date | None, ends: date | None, staff_user_id: int | None
) -> list[tuple[str, str, str]]:
    """Change the event's name, place and days; returns what changed. A new last day moves its end to
    the end of that day, so its link and devices stop then; an unchanged last day keeps its end time."""
    wanted = check_changes(event, name, place, starts, ends)
    changed = changes(event, wanted)
    if not changed:
        return []
    if wanted["ends_on"] != event_days(event)[1]:
        event.ends_at = end_of_day(wanted["ends_on"])
    event.name, event.place, event.held_on = wanted["name"], wanted["place"], wanted["held_on"]
    detail = "; ".join(f"{what}: {old} -> {new}" for what, old, new in changed)
    audit.record("change", "signup_event", event.id, detail)
    log.info("staff user %s changed sign-up event %s", staff_user_id, event.id)
    return changed


def why_not_deleted(event: SignUpEvent) -> str | None:
    """Why this event cannot be deleted, or None when it can: one that took sign-ups can only be closed."""
    joined = db.session.scalar(db.select(db.func.count()).where(Member.signup_event_id == event.id))
    if event.sign_up_count or joined:
        return (
            "People signed up at this event. Their records say they joined here, and its count is part of what "
            "the network reports about where people join, so it is kept. Close it for sign-ups instead."
        )
    return None


@transactional
def delete_signup_event(event: SignUpEvent, staff_user_id: int | None) -> None:
    """Delete an event nobody signed up at; its link and every device set up for it stop working."""
    reason = why_not_deleted(event)
    if reason:
        raise InvalidRequest(reason, 409)
    detail = f"{event.name}, {event.place or 'no place'}, from {event.held_on.isoformat()}"
    event_id = event.id
    db.session.delete(event)
    db.session.flush()
    audit.record("delete", "signup_event", event_id, detail)
    log.info("staff user %s deleted sign-up event %s", staff_user_id, event_id)


def get_signup_event(event_id: int) -> SignUpEvent | None:
    return db.session.get(SignUpEvent, event_id)


def recent_signup_events(limit: int = 50) -> list[SignUpEvent]:
    """The latest events, the one held latest first."""
    query = db.select(SignUpEvent).order_by(SignUpEvent.held_on.desc(), SignUpEvent.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def planned_signup_events() -> list[SignUpEvent]:
    """Events still to come or open now (not ended, not closed), the soonest first."""
    query = (
        db.select(SignUpEvent)
        .where(SignUpEvent.ends_at > clock.now(), SignUpEvent.closed_at.is_(None))
        .order_by(SignUpEvent.held_on, SignUpEvent.id)
    )
    return list(db.session.scalars(query))


def _stamp(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def device_token(event: SignUpEvent, until: datetime | None = None) -> str:
    """The signed token a sign-up link (and a shared device's cookie) carries: the event's id and
    the time it stops working (the event's end, or `until` if sooner), nothing else."""
    ends = min(event.ends_at, until) if until else event.ends_at
    return tokens.sign("event_device", {"e": event.id, "u": _stamp(ends)})


def device_cookie(event: SignUpEvent) -> tuple[str, int]:
    """The token for a shared device's cookie and how many seconds it lasts: until the event
    ends, and never longer than a working day."""
    until = min(event.ends_at, clock.now() + DEVICE_HOURS)
    return device_token(event, until), max(1, int((until - clock.now()).total_seconds()))


def read_device_token(token: str | None) -> tuple[SignUpEvent | None, Refusal | None]:
    """The event a token names and why it cannot be used now, if so. The event is given even
    when refused (not open yet, ended) so a page can name it; a forged token names none."""
    try:
        data = tokens.verify("event_device", token or "", max_age=TOKEN_MAX_AGE)
    except tokens.BadToken as exc:
        return None, (Refusal.ENDED if exc.expired else Refusal.INVALID)
    event_id = data.get("e") if isinstance(data, dict) else None
    until = data.get("u") if isinstance(data, dict) else None
    if type(event_id) is not int or type(until) is not int or not 0 < event_id < 2**31:
        return None, Refusal.INVALID
    event = get_signup_event(event_id)
    if event is None:
        return None, Refusal.INVALID
    if _stamp(clock.now()) >= until or event.has_ended() or event.closed_at is not None:
        return event, Refusal.ENDED
    if not event.is_open():
        return event, Refusal.NOT_OPEN
    return event, None


def event_for_device_token(token: str | None) -> tuple[SignUpEvent | None, Refusal | None]:
    """The open event a device token names, or why not: forged or unknown, or the event is over."""
    event, refusal = read_device_token(token)
    return (None, refusal) if refusal else (event, None)


def count_sign_up(event_id: int) -> None:
    """One more sign-up at the event, counted in the caller's transaction."""
    db.session.execute(
        db.update(SignUpEvent).where(SignUpEvent.id == event_id).values(sign_up_count=SignUpEvent.sign_up_count + 1)
    )


# The cookie that keeps a shared device in event mode: the device token, signed, nothing else.
DEVICE_COOKIE = "involve_event_device"


def code_image(url: str, kind: str) -> bytes:
    """A QR code of `url` as an SVG (for the screen) or a PNG (for printing), black on white."""
    import io

    import segno

    out = io.BytesIO()
    code = segno.make(url, error="m")
    if kind == "svg":
        code.save(out, kind="svg", scale=8, border=4, dark="#000", light="#fff", xmldecl=False, title="QR code")
    else:
        code.save(out, kind="png", scale=12, border=4, dark="#000", light="#fff")
    return out.getvalue()
