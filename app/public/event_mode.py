"""Telling the sign-up pages which event, if any, they take sign-ups for.

A shared device carries the event in a signed cookie that staff set on it; a person's own
phone carries it in the event's sign-up link. Either way the event's row decides whether it
is still open, and a refusal is a page in words, never an error.
"""

from flask import render_template, request
from werkzeug.datastructures import MultiDict

from app.members import signup_events
from app.members.models import SignUpEvent
from app.members.signup_events import Refusal


def device_token() -> str | None:
    return request.cookies.get(signup_events.DEVICE_COOKIE)


def device_event() -> SignUpEvent | None:
    """The open event this device is set up for, or None."""
    token = device_token()
    return signup_events.event_for_device_token(token)[0] if token else None


def spare_network_limit() -> bool:
    """A device set up by staff is spared the limit per network address: everyone at the stall uses it."""
    return device_event() is not None


def preselected(event: SignUpEvent) -> MultiDict:
    """A blank form with the event's topics ticked."""
    return MultiDict([("topics", topic.slug) for topic in event.topics if topic.active])


# The answer for each reason an event's form is not shown.
_REFUSALS = {
    Refusal.INVALID: 404,
    Refusal.NOT_OPEN: 200,
    Refusal.ENDED: 410,
}


def refusal_page(event: SignUpEvent | None, refusal: Refusal, own_phone: bool, missing: bool = False):
    """A page saying in words why this event's form is not shown, with the way to sign up anyway."""
    status = 400 if missing or (refusal is Refusal.INVALID and not own_phone) else _REFUSALS[refusal]
    page = render_template(
        "public/event_refused.html", event=event, refusal=refusal.value, own_phone=own_phone, missing=missing
    )
    return page, status, {"Cache-Control": "no-store"}
