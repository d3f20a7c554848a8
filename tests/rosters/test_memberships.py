"""Membership lifecycle rules: joining, overlapping, ending, renewing, history kept."""

from datetime import date

import pytest

from app.errors import InvalidRequest
from app.extensions import db
from app.rosters import services
from app.rosters.models import RosterMembership
from tests.factories import create_member, create_pcn, create_practice
from tests.rosters.factories import add, create_roster


def _count(roster) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(RosterMembership).where(RosterMembership.roster_id == roster.id)
    )


def test_term_end_defaults_from_term_length(frozen):
    roster = create_roster(term_months=24)
    membership = add(roster, create_member(), starts_on=date(2026, 1, 31))
    assert membership.term_ends_on == date(2028, 1, 31)


def test_overlapping_active_membership_is_refused(frozen):
    roster = create_roster()
    member = create_member()
    add(roster, member)
    with pytest.raises(InvalidRequest) as error:
        add(roster, member, starts_on=date(2026, 3, 1))
    assert "already active in this group" in error.value.errors["member_id"]
    assert _count(roster) == 1


def test_end_date_before_start_is_refused():
    roster = create_roster()
    with pytest.raises(InvalidRequest) as error:
        services.add_membership(roster, create_member().id, "member", date(2026, 5, 1), ends_on=date(2026, 4, 1))
    assert error.value.errors["ends_on"] == "The end date must be on or after the start date"
    assert _count(roster) == 0


def test_member_too_old_for_young_peoples_group_is_refused(frozen):
    roster = create_roster("YPHA", "young_people", max_age=25)
    older = create_member(date_of_birth=date(1990, 1, 1))
    with pytest.raises(InvalidRequest) as error:
        add(roster, older, starts_on=date(2026, 6, 1))
    assert "aged 25 or under; this member is 36" in error.value.errors["member_id"]
    assert _count(roster) == 0


def test_member_with_only_a_wide_age_band_cannot_prove_age(frozen):
    roster = create_roster("YPHA", "young_people", max_age=25)
    member = create_member(age_band="25_34")
    with pytest.raises(InvalidRequest) as error:
        add(roster, member)
    assert "add the member's date of birth" in error.value.errors["member_id"]


def test_ppg_needs_a_patient_of_the_practice():
    practice = create_practice("M92001", "High Street Surgery")
    other = create_practice("M92002", "Park Lane")
    roster = create_roster("High Street PPG", "ppg", practice_id=practice.id)
    add(roster, create_member(practice_id=practice.id))
    with pytest.raises(InvalidRequest) as error:
        add(roster, create_member(practice_id=other.id))
    assert "patients of High Street Surgery" in error.value.errors["member_id"]


def test_contact_type_rule():
    roster = create_roster("Carers group", "other", contact_types=["carer"])
    add(roster, create_member(contact_type="carer"))
    with pytest.raises(InvalidRequest) as error:
        add(roster, create_member(contact_type="resident"))
    assert "contacts of these types: carer" in error.value.errors["member_id"]


def test_archived_roster_takes_no_new_members():
    roster = create_roster()
    services.set_archived(roster, True)
    with pytest.raises(InvalidRequest) as error:
        add(roster, create_member())
    assert error.value.status == 409
    assert services.list_rosters() == [] and services.list_rosters(include_archived=True) == [roster]


def test_ending_keeps_the_row_and_frees_the_member_to_rejoin(frozen):
    roster = create_roster()
    member = create_member()
    membership = add(roster, member)
    with pytest.raises(InvalidRequest) as error:
        services.end_membership(membership, date(2025, 1, 1), "resigned")
    assert "on or after the start date" in error.value.errors["ends_on"]
    services.end_membership(membership, date(2026, 5, 31), "resigned")
    assert membership.status == "ended" and membership.end_reason == "resigned"
    add(roster, member, starts_on=date(2026, 6, 1))
    assert _count(roster) == 2
    assert [m.end_reason for m in services.membership_history(roster)] == ["resigned"]


def test_renewal_ends_old_term_and_starts_a_new_one(frozen):
    roster = create_roster(term_months=12)
    membership = add(roster, create_member(), role="chair", starts_on=date(2025, 6, 10))
    renewed = services.renew_membership(membership)
    assert membership.status == "ended" and membership.end_reason == "renewed"
    assert renewed.status == "active" and renewed.role == "chair"
    assert renewed.starts_on == date(2026, 6, 1) and renewed.term_ends_on == date(2027, 6, 10)
    assert [m.id for m in services.current_memberships(roster)] == [renewed.id]


def test_change_role_keeps_history(frozen):
    roster = create_roster()
    membership = add(roster, create_member())
    chair = services.change_role(membership, "chair")
    assert chair.role == "chair" and membership.role == "member" and membership.end_reason == "role_changed"
    with pytest.raises(InvalidRequest):
        services.change_role(chair, "emperor")


def test_invited_then_active():
    roster = create_roster()
    membership = add(roster, create_member(), status="invited")
    services.activate_membership(membership)
    assert membership.status == "active"
    with pytest.raises(InvalidRequest):
        services.activate_membership(membership)


def test_pcn_group_needs_a_practice_in_the_pcn():
    pcn = create_pcn("U11111", "North PCN")
    inside = create_practice("M92001", pcn=pcn)
    roster = create_roster("North chairs", "ppg_chairs", pcn_id=pcn.id)
    add(roster, create_member(practice_id=inside.id))
    with pytest.raises(InvalidRequest):
        add(roster, create_member())


def test_roster_input_errors():
    with pytest.raises(InvalidRequest) as error:
        create_roster("", "ppg", min_age=30, max_age=20)
    assert set(error.value.errors) == {"name", "practice_id", "max_age"}
