"""Emails to people registered for public events: confirmation, promotion, cancellation."""

from flask import current_app, url_for

from app import tokens
from app.mail import send_transactional
from app.rosters.models import Registration


def _cancel_url(registration: Registration) -> str:
    token = tokens.sign("event", {"registration": registration.id})
    return current_app.config["PUBLIC_BASE_URL"] + url_for("events.cancel", token=token)


def send(registration: Registration, template: str, subject: str, **extra) -> None:
    """Email a registrant about their place, with the link to cancel it."""
    send_transactional(
        registration.email,
        subject,
        template,
        registration=registration,
        meeting=registration.meeting,
        cancel_url=_cancel_url(registration),
        **extra,
    )


def send_promotion(registration: Registration) -> None:
    """Tell someone who has come off the waiting list that the place is theirs."""
    send(registration, "event_promoted", f"A place is now free for you: {registration.meeting.title}")


def send_cancellation(registration: Registration) -> None:
    """Tell someone registered or waiting that the event is cancelled."""
    send_transactional(
        registration.email,
        f"Cancelled: {registration.meeting.title}",
        "event_cancelled",
        registration=registration,
        meeting=registration.meeting,
    )
