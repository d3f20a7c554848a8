"""Plain factory functions for roster tests."""

from datetime import date, datetime

from app.rosters import meetings, services
from app.rosters.models import Meeting


def create_roster(name: str = "Patient Cabinet", kind: str = "patient_cabinet", **fields):
    return services.save_roster(None, services.RosterInput(name=name, kind=kind, **fields))


def add(roster, member, role: str = "member", starts_on: date | None = None, **kwargs):
    return services.add_membership(roster, member.id, role, starts_on or date(2026, 1, 1), **kwargs)


def create_meeting(roster=None, starts_at: datetime | None = None, title: str = "Cabinet meeting", **fields) -> Meeting:
    data = meetings.MeetingInput(
        title=title,
        kind=fields.pop("kind", "cabinet_meeting" if roster else "big_chat"),
        starts_at=starts_at or datetime(2026, 3, 1, 18, 0),
        roster_id=roster.id if roster else None,
        location=fields.pop("location", "Civic Centre, Wolverhampton"),
        **fields,
    )
    return meetings.save_meeting(None, data)
