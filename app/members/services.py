"""Operations on members. Each write is one transaction; logs carry ids only."""

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext

from app.audit import services as audit
from app.auth.permissions import role_can
from app.clock import now, today
from app.errors import InvalidRequest
from app.extensions import db
from app.i18n import N_
from app.members import channels, equality
from app.members.consents import (  # noqa: F401  (importable from here, as before)
    _apply_channel_consents,
    _check_channels,
    _event,
    _give_consent,
    _withdraw_consent,
    stop_texts,
)
from app.members.erasure import erase_member  # noqa: F401  (importable from here, as before)
from app.members.inputs import DETAILS, MemberInput, address_errors  # noqa: F401  (importable from here)
from app.members.models import EqualityAnswers, Member, Topic
from app.members.search import (  # noqa: F401  (importable from here, as before)
    SORTS,
    MemberFilter,
    age_band_condition,
    count_by_status,
    filtered_query,
    record_list_viewed,
    search_condition,
)
from app.members.signup_events import count_sign_up
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    CONTACT_TYPES,
    DEFAULT_TOPICS,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
    STAFF_CONSENT_METHODS,
    age_on,
)
from app.transactions import transactional
from app.validation import FieldError, email_key, normalise_email, normalise_postcode

log = logging.getLogger(__name__)

CONTACT_PURPOSES = ("bulletin", "involvement", "surveys")


# ----- reading -------------------------------------------------------------


def get_member(member_id: int) -> Member | None:
    return db.session.get(Member, member_id)


def find_by_email(address: str) -> Member | None:
    return db.session.scalar(db.select(Member).where(Member.email_normalised == email_key(address)))


def active_topics() -> list[Topic]:
    return list(db.session.scalars(db.select(Topic).where(Topic.active).order_by(Topic.position, Topic.name)))


def topics_by_slug(slugs) -> list[Topic]:
    slugs = [s for s in slugs if s]
    if not slugs:
        return []
    found = list(db.session.scalars(db.select(Topic).where(Topic.slug.in_(slugs))))
    if len(found) != len(set(slugs)):
        raise FieldError(N_("Choose topics from the list"))
    return found


def age_band_of(member: Member, on: date | None = None) -> str | None:
    """The member's self-reported age band code, from date of birth when known."""
    from app.members.vocab import self_reported_band_for_age

    if member.date_of_birth:
        return self_reported_band_for_age(age_on(member.date_of_birth, on or today()))
    return member.age_band


def has_live_consent(member: Member, purpose: str) -> bool:
    return member.status == "active" and member.live_consent(purpose) is not None


@transactional
def record_member_viewed(member: Member) -> None:
    """A staff view of a member's record is in the audit log."""
    audit.record("view", "member", member.id)


def equality_answers_for(member: Member, role: str | None) -> EqualityAnswers | None:
    """An individual's equality answers, only for roles allowed to see special category data."""
    if not role_can(role, "equality.view_individual"):
        raise InvalidRequest("You do not have permission to see equality answers.", 403)
    answers = db.session.get(EqualityAnswers, member.id)
    if answers is not None:
        audit.record("view", "equality_answers", member.id)
        db.session.commit()
    return answers


def own_equality_answers(member: Member) -> EqualityAnswers | None:
    """A member's own answers, for their preferences page only (their signed link proves who they are)."""
    return db.session.get(EqualityAnswers, member.id)


# ----- validating input ----------------------------------------------------


def input_from(member: Member) -> MemberInput:
    """A member's current details as input, so that a change to some of them is validated with the rest."""
    data = MemberInput(email="")
    for name in DETAILS:
        setattr(data, name, getattr(member, name))
    data.communication_needs = list(member.communication_needs or [])
    data.topics = [t.slug for t in member.topics]
    return data


# (field, label, the column's length)
TEXT_LIMITS = (
    ("first_name", N_("First name"), 100),
    ("last_name", N_("Last name"), 100),
    ("phone", N_("Phone number"), 30),
    ("communication_language", N_("Language"), 100),
)


def check_member_input(data: MemberInput) -> dict[str, str]:
    """Normalise `data` in place; return {field: message} for everything wrong."""
    errors: dict[str, str] = {}
    try:
        data.email = normalise_email(data.email)
    except FieldError as exc:
        errors["email"] = str(exc)
    try:
        data.postcode = normalise_postcode(data.postcode)
    except FieldError as exc:
        errors["postcode"] = str(exc)
    errors |= address_errors(data)
    # Refused rather than cut short: a record must hold what the person gave, or say why not.
    for name, label, longest in TEXT_LIMITS:
        value = (getattr(data, name) or "").strip()
        setattr(data, name, value)
        if len(value) > longest:
            errors[name] = lazy_gettext(
                N_("%(label)s must be %(longest)s characters or fewer"), label=lazy_gettext(label), longest=longest
            )
    if data.contact_type not in CONTACT_TYPES:
        errors["contact_type"] = N_("Choose a contact type from the list")
    if data.age_band and data.age_band not in SELF_REPORTED_AGE_BANDS:
        errors["age_band"] = N_("Choose an age band from the list")
    unknown_needs = set(data.communication_needs or []) - set(COMMUNICATION_NEEDS)
    if unknown_needs:
        errors["communication_needs"] = N_("Choose communication needs from the list")
    try:
        data.mobile = channels.normalise_uk_mobile(data.mobile)
    except FieldError as exc:
        errors["mobile"] = str(exc)
    data.preferred_channel = data.preferred_channel or "email"
    if data.channel_consents is not None and not set(data.channel_consents) <= set(channels.CHANNEL_CONSENT_PURPOSES):
        errors["channel_consents"] = N_("Choose the ways they agreed to be contacted from the list")
    if data.channel_consent_method not in CONSENT_METHODS:
        errors["channel_consent_method"] = "Choose how they agreed to be contacted"
    if data.how_heard and data.how_heard not in HOW_HEARD:
        errors["how_heard"] = N_("Choose how you heard about us from the list")
    if data.practice_id is not None:
        from app.organisations.models import Practice

        if db.session.get(Practice, data.practice_id) is None:
            errors["practice_id"] = N_("Choose a GP practice from the list")
    try:
        topics_by_slug(data.topics or [])
    except FieldError as exc:
        errors["topics"] = str(exc)
    return errors


def _apply(member: Member, data: MemberInput) -> list[str]:
    """Copy validated input onto a member; return the names of fields that changed."""
    changed = []
    for name in DETAILS:
        value = getattr(data, name)
        if getattr(member, name) != value:
            setattr(member, name, value)
            changed.append(name)
    needs = sorted(set(data.communication_needs or []))
    if sorted(member.communication_needs or []) != needs:
        member.communication_needs = needs
        changed.append("communication_needs")
    if data.date_of_birth:
        member.age_band = None
    member.email_normalised = email_key(member.email)
    topics = topics_by_slug(data.topics or [])
    if {t.id for t in member.topics} != {t.id for t in topics}:
        member.topics = topics
        changed.append("topics")
    return changed


def check_equality_answers(answers: dict) -> dict[str, str]:
    errors = {}
    for name in equality.QUESTIONS:
        if not equality.valid(name, answers.get(name)):
            errors[name] = N_("Choose an answer from the list")
    background = answers.get("ethnic_background")
    group = answers.get("ethnic_group")
    if background and background != equality.PREFER_NOT_TO_SAY and group and group != equality.PREFER_NOT_TO_SAY:
        if equality.ETHNIC_BACKGROUNDS.get(background, (None,))[0] != group:
            errors["ethnic_background"] = N_("Choose a background that belongs to the ethnic group you chose")
    return errors


def _store_equality(member: Member, answers: dict) -> None:
    row = db.session.get(EqualityAnswers, member.id) if member.id else None
    if row is None:
        row = EqualityAnswers(member_id=member.id)
        db.session.add(row)
    kept = equality.tidy({name: answers.get(name) or None for name in equality.QUESTIONS})
    for name in equality.QUESTIONS:
        setattr(row, name, kept[name])
    for name in equality.FREE_TEXT_FIELDS:
        setattr(row, name, (answers.get(name) or "").strip()[:200])
    row.updated_at = now()


# ----- writing -------------------------------------------------------------


@dataclass
class SignUpResult:
    member: Member
    created: bool
    send_confirmation: bool
    # For someone who unsubscribed or lapsed: what they asked for, applied only when they
    # confirm from their inbox (the confirm link carries it; nothing is stored meanwhile).
    rejoin_purposes: list[str] | None = None
    method: str = "web_form"
    # An active member who signs up again is emailed a fresh preferences link instead.
    send_preferences_link: bool = False
    # For an address already known: the topics and answers kept until the email is confirmed.
    pending_change_id: int | None = None


@transactional
def sign_up(
    data: MemberInput,
    purposes,
    equality_answers: dict | None = None,
    method: str = "web_form",
    signup_event_id: int | None = None,
) -> SignUpResult:
    """Record a sign-up. A known address is left as it is (nothing reveals membership);
    the confirmation is sent again only while the member is still pending, and an active
    member is told by email (never on screen) with a fresh preferences link. A sign-up at
    an event (`signup_event_id`) is counted there and a new member keeps it as their source."""
    return record_sign_up(data, purposes, equality_answers, method, signup_event_id)


def record_sign_up(
    data: MemberInput,
    purposes,
    equality_answers: dict | None = None,
    method: str = "web_form",
    signup_event_id: int | None = None,
) -> SignUpResult:
    """sign_up without the commit, for a caller that saves it together with other rows or not at all."""
    errors = check_member_input(data)
    purposes = [p for p in purposes if p in CONTACT_PURPOSES]
    if not purposes:
        errors["purposes"] = N_("Choose at least one way you would like to be involved")
    if equality_answers:
        errors.update(check_equality_answers(equality_answers))
    if errors:
        raise InvalidRequest("There is a problem with the details given.", 400, errors)
    if signup_event_id is not None:
        count_sign_up(signup_event_id)
    existing = find_by_email(data.email)
    if existing is not None:
        if existing.status == "pending":
            return SignUpResult(existing, created=False, send_confirmation=True)
        if existing.status in ("unsubscribed", "lapsed"):
            # Anyone can type an address: nothing about the member changes until the email is confirmed.
            return SignUpResult(
                existing, False, True, rejoin_purposes=[p for p in purposes if p in CONTACT_PURPOSES], method=method
            )
        return SignUpResult(existing, created=False, send_confirmation=False, send_preferences_link=True)
    member = Member(status="pending", source=method, communication_needs=[], signup_event_id=signup_event_id)
    _apply(member, data)
    db.session.add(member)
    for purpose in purposes:
        _give_consent(member, purpose, method)
    db.session.flush()
    if equality_answers and any(
        equality_answers.get(k) for k in list(equality.QUESTIONS) + list(equality.FREE_TEXT_FIELDS)
    ):
        _give_consent(member, "equality_monitoring", method)
        _store_equality(member, equality_answers)
    _event(member, "signed_up", "Signed up on the web form" if method == "web_form" else f"Signed up ({method})")
    log.info("member %s signed up", member.id)
    return SignUpResult(member, created=True, send_confirmation=True)


@transactional
def confirm_email(member_id: int, rejoin_purposes=None, method: str = "web_form") -> Member | None:
    """Pending -> active; with `rejoin_purposes`, an unsubscribed or lapsed member rejoins with
    those consents. Confirming twice changes nothing; an erased member stays erased."""
    member = get_member(member_id)
    if member is None or member.status == "erased":
        return None
    if member.status == "pending":
        member.set_status("active")
        member.confirmed_at = now()
        _event(member, "confirmed", "Confirmed their email address")
    elif member.status in ("unsubscribed", "lapsed") and rejoin_purposes:
        for purpose in rejoin_purposes:
            if purpose in CONTACT_PURPOSES:
                _give_consent(member, purpose, method if method in CONSENT_METHODS else "web_form")
        member.set_status("active")
        member.confirmed_at = now()
        _event(member, "signed_up_again", "Signed up again and confirmed their email address")
    return member


@transactional
def create_member(data: MemberInput, purposes, method: str, staff_user_id: int | None, equality_answers=None) -> Member:
    """Staff add a member with the consent source they collected (paper, event, telephone...);
    never "web form", which only the person's own confirmed sign-up can give."""
    errors = check_member_input(data)
    if method not in STAFF_CONSENT_METHODS:
        errors["method"] = "Choose how consent was given"
    purposes = [p for p in purposes if p in CONSENT_PURPOSES and p not in channels.CHANNEL_CONSENT_PURPOSES]
    if not purposes:
        errors["purposes"] = "Choose at least one purpose the person agreed to"
    _check_channels(None, data, errors)
    if not errors.get("email") and find_by_email(data.email) is not None:
        errors["email"] = "A member with this email address already exists"
    if equality_answers:
        errors.update(check_equality_answers(equality_answers))
        if "equality_monitoring" not in purposes:
            errors["purposes"] = "Equality answers need consent for equality monitoring"
    if errors:
        raise InvalidRequest("There is a problem with the details given.", 400, errors)
    member = Member(status="active", source=method, confirmed_at=now(), communication_needs=[])
    _apply(member, data)
    db.session.add(member)
    for purpose in purposes:
        _give_consent(member, purpose, method, staff_user_id)
    if data.channel_consents:
        data.channel_consent_method = method
        _apply_channel_consents(member, data, staff_user_id)
    db.session.flush()
    if equality_answers:
        _store_equality(member, equality_answers)
    _event(member, "added_by_staff", f"Added by staff; consent by {CONSENT_METHODS[method].lower()}", staff_user_id)
    audit.record("create", "member", member.id)
    return member


@transactional
def update_member(
    member: Member, data: MemberInput, staff_user_id: int | None = None, by_member: bool = False
) -> list[str]:
    """Change a member's details; the timeline names the fields changed, never their values."""
    if member.status == "erased":
        raise InvalidRequest("This member has been erased.", 409)
    errors = check_member_input(data)
    if not errors.get("email"):
        other = find_by_email(data.email)
        if other is not None and other.id != member.id:
            errors["email"] = "Another member already has this email address"
    _check_channels(member, data, errors)
    if errors:
        raise InvalidRequest("There is a problem with the details given.", 400, errors)
    changed = _apply(member, data)
    if "mobile" in changed:
        # A new number has not failed yet.
        member.mobile_failed_at = None
    changed += _apply_channel_consents(member, data, staff_user_id)
    if changed:
        who = "the member" if by_member else "staff"
        _event(member, "edited", f"Changed by {who}: " + ", ".join(changed), staff_user_id)
        if not by_member:
            audit.record("change", "member", member.id, "fields: " + ", ".join(changed))
    return changed


@transactional
def set_consents(member: Member, purposes, method: str, staff_user_id: int | None = None) -> None:
    """Make the member's live contact consents exactly `purposes` (withdrawal as easy as giving)."""
    wanted = {p for p in purposes if p in CONTACT_PURPOSES}
    for purpose in CONTACT_PURPOSES:
        if purpose in wanted:
            if member.live_consent(purpose) is None:
                _give_consent(member, purpose, method, staff_user_id)
                _event(member, "consent_given", f"Agreed to: {CONSENT_PURPOSES[purpose][0]}", staff_user_id)
        elif _withdraw_consent(member, purpose, method):
            _event(member, "consent_withdrawn", f"Withdrew: {CONSENT_PURPOSES[purpose][0]}", staff_user_id)
    if not wanted and member.status == "active":
        member.set_status("unsubscribed")
    elif wanted and member.status == "unsubscribed":
        member.set_status("active")
    if staff_user_id is not None:
        audit.record("change", "member", member.id, "contact consents: " + (", ".join(sorted(wanted)) or "none"))


@transactional
def save_equality_answers(member: Member, answers: dict, method: str = "web_form") -> None:
    """Store answers with explicit consent for equality monitoring (given by saving them)."""
    errors = check_equality_answers(answers)
    if errors:
        raise InvalidRequest("There is a problem with the answers given.", 400, errors)
    _give_consent(member, "equality_monitoring", method)
    db.session.flush()
    _store_equality(member, answers)
    _event(member, "equality_answers_changed", "Equality monitoring answers updated")


@transactional
def withdraw_equality_answers(member: Member, method: str = "web_form") -> None:
    """Delete the answers and withdraw the consent for them."""
    db.session.execute(db.delete(EqualityAnswers).where(EqualityAnswers.member_id == member.id))
    if _withdraw_consent(member, "equality_monitoring", method):
        _event(member, "equality_answers_withdrawn", "Equality monitoring answers withdrawn and deleted")


@transactional
def unsubscribe_all(member: Member, method: str = "web_form", staff_user_id: int | None = None) -> None:
    """Withdraw every contact consent at once; effective immediately."""
    if member.status == "erased":
        return
    for purpose in CONTACT_PURPOSES:
        _withdraw_consent(member, purpose, method)
    if member.status != "unsubscribed":
        member.set_status("unsubscribed")
        how = f" (recorded by staff: {CONSENT_METHODS.get(method, method).lower()})" if staff_user_id else ""
        _event(member, "unsubscribed", "Unsubscribed from everything" + how, staff_user_id)
    if staff_user_id is not None:
        audit.record("unsubscribe", "member", member.id, f"method: {method}")


@transactional
def ensure_default_topics() -> None:
    """Create the standard topics once; staff may rename or retire them later."""
    existing = set(db.session.scalars(db.select(Topic.slug)))
    for position, (slug, name) in enumerate(DEFAULT_TOPICS):
        if slug not in existing:
            db.session.add(Topic(slug=slug, name=name, position=position))
