"""Absolute, signed links that emails carry: confirm an address, manage preferences.

Built from PUBLIC_BASE_URL rather than the current request, so that jobs running
outside a request (bulletins, reminders) make the same links as the web pages.
"""

from flask import current_app

from app import tokens
from app.members.models import Member


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def confirm_url(member: Member, rejoin_purposes=None, method: str = "web_form", change_id: int | None = None) -> str:
    """The double opt-in link; it expires after CONFIRM_TOKEN_MAX_AGE seconds.

    Someone rejoining carries the purposes they chose (not personal data) in the link
    itself, so nothing is stored on the member until they confirm; someone who signed up again
    carries the id of the choices they made, applied when they confirm (app/members/pending_changes.py)."""
    data = {"m": member.id}
    if rejoin_purposes:
        data |= {"p": list(rejoin_purposes), "h": method}
    if change_id is not None:
        data["c"] = change_id
    return _absolute("/get-involved/confirm/" + tokens.sign("confirm", data))


def preferences_url(member: Member) -> str:
    """The member's own preferences page; it expires after PREFERENCES_TOKEN_MAX_AGE seconds."""
    return _absolute("/preferences/" + tokens.sign("preferences", {"m": member.id}))


def event_signup_url(event) -> str:
    """The sign-up link of an event, for people's own phones (its QR code): it names the event,
    signed, and counts a sign-up there while the event is open."""
    from app.members.signup_events import device_token

    return _absolute("/get-involved/at/" + device_token(event))
