"""Subject access: everything held about a member, as the member downloads it.

Every holder of personal data registered with app/personal_data.py adds its own sections
(the member record here; groups, attendance and event places from rosters; survey answers
from surveys), so a download holds everything kept about the person.
"""

from app.members.models import Member
from app.personal_data import holders


def export_member_data(member: Member) -> dict:
    """Everything held about a member (subject access), as plain JSON-ready data."""
    data: dict = {}
    for holder in holders():
        if holder.export is None:
            continue
        sections = holder.export(member)
        if list(sections) != list(holder.sections):
            # A section nobody declared could slip past review; a declared one missing would go unnoticed.
            raise ValueError(f"Holder {holder.name!r} exported {list(sections)}, not {list(holder.sections)}")
        data.update(sections)
    return data
