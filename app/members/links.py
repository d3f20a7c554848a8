"""Absolute, signed links that emails carry: confirm an address, manage preferences.

Built from PUBLIC_BASE_URL rather than the current request, so that jobs running
outside a request (bulletins, reminders) make the same links as the web pages.
"""

from flask import current_app

from app import tokens
from app.members.models import Member


def _absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def confirm_url(member: Member) -> str:
    """The double opt-in link; it expires after CONFIRM_TOKEN_MAX_AGE seconds."""
    return _absolute("/get-involved/confirm/" + tokens.sign("confirm", {"m": member.id}))


def preferences_url(member: Member) -> str:
    """The member's own preferences page; it expires after PREFERENCES_TOKEN_MAX_AGE seconds."""
    return _absolute("/preferences/" + tokens.sign("preferences", {"m": member.id}))
