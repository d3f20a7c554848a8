"""The people offered when staff add someone to a roster: eligible first, each told apart from
others of the same name by their practice, postcode district, year of birth and part of their
email address. Nothing from the equality answers is shown here.
"""

from dataclasses import dataclass, field
from datetime import date

from app import clock
from app.extensions import db
from app.members import services as members
from app.members.models import Member
from app.members.vocab import SELF_REPORTED_AGE_BANDS
from app.rosters.eligibility import eligibility_problems
from app.rosters.models import Roster

SEARCH_LIMIT = 50


@dataclass
class Candidate:
    member: Member
    details: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.problems


def postcode_district(postcode: str) -> str:
    """The outward part of a postcode (WV1 of WV1 1AA): enough to tell people apart, not to find them."""
    compact = "".join((postcode or "").split()).upper()
    return compact[:-3] if len(compact) > 3 else ""


def email_hint(email: str | None) -> str:
    """An email address with most of its first part hidden: al…@example.org."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.rpartition("@")
    return f"{local[: 2 if len(local) > 3 else 1]}…@{domain}"


def details_of(member: Member) -> list[str]:
    """What tells this member apart from another of the same name, in the order staff read it."""
    details = [member.practice.name if member.practice else "No GP practice recorded"]
    district = postcode_district(member.postcode)
    details.append(f"postcode district {district}" if district else "no postcode")
    if member.date_of_birth:
        details.append(f"born {member.date_of_birth.year}")
    elif member.age_band in SELF_REPORTED_AGE_BANDS:
        details.append(f"age {SELF_REPORTED_AGE_BANDS[member.age_band][0].lower()} (as they gave it)")
    hint = email_hint(member.email)
    details.append(f"email {hint}" if hint else "no email address")
    if member.status == "pending":
        details.append("email address not confirmed yet")
    return details


def candidates(roster: Roster, query: str, on: date | None = None) -> list[Candidate]:
    """Members matching a search, those the group can take first, each with why not where not."""
    query = (query or "").strip()
    if not query:
        return []
    on = on or clock.today()
    found = db.session.scalars(members.filtered_query(members.MemberFilter(q=query, sort="name")).limit(SEARCH_LIMIT))
    listed = [Candidate(m, details_of(m), eligibility_problems(roster, m, on)) for m in found]
    return sorted(listed, key=lambda c: not c.eligible)
