"""Who a roster is made of, in aggregate only, with small numbers suppressed.

Categories use the member-record codes that map to Census 2021 (members.equality), so
these tables can be set beside the representativeness baseline later.
"""

from sqlalchemy import func

from app import clock
from app.extensions import db
from app.members import equality
from app.members.models import EqualityAnswers, Member
from app.members.vocab import SELF_REPORTED_AGE_BANDS, age_on, self_reported_band_for_age
from app.rosters.models import RosterMembership
from app.statistics.suppression import suppress_table

NOT_KNOWN = "Not known or prefer not to say"

CHARACTERISTICS = {
    "ethnic_group": ("Ethnic group", equality.ETHNIC_GROUPS),
    "sex": ("Sex", equality.SEXES),
    "disability": ("Disability", equality.DISABILITY),
}


def _active_members(roster_id: int):
    return (
        db.select(RosterMembership.member_id)
        .where(RosterMembership.roster_id == roster_id, RosterMembership.status == "active")
        .scalar_subquery()
    )


def composition(roster_id: int) -> dict[str, dict]:
    """{characteristic: {"label", "rows"}} of suppressed counts for the roster's active members."""
    members = _active_members(roster_id)
    today = clock.today()
    ages = {label: 0 for _, (label, _, _) in SELF_REPORTED_AGE_BANDS.items()}
    ages[NOT_KNOWN] = 0
    for born, band in db.session.execute(
        db.select(Member.date_of_birth, Member.age_band).where(Member.id.in_(members))
    ):
        code = self_reported_band_for_age(age_on(born, today)) if born else band
        ages[SELF_REPORTED_AGE_BANDS[code][0] if code in SELF_REPORTED_AGE_BANDS else NOT_KNOWN] += 1
    total = sum(ages.values())
    result = {"age_band": {"label": "Age band", "rows": suppress_table(ages)}}
    for name, (label, table) in CHARACTERISTICS.items():
        column = getattr(EqualityAnswers, name)
        found = dict(
            db.session.execute(
                db.select(column, func.count()).where(EqualityAnswers.member_id.in_(members)).group_by(column)
            ).all()
        )
        counts = {value[0]: found.get(code, 0) for code, value in table.items()}
        known = sum(counts.values())
        counts[NOT_KNOWN] = total - known
        result[name] = {"label": label, "rows": suppress_table(counts)}
    return result
