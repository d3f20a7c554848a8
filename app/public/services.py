"""The public journey's own operations: the emails it sends, and turning links back into members.

Member records themselves change only through app.members.services.
"""

import logging
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import force_locale, gettext

from app import tokens
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


@dataclass
class ConfirmRequest:
    member: Member
    rejoin_purposes: list[str]
    method: str
    # The choices of a second sign-up that confirming applies, if any.
    change_id: int | None = None


def confirm_request(token: str) -> ConfirmRequest | None:
    """What a confirm link asks for, or None when the link is bad, expired or its member erased."""
    member = member_from_link("confirm", token)
    if member is None:
        return None
    data = tokens.verify("confirm", token)
    purposes = data.get("p")
    purposes = [p for p in purposes if p in members.CONTACT_PURPOSES] if isinstance(purposes, list) else []
    method = data.get("h") if data.get("h") in CONSENT_METHODS else "web_form"
    change = data.get("c")
    return ConfirmRequest(member, purposes, method, change if type(change) is int else None)


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
    member_id: int,
    rejoin_purposes=None,
    method: str = "web_form",
    change_id: int | None = None,
    page_language: str | None = None,
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
        confirm_url=links.confirm_url(member, rejoin_purposes, method, change_id),
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
def send_already_signed_up(member_id: int, change_id: int | None = None, page_language: str | None = None) -> None:
    """Tell an active member who signed up again that they already are, with a fresh preferences link,
    and a link to confirm the topics and answers they chose this time, if they chose any."""
    member = members.get_member(member_id)
    if member is None or member.status != "active" or not member.email or not _may_email(member.id):
        return
    confirm_url = links.confirm_url(member, change_id=change_id) if change_id is not None else None
    _send(
        member,
        N_("You are already signed up"),
        "already_signed_up",
        page_language,
        confirm_url=confirm_url,
        days=max(1, current_app.config["CONFIRM_TOKEN_MAX_AGE"] // 86400),
    )


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
        enqueue(
            send_confirmation,
            result.member.id,
            result.rejoin_purposes,
            result.method,
            result.pending_change_id,
            current_language(),
        )
    elif result.send_preferences_link:
        enqueue(send_already_signed_up, result.member.id, result.pending_change_id, current_language())


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
