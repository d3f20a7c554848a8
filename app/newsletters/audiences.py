"""Audiences: who a bulletin may go to.

A filter is JSON over an allow-list of fields, turned into SQLAlchemy conditions
here and nowhere else; nothing a user types reaches SQL as text. Whatever the
filter says, recipients are active members with a live bulletin consent whose
address is not suppressed.
"""

from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select

from app.clock import today
from app.errors import InvalidRequest
from app.extensions import db
from app.members import services as members
from app.members.models import Consent, Member, Topic
from app.members.schemas import MAX_ID
from app.members.vocab import CONTACT_TYPES, SELF_REPORTED_AGE_BANDS, STATUSES
from app.newsletters import kinds
from app.newsletters.models import Audience, Suppression
from app.organisations.models import Practice
from app.transactions import transactional

PURPOSE = "bulletin"

# The fields every audience may filter on; kinds of message add their own (app/newsletters/kinds.py),
# and anything else in a filter is refused.
FILTER_FIELDS = (
    "topics",
    "practice_ids",
    "pcn_ids",
    "contact_types",
    "age_bands",
    "statuses",
    "opened_last",
    # Current members of a group (roster): a Patient Cabinet, a PPG, the young people's group.
    "roster_ids",
    # IMD 2025 deciles of where members live (needs the postcode lookup; 1 = most deprived).
    "imd_deciles",
)
# Engagement: "opened any of the last N bulletins", N from this list.
OPENED_LAST_CHOICES = (1, 2, 3, 6, 12)


def allowed_fields() -> tuple[str, ...]:
    """Every field a filter may use: the audience's own, then those the kinds of message add."""
    return FILTER_FIELDS + tuple(kinds.audience_sources())


def clean_filter(raw) -> dict:
    """A filter with only allowed fields and known values, or InvalidRequest with field errors."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidRequest("The filter must be an object.", 400, {"filter": "Must be an object"})
    errors = {}
    allowed = allowed_fields()
    unknown = set(raw) - set(allowed)
    for name in sorted(unknown):
        errors[name] = "You cannot filter on this field"
    cleaned: dict = {}
    for name in allowed:
        values = raw.get(name)
        if values in (None, "", []):
            continue
        if not isinstance(values, list):
            values = [values]
        try:
            cleaned[name] = _check_values(name, values)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidRequest("The audience filter has problems.", 400, errors)
    return cleaned


def record_ids(values: list, message: str) -> list[int]:
    """Distinct ids in order, or ValueError(message) if one is not a whole number a database id could be."""
    try:
        ids = sorted({int(v) for v in values})
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if any(not 1 <= i <= MAX_ID for i in ids):
        raise ValueError(message)
    return ids


def _check_values(name: str, values: list) -> list:
    if name == "opened_last":
        try:
            n = int(values[0])
        except (TypeError, ValueError):
            raise ValueError("Choose how many recent bulletins") from None
        if n not in OPENED_LAST_CHOICES or len(values) != 1:
            raise ValueError("Choose how many recent bulletins")
        return [n]
    if name == "topics":
        known = {t.slug for t in members.active_topics()}
        if not all(isinstance(v, str) and v in known for v in values):
            raise ValueError("Choose topics from the list")
        return sorted(set(values))
    if name == "imd_deciles":
        try:
            deciles = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise ValueError("Choose deciles from 1 to 10") from None
        if any(d < 1 or d > 10 for d in deciles):
            raise ValueError("Choose deciles from 1 to 10")
        return deciles
    source = kinds.audience_sources().get(name)
    if source is not None:
        return source.check(values)
    if name == "roster_ids":
        from app.rosters.models import Roster

        ids = record_ids(values, "Choose groups from the list")
        found = db.session.scalar(select(func.count()).select_from(Roster).where(Roster.id.in_(ids)))
        if found != len(ids):
            raise ValueError("Choose groups from the list")
        return ids
    if name in ("practice_ids", "pcn_ids"):
        ids = record_ids(values, "Choose from the list")
        if name == "practice_ids":
            found = db.session.scalar(select(func.count()).select_from(Practice).where(Practice.id.in_(ids)))
        else:
            from app.organisations.models import PCN

            found = db.session.scalar(select(func.count()).select_from(PCN).where(PCN.id.in_(ids)))
        if found != len(ids):
            raise ValueError("Choose from the list")
        return ids
    vocab = {"contact_types": CONTACT_TYPES, "age_bands": SELF_REPORTED_AGE_BANDS, "statuses": STATUSES}[name]
    if not all(isinstance(v, str) and v in vocab for v in values):
        raise ValueError("Choose from the list")
    return sorted(set(values))


def _filter_conditions(filters: dict) -> list:
    conditions = [Member.status != "erased"]
    if filters.get("topics"):
        conditions.append(Member.topics.any(Topic.slug.in_(filters["topics"])))
    if filters.get("practice_ids"):
        conditions.append(Member.practice_id.in_(filters["practice_ids"]))
    if filters.get("pcn_ids"):
        conditions.append(Member.practice_id.in_(select(Practice.id).where(Practice.pcn_id.in_(filters["pcn_ids"]))))
    if filters.get("contact_types"):
        conditions.append(Member.contact_type.in_(filters["contact_types"]))
    if filters.get("age_bands"):
        on = today()
        conditions.append(db.or_(*[members.age_band_condition(code, on) for code in filters["age_bands"]]))
    if filters.get("statuses"):
        conditions.append(Member.status.in_(filters["statuses"]))
    if filters.get("opened_last"):
        from app.newsletters.models import Campaign, Delivery

        recent = (
            select(Campaign.id)
            .where(Campaign.status == "sent")
            .order_by(Campaign.finished_at.desc())
            .limit(filters["opened_last"][0])
        )
        conditions.append(
            exists().where(
                Delivery.member_id == Member.id,
                Delivery.campaign_id.in_(recent),
                Delivery.first_open_at.is_not(None),
            )
        )
    if filters.get("roster_ids"):
        from app.rosters.models import RosterMembership

        conditions.append(
            exists().where(
                RosterMembership.member_id == Member.id,
                RosterMembership.roster_id.in_(filters["roster_ids"]),
                RosterMembership.status == "active",
            )
        )
    if filters.get("imd_deciles"):
        from app.representation.deprivation import postcodes_in_deciles

        conditions.append(Member.search_postcode.in_(postcodes_in_deciles(filters["imd_deciles"])))
    for name, source in kinds.audience_sources().items():
        if filters.get(name):
            conditions.append(source.condition(filters[name]))
    return conditions


# What an ordinary campaign may be about, as the sender chooses it: purpose -> who gets it.
CAMPAIGN_PURPOSES = {
    "bulletin": "People who asked for the e-bulletin",
    "involvement": "People who asked to hear about involvement opportunities",
}


def purpose_of(campaign) -> str:
    """The consent a campaign's recipients must have given: the one its kind needs (surveys for a
    survey's invitations), else the purpose its sender chose (the e-bulletin unless they chose otherwise)."""
    return kinds.kind_of(campaign).purpose or getattr(campaign, "purpose", None) or PURPOSE


def _live_consent(purpose: str = PURPOSE):
    return exists().where(Consent.member_id == Member.id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None))


# Reasons that stay for good: a hard bounce or a spam complaint is not undone by ticking a box.
LASTING_REASONS = ("bounce", "complaint")


def _suppressed(purpose: str = PURPOSE):
    """The address is suppressed, unless only by an unsubscribe the member has since taken back.

    Giving bulletin consent again (preferences page, staff, sign-up) makes a new Consent row;
    one given after the unsubscribe was recorded lifts that suppression and no other. An
    unsubscribe from the e-bulletin does not stop survey invitations (their consent is its own);
    a bounce or complaint stops everything.
    """
    if purpose != PURPOSE:
        return exists().where(
            Suppression.email_normalised == Member.email_normalised, Suppression.reason.in_(LASTING_REASONS)
        )
    # The member is the outer query's and the suppression the enclosing EXISTS's: only Consent is this
    # subquery's own. Left to itself, the member would be taken as a second, unrelated table.
    consented_since = (
        exists()
        .where(
            Consent.member_id == Member.id,
            Consent.purpose == PURPOSE,
            Consent.withdrawn_at.is_(None),
            Consent.given_at > Suppression.created_at,
        )
        .correlate_except(Consent)
    )
    return exists().where(
        Suppression.email_normalised == Member.email_normalised,
        db.or_(Suppression.reason.in_(LASTING_REASONS), ~consented_since),
    )


def may_receive(purpose: str = PURPOSE):
    """The condition on Member for anyone a bulletin may go to: active, consenting to `purpose`, not suppressed."""
    return and_(
        Member.status == "active",
        Member.email_normalised.is_not(None),
        _live_consent(purpose),
        ~_suppressed(purpose),
    )


def reachable_by_text():
    """The condition on Member for someone a campaign's text message version goes to instead of its email:
    they prefer texts, have a mobile that has not failed, and agreed to texts."""
    return and_(
        Member.preferred_channel == "sms",
        Member.mobile != "",
        Member.mobile_failed_at.is_(None),
        _live_consent("text_messages"),
    )


def recipients_query(filters: dict, purpose: str = PURPOSE):
    """SELECT member ids the audience may be sent to."""
    return select(Member.id).where(*_filter_conditions(filters), may_receive(purpose))


def postal_query(filters: dict, purpose: str = PURPOSE):
    """SELECT members of the audience who may be sent information by post: active and consenting to
    `purpose`, with or without an email address (a suppressed email address stops no letter)."""
    return select(Member).where(*_filter_conditions(filters), Member.status == "active", _live_consent(purpose))


@dataclass
class AudienceCount:
    matching: int  # members the filter matches, any status but erased
    recipients: int
    not_active: int
    no_consent: int
    suppressed: int


def count(filters: dict, purpose: str = PURPOSE) -> AudienceCount:
    """How many the filter matches, how many would receive, and why the rest are left out."""
    conditions = _filter_conditions(filters)
    active = Member.status == "active"
    consent = _live_consent(purpose)
    suppressed = _suppressed(purpose)
    row = db.session.execute(
        select(
            func.count(),
            func.count().filter(~active),
            func.count().filter(and_(active, ~consent)),
            func.count().filter(and_(active, consent, suppressed)),
        )
        .select_from(Member)
        .where(*conditions)
    ).one()
    matching, not_active, no_consent, suppressed_n = (int(v or 0) for v in row)
    recipients = db.session.scalar(select(func.count()).select_from(recipients_query(filters, purpose).subquery()))
    return AudienceCount(matching, recipients, not_active, no_consent, suppressed_n)


def list_audiences() -> list[Audience]:
    return list(db.session.scalars(select(Audience).order_by(Audience.kind, Audience.name)))


@transactional
def save_audience(name: str, filters, kind: str = "segment", audience: Audience | None = None) -> Audience:
    """A saved list or segment whose filter passed the allow-list."""
    name = (name or "").strip()
    if not name:
        raise InvalidRequest("Give the audience a name.", 400, {"name": "Enter a name"})
    if len(name) > 200:
        raise InvalidRequest("Shorten the audience's name.", 400, {"name": "Name must be 200 characters or fewer"})
    if kind not in ("list", "segment"):
        raise InvalidRequest("Choose list or segment.", 400, {"kind": "Choose list or segment"})
    cleaned = clean_filter(filters)
    if audience is None:
        audience = Audience()
        db.session.add(audience)
    audience.name, audience.kind, audience.filter = name, kind, cleaned
    db.session.flush()
    return audience
