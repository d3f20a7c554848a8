"""Rosters and memberships: the lifecycle rules. Every write is one transaction.

History is kept: ending a membership keeps its row with the date and reason; renewing or
changing role on a later day ends one row the day before the next starts. A person holds at most
one row in a group on any day, so a change made on the day a row started changes that row (and
the audit log says what changed). ends_on is inclusive: the last day the row covers.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_

from app import clock
from app.audit import services as audit
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.members.vocab import CONTACT_TYPES
from app.organisations.models import PCN, Practice
from app.rosters.eligibility import eligibility_problems
from app.rosters.models import Roster, RosterMembership
from app.rosters.vocab import END_REASONS, ROLES, ROSTER_KINDS
from app.transactions import transactional

log = logging.getLogger(__name__)

CURRENT = ("invited", "active")


# ----- reading -------------------------------------------------------------


def get_roster(roster_id: int) -> Roster | None:
    return db.session.get(Roster, roster_id)


def get_membership(membership_id: int) -> RosterMembership | None:
    return db.session.get(RosterMembership, membership_id)


def list_rosters(include_archived: bool = False) -> list[Roster]:
    query = db.select(Roster).order_by(Roster.name)
    if not include_archived:
        query = query.where(Roster.archived_at.is_(None))
    return list(db.session.scalars(query))


def current_counts() -> dict[int, int]:
    """Active members per roster id, in one query."""
    query = (
        db.select(RosterMembership.roster_id, func.count())
        .where(RosterMembership.status == "active")
        .group_by(RosterMembership.roster_id)
    )
    return dict(db.session.execute(query).all())


def active_count(roster_id: int) -> int:
    return db.session.scalar(
        db.select(func.count()).where(RosterMembership.roster_id == roster_id, RosterMembership.status == "active")
    )


def ppgs_by_practice() -> dict[int, Roster]:
    query = db.select(Roster).where(Roster.kind == "ppg", Roster.archived_at.is_(None), Roster.practice_id.is_not(None))
    return {r.practice_id: r for r in db.session.scalars(query)}


def rosters_for_practice(practice: Practice) -> list[Roster]:
    conditions = [Roster.practice_id == practice.id]
    if practice.pcn_id:
        conditions.append(Roster.pcn_id == practice.pcn_id)
    return list(db.session.scalars(db.select(Roster).where(or_(*conditions)).order_by(Roster.name)))


def current_memberships(roster: Roster) -> list[RosterMembership]:
    """Invited and active memberships, chair first, then by name."""
    order = {role: i for i, role in enumerate(ROLES)}
    rows = list(
        db.session.scalars(
            db.select(RosterMembership)
            .join(Member)
            .where(RosterMembership.roster_id == roster.id, RosterMembership.status.in_(CURRENT))
            .options(db.contains_eager(RosterMembership.member))
            .order_by(Member.last_name, Member.first_name)
        )
    )
    return sorted(rows, key=lambda m: (m.status != "active", order.get(m.role, 99)))


def membership_history(roster: Roster, limit: int = 200) -> list[RosterMembership]:
    return list(
        db.session.scalars(
            db.select(RosterMembership)
            .where(RosterMembership.roster_id == roster.id, RosterMembership.status == "ended")
            .order_by(RosterMembership.ended_at.desc(), RosterMembership.id.desc())
            .limit(limit)
        )
    )


def covering(day: date):
    """The condition for rows that held a place in their group on `day` (ends_on is the last day covered)."""
    return (
        RosterMembership.status.in_(("active", "ended")),
        RosterMembership.starts_on <= day,
        or_(RosterMembership.ends_on.is_(None), RosterMembership.ends_on >= day),
    )


def memberships_on(roster_id: int, day: date) -> list[RosterMembership]:
    """Who was in the roster on `day` and in which role: one row per person, by name."""
    return list(
        db.session.scalars(
            db.select(RosterMembership)
            .join(Member)
            .where(RosterMembership.roster_id == roster_id, *covering(day))
            .options(db.contains_eager(RosterMembership.member))
            .order_by(Member.last_name, Member.first_name, RosterMembership.id)
        )
    )


def memberships_of(member: Member) -> list[RosterMembership]:
    return list(
        db.session.scalars(
            db.select(RosterMembership)
            .where(RosterMembership.member_id == member.id)
            .order_by(RosterMembership.starts_on.desc(), RosterMembership.id.desc())
        )
    )


# ----- rosters -------------------------------------------------------------


@dataclass
class RosterInput:
    name: str
    kind: str
    purpose: str = ""
    target_size: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    practice_id: int | None = None
    pcn_id: int | None = None
    contact_types: list = field(default_factory=list)
    term_months: int | None = None


def check_roster_input(data: RosterInput) -> dict[str, str]:
    errors = {}
    data.name = (data.name or "").strip()
    data.purpose = (data.purpose or "").strip()
    if not data.name:
        errors["name"] = "Enter a name for the group"
    elif len(data.name) > 200:
        errors["name"] = "The name must be 200 characters or fewer"
    if data.kind not in ROSTER_KINDS:
        errors["kind"] = "Choose the type of group"
    for name, low, high in (
        ("target_size", 1, 10000),
        ("min_age", 0, 120),
        ("max_age", 0, 120),
        ("term_months", 1, 120),
    ):
        value = getattr(data, name)
        if value is not None and not (low <= value <= high):
            errors[name] = f"Enter a whole number from {low} to {high}"
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        errors["max_age"] = "The highest age must be the same as or more than the lowest age"
    if data.practice_id is not None and db.session.get(Practice, data.practice_id) is None:
        errors["practice_id"] = "Choose a practice from the list"
    if data.pcn_id is not None and db.session.get(PCN, data.pcn_id) is None:
        errors["pcn_id"] = "Choose a PCN from the list"
    if data.kind == "ppg" and data.practice_id is None:
        errors["practice_id"] = "Choose the practice this PPG belongs to"
    if data.kind == "ppg_chairs" and data.pcn_id is None:
        errors["pcn_id"] = "Choose the PCN this chairs group belongs to"
    if set(data.contact_types or []) - set(CONTACT_TYPES):
        errors["contact_types"] = "Choose contact types from the list"
    return errors


@transactional
def save_roster(roster: Roster | None, data: RosterInput) -> Roster:
    """Create or change a roster; bad input changes nothing."""
    errors = check_roster_input(data)
    if errors:
        raise InvalidRequest("There is a problem with the group details.", 400, errors)
    if roster is None:
        roster = Roster()
        db.session.add(roster)
    for name in RosterInput.__dataclass_fields__:
        setattr(roster, name, getattr(data, name))
    roster.contact_types = sorted(set(data.contact_types or []))
    db.session.flush()
    audit.record("change", "roster", roster.id)
    return roster


@transactional
def set_archived(roster: Roster, archived: bool) -> None:
    """Archive (no new members, kept for history) or restore a roster."""
    roster.archived_at = clock.now() if archived else None
    audit.record("change", "roster", roster.id, "archived" if archived else "restored")


# ----- memberships ---------------------------------------------------------


LAST_YEAR = 2199  # later dates are typing mistakes, and term arithmetic near year 9999 overflows


def _add_months(on: date, months: int) -> date:
    month = on.month - 1 + months
    year, month = on.year + month // 12, month % 12 + 1
    if year > LAST_YEAR:
        message = f"The term would end after {LAST_YEAR}: enter an earlier start date or a term end date"
        raise InvalidRequest(message + ".", 400, {"starts_on": message})
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month, min(on.day, days[month - 1]))


def default_term_end(roster: Roster, starts_on: date) -> date | None:
    return _add_months(starts_on, roster.term_months) if roster.term_months else None


def _overlapping(roster_id: int, member_id: int, starts_on: date, ends_on: date | None, exclude_id=None):
    """The member's row in this roster (current or ended) sharing a day with starts_on..ends_on, if any."""
    query = db.select(RosterMembership).where(
        RosterMembership.roster_id == roster_id,
        RosterMembership.member_id == member_id,
        or_(RosterMembership.ends_on.is_(None), RosterMembership.ends_on >= starts_on),
    )
    if ends_on is not None:
        query = query.where(RosterMembership.starts_on <= ends_on)
    if exclude_id is not None:
        query = query.where(RosterMembership.id != exclude_id)
    return db.session.scalar(query.order_by(RosterMembership.starts_on).limit(1))


def _overlap_message(existing: RosterMembership, starts_on: date) -> str:
    if existing.starts_on > starts_on:
        return (
            f"This member has another membership of this group from {existing.starts_on:%-d %B %Y}; "
            "give this one an end date before then"
        )
    if existing.status == "ended":
        return (
            f"This member was in this group until {existing.ends_on:%-d %B %Y}; "
            f"a new membership can start from {existing.ends_on + timedelta(days=1):%-d %B %Y}"
        )
    return (
        f"This member is already {existing.status} in this group from {existing.starts_on:%-d %B %Y}; "
        "end that membership first"
    )


def _check_new_membership(roster, member, role, starts_on, ends_on, term_ends_on, status, exclude_id=None):
    errors = {}
    if roster.archived:
        raise InvalidRequest("This group is archived: restore it before adding members.", 409)
    if member is None or member.status == "erased":
        errors["member_id"] = "Choose a member of the network"
    if role not in ROLES:
        errors["role"] = "Choose a role from the list"
    if status not in CURRENT:
        errors["status"] = "Choose invited or active"
    if starts_on is None:
        errors["starts_on"] = "Enter the date the membership starts"
    for name, value in (("starts_on", starts_on), ("ends_on", ends_on), ("term_ends_on", term_ends_on)):
        if value is not None and not 1900 <= value.year <= LAST_YEAR:
            errors[name] = f"Enter a date from 1900 to {LAST_YEAR}"
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date must be on or after the start date"
    if starts_on and term_ends_on and term_ends_on < starts_on:
        errors["term_ends_on"] = "The term end must be on or after the start date"
    if errors:
        return errors
    existing = _overlapping(roster.id, member.id, starts_on, ends_on, exclude_id)
    if existing is not None:
        errors["member_id"] = _overlap_message(existing, starts_on)
        return errors
    problems = eligibility_problems(roster, member, starts_on)
    if problems:
        errors["member_id"] = "This member is not eligible: " + " ".join(problems)
    return errors


@transactional
def add_membership(
    roster: Roster,
    member_id: int | None,
    role: str = "member",
    starts_on: date | None = None,
    term_ends_on: date | None = None,
    ends_on: date | None = None,
    status: str = "active",
    staff_user_id: int | None = None,
) -> RosterMembership:
    """Add a member to a roster, or refuse with field errors and write nothing."""
    member = db.session.get(Member, member_id) if member_id else None
    starts_on = starts_on or clock.today()
    if starts_on.year > LAST_YEAR:
        message = f"Enter a date from 1900 to {LAST_YEAR}"
        raise InvalidRequest("The member could not be added.", 400, {"starts_on": message})
    term_ends_on = term_ends_on or default_term_end(roster, starts_on)
    errors = _check_new_membership(roster, member, role, starts_on, ends_on, term_ends_on, status)
    if errors:
        raise InvalidRequest("The member could not be added.", 400, errors)
    membership = RosterMembership(
        roster=roster,
        member=member,
        role=role,
        status=status,
        starts_on=starts_on,
        ends_on=ends_on,
        term_ends_on=term_ends_on,
        staff_user_id=staff_user_id,
    )
    db.session.add(membership)
    db.session.flush()
    audit.record("change", "roster_membership", membership.id, f"added to roster {roster.id} as {role}")
    log.info("member %s added to roster %s", member.id, roster.id)
    return membership


def _end(membership: RosterMembership, ends_on: date, reason: str) -> None:
    membership.status = "ended"
    membership.ends_on = ends_on
    membership.end_reason = reason
    membership.ended_at = clock.now()


@transactional
def end_membership(membership: RosterMembership, ends_on: date | None, reason: str) -> RosterMembership:
    """End a current membership with a reason; the row stays as history."""
    ends_on = ends_on or clock.today()
    errors = {}
    if membership.status == "ended":
        raise InvalidRequest("This membership has already ended.", 409)
    if reason not in END_REASONS:
        errors["reason"] = "Choose why the membership is ending"
    if ends_on < membership.starts_on:
        errors["ends_on"] = f"The end date must be on or after the start date ({membership.starts_on:%-d %B %Y})"
    else:
        later = _overlapping(membership.roster_id, membership.member_id, membership.starts_on, ends_on, membership.id)
        if later is not None:
            errors["ends_on"] = (
                f"The end date must be before {later.starts_on:%-d %B %Y}, when the next membership starts"
            )
    if errors:
        raise InvalidRequest("The membership could not be ended.", 400, errors)
    _end(membership, ends_on, reason)
    audit.record("change", "roster_membership", membership.id, f"ended: {reason}")
    return membership


@transactional
def activate_membership(membership: RosterMembership) -> RosterMembership:
    """An invited member accepts: invited -> active, if they are still eligible. Anything else is refused."""
    if membership.status != "invited":
        raise InvalidRequest("Only an invited member can be made active.", 409)
    if membership.roster.archived:
        raise InvalidRequest("This group is archived: restore it before making members active.", 409)
    problems = eligibility_problems(membership.roster, membership.member, max(clock.today(), membership.starts_on))
    if problems:
        message = "This member is no longer eligible: " + " ".join(problems)
        raise InvalidRequest(message, 400, {"action": message})
    membership.status = "active"
    audit.record("change", "roster_membership", membership.id, "invitation accepted")
    return membership


def _lock(membership: RosterMembership) -> RosterMembership:
    # Serialise changes to one membership: a form sent twice must not start two rows.
    return db.session.scalar(
        db.select(RosterMembership)
        .where(RosterMembership.id == membership.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _change_in_place(membership: RosterMembership, reason: str, role: str, term_ends_on: date | None) -> None:
    # A second row starting the same day would put the person in the group twice on that day.
    if reason == "renewed":
        before, after = membership.term_ends_on, term_ends_on
        detail = f"renewed on the day it started: term end {before or 'none'} to {after or 'none'}"
    else:
        detail = f"role changed on the day it started: {membership.role} to {role}"
    membership.role = role
    membership.term_ends_on = term_ends_on
    audit.record("change", "roster_membership", membership.id, detail)


def _successor(membership: RosterMembership, reason: str, role: str, term_ends_on: date | None) -> RosterMembership:
    today = clock.today()
    if membership.status != "active":
        raise InvalidRequest("Only an active membership can be renewed or change role.", 409)
    roster = membership.roster
    starts_on = max(today, membership.starts_on)
    if term_ends_on is None:
        base = membership.term_ends_on if reason == "renewed" and membership.term_ends_on else starts_on
        term_ends_on = default_term_end(roster, base)
    if term_ends_on is not None and term_ends_on < starts_on:
        raise InvalidRequest("The new term end must be after today.", 400, {"term_ends_on": "Enter a later date"})
    problems = eligibility_problems(roster, membership.member, starts_on)
    if problems:
        raise InvalidRequest("This member is not eligible: " + " ".join(problems), 400, {"member_id": problems[0]})
    if starts_on == membership.starts_on:
        _change_in_place(membership, reason, role, term_ends_on)
        return membership
    later = _overlapping(membership.roster_id, membership.member_id, starts_on, None, exclude_id=membership.id)
    if later is not None:
        message = f"This member has another membership of this group from {later.starts_on:%-d %B %Y}"
        raise InvalidRequest(message + ".", 409, {"action": message})
    # ends_on is the last day a row covers: the old row ends the day before the new one starts
    # (or earlier, where an end was already set).
    last_day = starts_on - timedelta(days=1)
    _end(membership, min(last_day, membership.ends_on or last_day), reason)
    db.session.flush()
    following = RosterMembership(
        roster_id=membership.roster_id,
        member_id=membership.member_id,
        role=role,
        status="active",
        starts_on=starts_on,
        term_ends_on=term_ends_on,
    )
    db.session.add(following)
    db.session.flush()
    audit.record("change", "roster_membership", following.id, f"{reason} from membership {membership.id}")
    return following


@transactional
def renew_membership(membership: RosterMembership, term_ends_on: date | None = None) -> RosterMembership:
    """Start a new term: the same row on the day it started, otherwise a new row the day after the old one ends."""
    membership = _lock(membership)
    return _successor(membership, "renewed", membership.role, term_ends_on)


@transactional
def change_role(membership: RosterMembership, role: str) -> RosterMembership:
    """Give a member a new role from today, keeping one row per day: in place on the day the row started."""
    if role not in ROLES:
        raise InvalidRequest("Choose a role from the list.", 400, {"role": "Choose a role from the list"})
    membership = _lock(membership)
    if role == membership.role:
        return membership
    return _successor(membership, "role_changed", role, membership.term_ends_on)
