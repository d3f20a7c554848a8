"""Eligibility over time: who is due for renewal, aged out, moved PCN or lapsed from the network."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_

from app import clock
from app.extensions import db
from app.members.models import Member
from app.members.vocab import SELF_REPORTED_AGE_BANDS, age_on
from app.organisations.models import Practice
from app.rosters.models import Roster, RosterMembership

REASONS = {
    "renewal_due": "Renewal due",
    "aged_out": "Aged out of the group",
    "age_unconfirmed": "Age known only as a band",
    "moved_pcn": "Practice no longer in the group's PCN",
    "left_practice": "No longer registered at the group's practice",
    "lapsed": "Left or lapsed from the network",
}


@dataclass
class ReviewItem:
    membership: RosterMembership
    reason: str
    detail: str


def due_for_review(within_days: int = 30, on: date | None = None, roster_id: int | None = None) -> list[ReviewItem]:
    """Every current membership that needs a look on `on`, with the reason; each query is set-based."""
    on = on or clock.today()
    base = (
        db.select(RosterMembership)
        .join(Roster, Roster.id == RosterMembership.roster_id)
        .join(Member, Member.id == RosterMembership.member_id)
        .where(RosterMembership.status == "active", Roster.archived_at.is_(None))
        .options(db.contains_eager(RosterMembership.roster), db.contains_eager(RosterMembership.member))
    )
    if roster_id is not None:
        base = base.where(RosterMembership.roster_id == roster_id)
    items: list[ReviewItem] = []

    horizon = on + timedelta(days=within_days)
    for m in db.session.scalars(
        base.where(RosterMembership.term_ends_on.is_not(None), RosterMembership.term_ends_on <= horizon)
    ):
        when = "was" if m.term_ends_on < on else "is"
        items.append(ReviewItem(m, "renewal_due", f"Term end {when} {m.term_ends_on:%-d %B %Y}"))

    # Anyone born on or before this date is older than max_age on `on`: compared in Python per roster
    # because the limit differs per roster; the query narrows to age-limited rosters with a birth date.
    for m in db.session.scalars(base.where(Roster.max_age.is_not(None), Member.date_of_birth.is_not(None))):
        age = age_on(m.member.date_of_birth, on)
        if age > m.roster.max_age:
            items.append(
                ReviewItem(m, "aged_out", f"Now {age}; the group is for people aged {m.roster.max_age} or under")
            )

    # Someone who joined with only a self-reported age band cannot be seen to age out; after a
    # year in an age-limited group, ask for their date of birth.
    a_year_ago = on - timedelta(days=365)
    for m in db.session.scalars(
        base.where(
            or_(Roster.max_age.is_not(None), Roster.min_age.is_not(None)),
            Member.date_of_birth.is_(None),
            RosterMembership.starts_on <= a_year_ago,
        )
    ):
        band = SELF_REPORTED_AGE_BANDS.get(m.member.age_band, ("no age band",))[0]
        items.append(
            ReviewItem(
                m,
                "age_unconfirmed",
                f"Joined {m.starts_on:%-d %B %Y} with an age band only ({band}); ask for their date of birth",
            )
        )

    pcn_query = (
        base.outerjoin(Practice, Practice.id == Member.practice_id)
        .where(Roster.pcn_id.is_not(None))
        .where(or_(Practice.pcn_id.is_(None), Practice.pcn_id != Roster.pcn_id))
    )
    for m in db.session.scalars(pcn_query):
        items.append(ReviewItem(m, "moved_pcn", f"The member's practice is not in {m.roster.pcn.name} now"))

    practice_query = base.where(
        Roster.practice_id.is_not(None),
        or_(Member.practice_id.is_(None), Member.practice_id != Roster.practice_id),
    )
    for m in db.session.scalars(practice_query):
        items.append(ReviewItem(m, "left_practice", "The member's practice is now a different one"))

    for m in db.session.scalars(base.where(and_(Member.status.in_(("lapsed", "unsubscribed", "erased"))))):
        items.append(ReviewItem(m, "lapsed", f"Network status: {m.member.status}"))

    items.sort(key=lambda i: (i.membership.roster.name, i.reason, i.membership.id))
    return items


def counts_by_reason(items: list[ReviewItem]) -> dict[str, int]:
    counts = dict.fromkeys(REASONS, 0)
    for item in items:
        counts[item.reason] += 1
    return counts
