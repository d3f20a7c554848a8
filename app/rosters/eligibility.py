"""Who may belong to a roster, and why someone may not, in words staff can act on.

Each reason names both what the group asks for and what the member's record says, so a
refusal shows where the record or the group's settings need putting right.
"""

from datetime import date

from app import clock
from app.members.models import Member
from app.members.vocab import CONTACT_TYPES, SELF_REPORTED_AGE_BANDS, age_on
from app.rosters.models import Roster


def _age_range_text(roster: Roster) -> str:
    if roster.min_age is not None and roster.max_age is not None:
        return f"aged {roster.min_age} to {roster.max_age}"
    if roster.max_age is not None:
        return f"aged {roster.max_age} or under"
    return f"aged {roster.min_age} or over"


def eligibility_rules(roster: Roster) -> list[str]:
    """Who may join the group, in plain words, one rule a line (always at least the network rule)."""
    rules = []
    if roster.min_age is not None or roster.max_age is not None:
        rules.append(
            f"People {_age_range_text(roster)} (from their date of birth, or an age band wholly in that range)"
        )
    if roster.practice_id is not None:
        rules.append(f"Patients registered with {roster.practice.name}")
    if roster.pcn_id is not None:
        rules.append(f"Patients of a practice in {roster.pcn.name}")
    if roster.contact_types:
        rules.append("Contacts recorded as: " + ", ".join(CONTACT_TYPES[c].lower() for c in roster.contact_types))
    rules.append("Members of the network who are active or have not yet confirmed their email address")
    return rules


NOT_IN_NETWORK = {
    "unsubscribed": "This member has unsubscribed from the network.",
    "lapsed": "This member's membership of the network has lapsed.",
    "erased": "This member's record has been erased.",
}


def _practice_problem(roster: Roster, member: Member) -> str | None:
    wanted = roster.practice
    if member.practice_id == wanted.id:
        return None
    needed = f"The group is for patients of {wanted.name}"
    held = member.practice
    if held is None:
        return f"{needed}; this member's record has no GP practice."
    if held.name.casefold() == wanted.name.casefold():
        return (
            f"{needed} ({wanted.ods_code}); this member is registered with another practice of the same name "
            f"({held.ods_code}). Check which one is right on the member's record."
        )
    return f"{needed}; this member is registered with {held.name}."


def _pcn_problem(roster: Roster, member: Member) -> str | None:
    held = member.practice
    if held is not None and held.pcn_id == roster.pcn_id:
        return None
    needed = f"The group is for patients of practices in {roster.pcn.name}"
    if held is None:
        return f"{needed}; this member's record has no GP practice."
    if held.pcn is None:
        return f"{needed}; this member's practice, {held.name}, is not in a primary care network on record."
    return f"{needed}; this member's practice, {held.name}, is in {held.pcn.name}."


def eligibility_problems(roster: Roster, member: Member, on: date | None = None) -> list[str]:
    """Why `member` may not belong to `roster` on a date, each reason naming what the record says:
    an empty list means eligible."""
    on = on or clock.today()
    problems = []
    if roster.min_age is not None or roster.max_age is not None:
        low = roster.min_age if roster.min_age is not None else 0
        high = roster.max_age if roster.max_age is not None else 200
        if member.date_of_birth:
            age = age_on(member.date_of_birth, on)
            if not low <= age <= high:
                problems.append(f"The group is for people {_age_range_text(roster)}; this member is {age}.")
        elif member.age_band in SELF_REPORTED_AGE_BANDS:
            label, band_low, band_high = SELF_REPORTED_AGE_BANDS[member.age_band]
            band_high = 200 if band_high is None else band_high
            if not (low <= band_low and band_high <= high):
                problems.append(
                    f"The group is for people {_age_range_text(roster)}; this member gave their age as "
                    f"{label.lower()}, so add the member's date of birth to show they are."
                )
        else:
            problems.append(
                f"The group is for people {_age_range_text(roster)}; the member's age is not known: "
                "add their date of birth."
            )
    if roster.practice_id is not None:
        problems.append(_practice_problem(roster, member))
    if roster.pcn_id is not None:
        problems.append(_pcn_problem(roster, member))
    if roster.contact_types and member.contact_type not in roster.contact_types:
        allowed = ", ".join(CONTACT_TYPES[c].lower() for c in roster.contact_types)
        held = CONTACT_TYPES.get(member.contact_type, member.contact_type).lower()
        problems.append(f"The group is for contacts of these types: {allowed}; this member is recorded as: {held}.")
    if member.status not in ("active", "pending"):
        problems.append(NOT_IN_NETWORK.get(member.status, "The member is not an active member of the network."))
    return [p for p in problems if p]
