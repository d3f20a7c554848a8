"""What the member record itself holds about a person: details, consents, equality answers, timeline."""

from app import clock
from app.extensions import db
from app.members import equality
from app.members.models import EqualityAnswers, Member, MemberEvent
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    CONTACT_TYPES,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
)
from app.personal_data import Holder, register
from app.validation import ADDRESS_FIELDS, postal_lines


def export(member: Member) -> dict:
    """The member's own record: details, consents with their exact wording, equality answers, timeline."""
    answers = db.session.get(EqualityAnswers, member.id)
    return {
        "member": {
            "id": member.id,
            "email": member.email,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "phone": member.phone,
            "mobile": member.mobile,
            "preferred_channel": member.preferred_channel,
            "postcode": member.postcode,
            "address": postal_lines(member),
            "date_of_birth": member.date_of_birth.isoformat() if member.date_of_birth else None,
            "age_band": SELF_REPORTED_AGE_BANDS[member.age_band][0] if member.age_band else None,
            "gp_practice": member.practice.name if member.practice else None,
            "signed_up_at": member.signup_event.name if member.signup_event else None,
            "contact_type": CONTACT_TYPES.get(member.contact_type, member.contact_type),
            "communication_needs": [COMMUNICATION_NEEDS.get(n, n) for n in member.communication_needs or []],
            "communication_language": member.communication_language,
            "how_heard": HOW_HEARD.get(member.how_heard, member.how_heard),
            "topics": [t.name for t in member.topics],
            "status": member.status,
            "joined": member.created_at.isoformat(),
            "confirmed": member.confirmed_at.isoformat() if member.confirmed_at else None,
        },
        "consents": [
            {
                "purpose": CONSENT_PURPOSES.get(c.purpose, (c.purpose,))[0],
                "given_at": c.given_at.isoformat(),
                "method": CONSENT_METHODS.get(c.method, c.method),
                "wording": c.wording,
                "wording_version": c.wording_version,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in member.consents
        ],
        "equality_answers": (
            {name: getattr(answers, name) for name in list(equality.QUESTIONS) + list(equality.FREE_TEXT_FIELDS)}
            if answers
            else None
        ),
        "timeline": [{"at": e.at.isoformat(), "what": e.detail or e.kind} for e in member.events],
    }


def erase(member: Member) -> None:
    """Empty the member record: equality answers and timeline deleted, details blanked, consents withdrawn."""
    db.session.execute(db.delete(EqualityAnswers).where(EqualityAnswers.member_id == member.id))
    db.session.execute(db.delete(MemberEvent).where(MemberEvent.member_id == member.id))
    member.email = None
    member.email_normalised = None
    member.first_name = ""
    member.last_name = ""
    member.phone = ""
    member.mobile = ""
    member.preferred_channel = "email"
    member.mobile_failed_at = None
    member.postcode = ""
    for name, _ in ADDRESS_FIELDS:
        setattr(member, name, "")
    member.date_of_birth = None
    member.age_band = None
    member.practice_id = None
    member.signup_event_id = None
    member.communication_needs = []
    member.communication_language = ""
    member.how_heard = ""
    member.topics = []
    for consent in member.consents:
        if consent.withdrawn_at is None:
            consent.withdrawn_at = clock.now()
            consent.withdrawn_method = "erasure"


register(
    Holder(
        name="members",
        label="Your details, consents, equality answers and the history of your record",
        covers={
            "member": (
                "email",
                "email_normalised",
                "first_name",
                "last_name",
                "phone",
                "mobile",
                "preferred_channel",
                "mobile_failed_at",
                "postcode",
                *(name for name, _ in ADDRESS_FIELDS),
                "date_of_birth",
                "age_band",
                "practice_id",
                "signup_event_id",
                "communication_needs",
                "communication_language",
                "how_heard",
                # Kept by the database from the columns above, so emptied with them.
                "search_first_name",
                "search_last_name",
                "search_email",
                "search_postcode",
            ),
            "member_topic": ("member_id",),
            "consent": ("member_id",),
            "equality_answers": (
                "member_id",
                "ethnic_group",
                "ethnic_background",
                "ethnic_other",
                "sex",
                "gender_identity_same",
                "sexual_orientation",
                "sexual_orientation_other",
                "disability",
                "disability_impact",
                "religion",
                "religion_other",
            ),
            "member_event": ("member_id", "detail"),
        },
        sections=("member", "consents", "equality_answers", "timeline"),
        export=export,
        erase=erase,
        kept=(
            "The member row stays with no personal data, its status and dates only, and each consent keeps"
            " the wording agreed to and when, marked withdrawn by erasure, so counts still add up."
        ),
    )
)
