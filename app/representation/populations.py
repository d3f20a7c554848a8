"""A roster's members as a group that can be audited beyond the whole membership.

Each group returns a SELECT of member ids; the audit only ever counts them. Higher domains
register their own groups the same way (a bulletin's readers in app/newsletters/populations.py,
a survey's respondents in app/surveys/populations.py).
"""

from sqlalchemy import select

from app.errors import InvalidRequest
from app.representation.audit import register_choices, register_population
from app.rosters import services as rosters
from app.rosters.models import RosterMembership


def _roster_members(params):
    roster = rosters.get_roster(params["roster_id"]) if params.get("roster_id") else None
    if roster is None:
        raise InvalidRequest("Choose a group to audit.", 400, {"roster_id": "Choose a group"})
    return select(RosterMembership.member_id).where(
        RosterMembership.roster_id == roster.id, RosterMembership.status == "active"
    )


register_population("roster", "Current members of a group (roster)", _roster_members)


def roster_age_limits(roster_id: int) -> tuple[int | None, int | None] | None:
    """A roster's own (youngest, oldest) ages, None for an end it leaves open; None if no such roster."""
    roster = rosters.get_roster(roster_id)
    return None if roster is None else (roster.min_age, roster.max_age)


def roster_choices() -> list[tuple[int, str]]:
    return [(r.id, r.name) for r in rosters.list_rosters()]


register_choices("rosters", roster_choices)
