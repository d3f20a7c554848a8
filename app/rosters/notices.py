"""Emails to people registered for public events: confirmation, promotion, cancellation.

Each is sent after the change it reports has been saved. A mail server that refuses one
message must not undo the change or stop the others being told, so every function here
returns whether the message went, and logs only the registration id when it did not.
"""

import logging

from flask import current_app

from app import tokens
from app.mail import send_transactional
from app.mail.backends import DeliveryError
from app.rosters.models import Registration

log = logging.getLogger(__name__)


def _cancel_url(registration: Registration) -> str:
    token = tokens.sign("event", {"registration": registration.id})
    # Built from the URL map, not url_for: the daily job's erasures send from outside any request.
    path = current_app.url_map.bind("").build("events.cancel", {"token": token})
    return current_app.config["PUBLIC_BASE_URL"] + path


def _deliver(registration: Registration, subject: str, template: str, **context) -> bool:
    if not registration.email:
        return False  # erased: there is nobody to tell
    try:
        send_transactional(
            registration.email, subject, template, registration=registration, meeting=registration.meeting, **context
        )
    except DeliveryError:
        log.exception("could not email registration %s (%s)", registration.id, template)
        return False
    return True


def send(registration: Registration, template: str, subject: str, **extra) -> bool:
    """Email a registrant about their place, with the link to cancel it; False if it could not go."""
    return _deliver(registration, subject, template, cancel_url=_cancel_url(registration), **extra)


def send_promotion(registration: Registration) -> bool:
    """Tell someone who has come off the waiting list that the place is theirs."""
    return send(registration, "event_promoted", f"A place is now free for you: {registration.meeting.title}")


def send_cancellation(registration: Registration) -> bool:
    """Tell someone registered or waiting that the event is cancelled."""
    return _deliver(registration, f"Cancelled: {registration.meeting.title}", "event_cancelled")


def tell(registrations, notice) -> str:
    """Send `notice` to each registration; a sentence for staff on anyone who could not be emailed."""
    failed = sum(1 for registration in registrations if not notice(registration))
    if not failed:
        return ""
    return f" {failed} of them could not be emailed; please contact them another way."


def tell_promoted(promoted) -> str:
    """Email everyone who came off a waiting list; a sentence for staff saying so ("" when nobody did)."""
    if not promoted:
        return ""
    problem = tell(promoted, send_promotion)
    if len(promoted) == 1:
        given = "1 person on the waiting list has been given a place"
    else:
        given = f"{len(promoted)} people on waiting lists have been given places"
    return f" {given}.{problem}" if problem else f" {given} and emailed."
