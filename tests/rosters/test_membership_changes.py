"""Renewals and role changes: on any day a person holds at most one membership row in a group.

A change on the day a row started changes that row; a change on a later day ends the old row
the day before the new one starts (ends_on is the last day a row covers).
"""

from datetime import date

import pytest

from app.audit.models import AuditLogEntry
from app.errors import InvalidRequest
from app.extensions import db
from app.rosters import services
from app.rosters.models import RosterMembership
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.rosters.factories import add, create_roster

JUNE_1 = date(2026, 6, 1)  # the frozen clock's day


def _rows(roster, member) -> list[RosterMembership]:
    return list(
        db.session.scalars(
            db.select(RosterMembership)
            .where(RosterMembership.roster_id == roster.id, RosterMembership.member_id == member.id)
            .order_by(RosterMembership.starts_on, RosterMembership.id)
        )
    )


def _audit(membership) -> list[AuditLogEntry]:
    return list(
        db.session.scalars(
            db.select(AuditLogEntry)
            .where(AuditLogEntry.record_type == "roster_membership", AuditLogEntry.record_id == str(membership.id))
            .order_by(AuditLogEntry.id)
        )
    )


def _held_on(roster, day: date) -> list[tuple[int, str]]:
    return [(m.member_id, m.role) for m in services.memberships_on(roster.id, day)]


def test_same_day_role_change_leaves_one_row_with_the_new_role(frozen):
    roster = create_roster()
    member = create_member()
    membership = add(roster, member, starts_on=JUNE_1)
    chair = services.change_role(membership, "chair")
    assert chair.id == membership.id
    assert [(r.role, r.status, r.starts_on, r.ends_on) for r in _rows(roster, member)] == [
        ("chair", "active", JUNE_1, None)
    ]
    assert _audit(membership)[-1].detail == "role changed on the day it started: member to chair"


def test_same_day_renewal_leaves_one_row_with_the_new_term(frozen):
    roster = create_roster(term_months=12)
    member = create_member()
    membership = add(roster, member, role="chair", starts_on=JUNE_1)
    assert membership.term_ends_on == date(2027, 6, 1)
    services.renew_membership(membership, date(2028, 5, 31))
    assert [(r.id, r.role, r.status, r.term_ends_on, r.ends_on) for r in _rows(roster, member)] == [
        (membership.id, "chair", "active", date(2028, 5, 31), None)
    ]
    assert _audit(membership)[-1].detail == "renewed on the day it started: term end 2027-06-01 to 2028-05-31"


def test_membership_due_to_start_later_is_changed_in_place(frozen):
    roster = create_roster(term_months=12)
    member = create_member()
    membership = add(roster, member, starts_on=date(2026, 7, 1))
    services.renew_membership(membership)
    services.change_role(membership, "vice_chair")
    assert [(r.role, r.starts_on, r.term_ends_on, r.ends_on) for r in _rows(roster, member)] == [
        ("vice_chair", date(2026, 7, 1), date(2028, 7, 1), None)
    ]


def test_change_on_a_later_day_leaves_two_rows_that_do_not_overlap(frozen):
    roster = create_roster(term_months=12)
    member = create_member()
    membership = add(roster, member, starts_on=JUNE_1)
    services.change_role(membership, "chair")
    frozen(date(2026, 9, 1))
    renewed = services.renew_membership(membership, date(2027, 8, 31))
    old, new = _rows(roster, member)
    assert (old.id, old.role, old.starts_on, old.ends_on, old.end_reason) == (
        membership.id,
        "chair",
        JUNE_1,
        date(2026, 8, 31),
        "renewed",
    )
    assert (new.id, new.role, new.starts_on, new.ends_on, new.term_ends_on) == (
        renewed.id,
        "chair",
        date(2026, 9, 1),
        None,
        date(2027, 8, 31),
    )
    for day in (JUNE_1, date(2026, 8, 31), date(2026, 9, 1)):
        assert len(services.memberships_on(roster.id, day)) == 1


def test_roster_on_the_day_lists_the_person_once_with_the_right_role(client, frozen):
    roster = create_roster()
    priya = create_member(first_name="Priya", last_name="Shah")
    other = create_member(first_name="Sam", last_name="Jones")
    add(roster, other, starts_on=date(2026, 1, 1))
    services.change_role(add(roster, priya, starts_on=JUNE_1), "chair")
    assert sorted(_held_on(roster, JUNE_1)) == sorted([(priya.id, "chair"), (other.id, "member")])

    login(client, create_staff_user("engagement"))
    exported = client.get(f"/staff/meetings/rosters/{roster.id}/members.csv").get_data().decode("utf-8-sig")
    priya_lines = [line for line in exported.splitlines() if ",Priya,Shah," in line]
    assert len(priya_lines) == 1 and ",Chair,active,2026-06-01,," in priya_lines[0]
    history = client.get(f"/staff/rosters/{roster.id}/history").get_data(as_text=True)
    assert "Priya Shah" not in history


def test_same_day_changes_from_the_staff_page(client, frozen):
    roster = create_roster(term_months=12)
    member = create_member()
    membership = add(roster, member, starts_on=JUNE_1)
    staff = create_staff_user("engagement")
    login(client, staff)
    url = f"/staff/rosters/{roster.id}/memberships/{membership.id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    role = client.post(url, data={"csrf_token": token, "action": "role", "role": "vice_chair"})
    term = {"term_ends_on-day": "31", "term_ends_on-month": "5", "term_ends_on-year": "2028"}
    renewal = client.post(url, data={"csrf_token": token, "action": "renew", **term})
    assert role.status_code == renewal.status_code == 302
    assert [(r.role, r.status, r.term_ends_on) for r in _rows(roster, member)] == [
        ("vice_chair", "active", date(2028, 5, 31))
    ]
    changes = [(e.staff_user_id, e.detail) for e in _audit(membership)[-2:]]
    assert changes == [
        (staff.id, "role changed on the day it started: member to vice_chair"),
        (staff.id, "renewed on the day it started: term end 2027-06-01 to 2028-05-31"),
    ]


def test_rejoining_on_the_day_a_membership_ended_is_refused(frozen):
    roster = create_roster()
    member = create_member()
    membership = add(roster, member, starts_on=date(2026, 1, 1))
    services.end_membership(membership, JUNE_1, "resigned")
    with pytest.raises(InvalidRequest) as error:
        add(roster, member, starts_on=JUNE_1)
    assert error.value.errors["member_id"] == (
        "This member was in this group until 1 June 2026; a new membership can start from 2 June 2026"
    )
    add(roster, member, starts_on=date(2026, 6, 2))
    assert [len(services.memberships_on(roster.id, day)) for day in (JUNE_1, date(2026, 6, 2))] == [1, 1]


def _ending_before_another():
    """A membership set to end on 30 June 2026, and the same person's next one from 1 July."""
    roster = create_roster()
    member = create_member()
    first = add(roster, member, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30))
    add(roster, member, starts_on=date(2026, 7, 1))
    return roster, member, first


def test_ending_cannot_reach_into_a_later_membership(frozen):
    _, _, first = _ending_before_another()
    with pytest.raises(InvalidRequest) as error:
        services.end_membership(first, date(2026, 7, 15), "resigned")
    assert error.value.errors["ends_on"] == "The end date must be before 1 July 2026, when the next membership starts"
    assert db.session.get(RosterMembership, first.id).status == "active"


def test_renewing_on_a_later_day_cannot_run_into_a_later_membership(frozen):
    roster, member, first = _ending_before_another()
    with pytest.raises(InvalidRequest) as error:
        services.change_role(first, "chair")
    assert error.value.errors["action"] == "This member has another membership of this group from 1 July 2026"
    assert [(r.role, r.status) for r in _rows(roster, member)] == [("member", "active"), ("member", "active")]


def test_a_backdated_membership_must_end_before_a_later_one(frozen):
    roster = create_roster()
    member = create_member()
    later = add(roster, member, starts_on=date(2026, 3, 1))
    services.end_membership(later, date(2026, 4, 30), "resigned")
    with pytest.raises(InvalidRequest) as error:
        add(roster, member, starts_on=date(2026, 1, 1))
    assert error.value.errors["member_id"] == (
        "This member has another membership of this group from 1 March 2026; give this one an end date before then"
    )
    add(roster, member, starts_on=date(2026, 1, 1), ends_on=date(2026, 2, 28))
    assert len(_rows(roster, member)) == 2
