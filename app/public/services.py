"""The public journey's own operations: carrying a sign-up between steps, the
emails it sends, and turning links back into members.

Member records themselves change only through app.members.services.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale, gettext

from app import tokens
from app.clock import now
from app.extensions import db
from app.i18n import current_language, member_locale
from app.jobs import enqueue, with_app_context
from app.mail import send_transactional
from app.mail.backends import DeliveryError
from app.members import links
from app.members import services as members
from app.members.models import Member
from app.members.vocab import CONSENT_METHODS
from app.validation import FieldError, normalise_email

log = logging.getLogger(__name__)


def N_(text: str) -> str:
    """Marks an email's subject for the catalogues; _send translates it into the member's language."""
    return text


# The sources a person's own sign-up gives a new member: the website, or a device or link at an event.
SIGNUP_SOURCES = ("web_form", "event")


def _step_max_age() -> int:
    return current_app.config["SIGNUP_STEP_MAX_AGE"]


def _reference(member: Member) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"signup-step:{member.id}:{member.created_at.isoformat()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def signup_token(result: members.SignUpResult) -> str:
    """A short-lived token for the equality step. It names the new member only as an
    HMAC; for an address already known it holds random bytes of the same shape, so
    the token reveals nothing and can never reach the existing record."""
    reference = _reference(result.member) if result.created else secrets.token_hex(16)
    return tokens.sign("signup", {"r": reference})


def signup_token_expired(token: str | None) -> bool:
    """Whether a genuine sign-up token has run out of time (true for new and known addresses alike)."""
    try:
        tokens.verify("signup", token or "", max_age=_step_max_age())
    except tokens.BadToken as exc:
        return exc.expired
    return False


def member_for_signup_token(token: str | None) -> Member | None:
    """The pending member a sign-up token was made for, or None (expired, forged, known address)."""
    if not token:
        return None
    try:
        data = tokens.verify("signup", token, max_age=_step_max_age())
    except tokens.BadToken:
        return None
    reference = data.get("r") if isinstance(data, dict) else None
    if not isinstance(reference, str):
        return None
    since = now() - timedelta(seconds=_step_max_age() + 60)
    candidates = db.session.scalars(
        db.select(Member).where(
            Member.status == "pending",
            Member.source.in_(SIGNUP_SOURCES),
            Member.created_at >= since,
        )
    )
    for member in candidates:
        if hmac.compare_digest(_reference(member), reference):
            return member
    return None


@dataclass
class ConfirmRequest:
    member: Member
    rejoin_purposes: list[str]
    method: str


def confirm_request(token: str) -> ConfirmRequest | None:
    """What a confirm link asks for, or None when the link is bad, expired or its member erased."""
    member = member_from_link("confirm", token)
    if member is None:
        return None
    data = tokens.verify("confirm", token)
    purposes = data.get("p")
    purposes = [p for p in purposes if p in members.CONTACT_PURPOSES] if isinstance(purposes, list) else []
    method = data.get("h") if data.get("h") in CONSENT_METHODS else "web_form"
    return ConfirmRequest(member, purposes, method)


def member_from_link(purpose: str, token: str) -> Member | None:
    """The member a confirm or preferences link names, or None when the link is bad,
    expired, or the member has been erased."""
    max_age = current_app.config["CONFIRM_TOKEN_MAX_AGE" if purpose == "confirm" else "PREFERENCES_TOKEN_MAX_AGE"]
    try:
        data = tokens.verify(purpose, token, max_age=max_age)
    except tokens.BadToken:
        return None
    # {"m": id} from a single link; a bare id from a bulletin's batch-signed links.
    member_id = data.get("m") if isinstance(data, dict) else data
    if not isinstance(member_id, int):
        return None
    member = members.get_member(member_id)
    if member is None or member.status == "erased" or not member.email:
        return None
    return member


def _organisation() -> str:
    return current_app.config["ORGANISATION_NAME"]


def _send(member: Member, subject: str, template: str, page_language: str | None = None, **context) -> None:
    """Send in the member's language when we have a translation of it (Welsh, Urdu), else in the
    language of the page they asked from, else in English."""
    try:
        with force_locale(member_locale(member.communication_language, page_language)):
            send_transactional(
                member.email,
                gettext(subject),
                template,
                member=member,
                organisation_name=_organisation(),
                preferences_url=links.preferences_url(member),
                **context,
            )
    except DeliveryError:
        # The person can ask again (sign up again, or ask for a new link); nothing else depends on it.
        log.warning("could not send %s email to member %s", template, member.id)


@with_app_context
def send_confirmation(
    member_id: int, rejoin_purposes=None, method: str = "web_form", page_language: str | None = None
) -> None:
    """Email the double opt-in link, only while the member is still pending (or, to rejoin,
    still unsubscribed or lapsed)."""
    member = members.get_member(member_id)
    waiting = ("unsubscribed", "lapsed") if rejoin_purposes else ("pending",)
    if member is None or member.status not in waiting or not member.email or not _may_email(member.id):
        return
    _send(
        member,
        N_("Confirm your email address"),
        "confirm",
        page_language,
        confirm_url=links.confirm_url(member, rejoin_purposes, method),
        days=max(1, current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400),
    )


@with_app_context
def send_preferences_link(member_id: int, page_language: str | None = None) -> None:
    """Email a fresh preferences link to a member who is not erased."""
    member = members.get_member(member_id)
    if member is None or member.status == "erased" or not member.email or not _may_email(member.id):
        return
    _send(member, N_("Your link to manage your preferences"), "preferences_link", page_language)


@with_app_context
def send_already_signed_up(member_id: int, page_language: str | None = None) -> None:
    """Tell an active member who signed up again that they already are, with a fresh preferences link."""
    member = members.get_member(member_id)
    if member is None or member.status != "active" or not member.email or not _may_email(member.id):
        return
    _send(member, N_("You are already signed up"), "already_signed_up", page_language)


def _may_email(member_id: int) -> bool:
    """Counts one more unasked-for email to this member today; False once they have had their share."""
    from limits import RateLimitItemPerDay

    from app.extensions import limiter

    allowed = limiter.limiter.hit(
        RateLimitItemPerDay(current_app.config["UNASKED_EMAILS_PER_DAY"]), "involve-unasked-email", str(member_id)
    )
    if not allowed:
        log.info("member %s has had today's unasked-for emails; not sending another", member_id)
    return allowed


def queue_confirmation(result: members.SignUpResult) -> None:
    """Save first, then send: the job reloads the member and checks it is still pending
    (or, for someone already signed up, still active)."""
    if result.send_confirmation:
        enqueue(send_confirmation, result.member.id, result.rejoin_purposes, result.method, current_language())
    elif result.send_preferences_link:
        enqueue(send_already_signed_up, result.member.id, current_language())


def request_preferences_link(address: str) -> None:
    """Send a fresh link if the address belongs to a member; say nothing either way."""
    try:
        email = normalise_email(address)
    except FieldError:
        return
    member = members.find_by_email(email)
    if member is not None and member.status != "erased":
        enqueue(send_preferences_link, member.id, current_language())


def preferences_path(member: Member) -> str:
    """The preferences page of a member, as a link within the site."""
    return url_for("public.preferences", token=tokens.sign("preferences", {"m": member.id}))
