"""Subject access: everything held about a member, as the member downloads it."""

from app.extensions import db
from app.members import equality
from app.members.models import EqualityAnswers, Member
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    CONTACT_TYPES,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
)


def export_member_data(member: Member) -> dict:
    """Everything held about a member (subject access), as plain JSON-ready data."""
    answers = db.session.get(EqualityAnswers, member.id)
    return {
        "member": {
            "id": member.id,
            "email": member.email,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "phone": member.phone,
            "postcode": member.postcode,
            "date_of_birth": member.date_of_birth.isoformat() if member.date_of_birth else None,
            "age_band": SELF_REPORTED_AGE_BANDS[member.age_band][0] if member.age_band else None,
            "gp_practice": member.practice.name if member.practice else None,
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
