"""Loading the demo network: once, in one transaction, never in production."""

import logging
import os
import random
from dataclasses import dataclass

from app.audit import services as audit
from app.auth.models import StaffUser
from app.clock import now
from app.demo import people as synthetic
from app.demo import surveys as demo_surveys
from app.demo.population import AREA_CODE, AREA_NAME
from app.errors import InvalidRequest
from app.extensions import db
from app.members import services as members
from app.members.models import Consent, EqualityAnswers, Member, MemberEvent, Topic, member_topic
from app.members.vocab import CONSENT_PURPOSES
from app.organisations.models import PCN, Practice
from app.transactions import transactional

log = logging.getLogger(__name__)

DEMO_DOMAIN = "demo.involve.example"
# Printed on the console by `make run`; only ever used outside production.
DEMO_PASSWORD = "involve-demo-2026"  # noqa: S105
DEMO_ROLES = {
    "admin": "Priya Demo (administrator)",
    "engagement": "Sam Demo (engagement)",
    "comms": "Jordan Demo (communications)",
    "analyst": "Morgan Demo (analyst)",
}
DEFAULT_MEMBERS = 2000

# Fictional practices with ODS-style codes, grouped into fictional PCNs.
PCNS = [
    ("U91201", "Canalside PCN", ["Lockside Surgery", "Towpath Medical Practice", "Wharf Street Health Centre"]),
    ("U91202", "Heathfield PCN", ["Heathfield Family Practice", "Gorse Lane Surgery", "Bracken Medical Centre"]),
    (
        "U91203",
        "Northern Valley PCN",
        ["Valley View Surgery", "Millbrook Health Centre", "Kestrel Medical Practice", "Old Forge Surgery"],
    ),
    ("U91204", "Ridgeway PCN", ["Ridgeway Surgery", "Larkspur Medical Centre", "Beacon Family Practice"]),
    (
        "U91205",
        "Westbrook and Oakmoor PCN",
        ["Westbrook Surgery", "Oakmoor Health Centre", "Foxglove Medical Practice"],
    ),
]


@dataclass
class LoadResult:
    loaded: bool
    message: str
    members: int = 0


def demo_email(role: str) -> str:
    """The sign-in address of the demo account for a role."""
    return f"{role}@{DEMO_DOMAIN}"


def is_loaded() -> bool:
    """True once the demo staff accounts exist: the load is all-or-nothing, so the rest does too."""
    return db.session.scalar(db.select(StaffUser.id).where(StaffUser.email == demo_email("admin"))) is not None


def refuse_in_production() -> None:
    """Raise unless this is a development or test install: synthetic people never mix with real ones."""
    if os.environ.get("INVOLVE_ENV", "development") == "production":
        raise InvalidRequest("Demo data is never loaded when INVOLVE_ENV=production.", 409)


def logins() -> list[tuple[str, str]]:
    """(role, email) of the demo staff accounts that exist."""
    emails = {demo_email(role): role for role in DEMO_ROLES}
    found = set(db.session.scalars(db.select(StaffUser.email).where(StaffUser.email.in_(emails))))
    return [(role, email) for email, role in emails.items() if email in found]


def load(count: int = DEFAULT_MEMBERS, seed: int = 31) -> LoadResult:
    """Load the demo network once; a second call changes nothing; refused in production."""
    refuse_in_production()
    if is_loaded():
        return LoadResult(False, "Demo data is already loaded; nothing changed.")
    if db.session.scalar(db.select(Member.id).limit(1)) is not None:
        return LoadResult(False, "The database already holds members; demo data is only loaded into an empty one.")
    members.ensure_default_topics()
    total = _load(count, seed)
    return LoadResult(True, f"Loaded a demo network for {AREA_NAME} ({AREA_CODE}): {total} members.", total)


@transactional
def _load(count: int, seed: int) -> int:
    moment = now().replace(microsecond=0)
    practice_ids = _organisations()
    _staff()
    people = synthetic.generate(count, len(practice_ids), moment, seed)
    member_ids = _insert_members(people, practice_ids)
    _insert_topics(people, member_ids)
    _insert_consents(people, member_ids)
    _insert_equality(people, member_ids)
    _insert_events(people, member_ids)
    responses = demo_surveys.load(people, moment, seed)
    log.info("demo surveys loaded: %s responses", responses)
    log.info("demo network loaded: %s members, %s practices", len(member_ids), len(practice_ids))
    return len(member_ids)


def _organisations() -> list[int]:
    practice_ids = []
    ods_numbers = iter(range(601, 700))
    for code, name, practices in PCNS:
        pcn = PCN(code=code, name=name)
        db.session.add(pcn)
        for practice_name in practices:
            practice = Practice(
                ods_code=f"M92{next(ods_numbers)}",
                name=practice_name,
                postcode=synthetic.wv_postcode(random.Random(practice_name)),
                pcn=pcn,
            )
            db.session.add(practice)
            db.session.flush()
            practice_ids.append(practice.id)
    return practice_ids


def _staff() -> None:
    for role, name in DEMO_ROLES.items():
        user = StaffUser(email=demo_email(role), role=role, name=name)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
        audit.record("user_create", "staff_user", user.id, f"role: {role}; demo data")


def _insert_members(people, practice_ids) -> list[int]:
    rows = [
        {
            "email": p.email,
            "email_normalised": p.email.lower(),
            "first_name": p.first_name,
            "last_name": p.last_name,
            "phone": p.phone,
            "postcode": p.postcode,
            "date_of_birth": p.date_of_birth,
            "age_band": p.age_band,
            "practice_id": practice_ids[p.practice_index] if p.practice_index is not None else None,
            "contact_type": p.contact_type,
            "communication_needs": p.communication_needs,
            "communication_language": p.communication_language,
            "how_heard": p.how_heard,
            "status": p.status,
            "source": p.method,
            "created_at": p.created_at,
            "confirmed_at": p.confirmed_at,
            "status_changed_at": p.status_changed_at,
            "last_activity_at": p.last_activity_at,
            "erased_at": None,
        }
        for p in people
    ]
    result = db.session.scalars(db.insert(Member).returning(Member.id, sort_by_parameter_order=True), rows)
    return list(result)


def _insert_topics(people, member_ids) -> None:
    topic_ids = dict(db.session.execute(db.select(Topic.slug, Topic.id)).all())
    rows = [
        {"member_id": member_id, "topic_id": topic_ids[slug]}
        for p, member_id in zip(people, member_ids, strict=True)
        for slug in p.topics
        if slug in topic_ids
    ]
    db.session.execute(member_topic.insert(), rows)


def _consent_row(member_id, purpose, p, withdrawn):
    _, wording, version = CONSENT_PURPOSES[purpose]
    return {
        "member_id": member_id,
        "purpose": purpose,
        "given_at": p.created_at,
        "method": p.method,
        "wording": wording,
        "wording_version": version,
        "recorded_by_id": None,
        "withdrawn_at": p.withdrawn_at if withdrawn else None,
        "withdrawn_method": "web_form" if withdrawn and p.withdrawn_at else None,
    }


def _insert_consents(people, member_ids) -> None:
    rows = []
    for p, member_id in zip(people, member_ids, strict=True):
        for purpose in p.purposes:
            rows.append(_consent_row(member_id, purpose, p, withdrawn=p.status == "unsubscribed"))
        if p.equality is not None:
            # Equality monitoring is its own consent, kept when someone unsubscribes from mail.
            rows.append(_consent_row(member_id, "equality_monitoring", p, withdrawn=False))
    db.session.execute(db.insert(Consent), rows)


def _insert_equality(people, member_ids) -> None:
    rows = [
        {"member_id": member_id, "updated_at": p.created_at, **p.equality}
        for p, member_id in zip(people, member_ids, strict=True)
        if p.equality is not None
    ]
    db.session.execute(db.insert(EqualityAnswers), rows)


def _insert_events(people, member_ids) -> None:
    rows = [
        {"member_id": member_id, "at": at, "kind": kind, "detail": detail, "staff_user_id": None}
        for p, member_id in zip(people, member_ids, strict=True)
        for at, kind, detail in p.events
    ]
    db.session.execute(db.insert(MemberEvent), rows)
