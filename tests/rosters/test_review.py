"""Eligibility over time, with a frozen clock: renewals, ageing out, PCN moves, lapsing."""

from datetime import date, datetime

from app import clock
from app.organisations import services as organisations
from app.rosters.review import due_for_review
from app.rosters.tasks import review_memberships
from tests.factories import create_member, create_pcn, create_practice
from tests.rosters.factories import add, create_roster


def _freeze(monkeypatch, day: date):
    monkeypatch.setattr(clock, "now", lambda: datetime(day.year, day.month, day.day, 9, 0))


def _reasons(**kwargs):
    return sorted((i.membership.member_id, i.reason) for i in due_for_review(**kwargs))


def test_renewal_due_within_n_days(monkeypatch):
    _freeze(monkeypatch, date(2026, 1, 1))
    roster = create_roster(term_months=12)
    soon = create_member()
    later = create_member()
    add(roster, soon, starts_on=date(2025, 2, 1))
    add(roster, later, starts_on=date(2025, 12, 1))
    assert _reasons(within_days=31) == [(soon.id, "renewal_due")]
    assert _reasons(within_days=10) == []


def test_ageing_out_of_young_peoples_group(monkeypatch):
    roster = create_roster("YPHA", "young_people", max_age=25)
    member = create_member(date_of_birth=date(2000, 6, 15))
    _freeze(monkeypatch, date(2026, 1, 1))
    add(roster, member, starts_on=date(2026, 1, 1))
    _freeze(monkeypatch, date(2026, 6, 14))
    assert _reasons() == []
    _freeze(monkeypatch, date(2026, 6, 15))
    items = due_for_review()
    assert [(i.reason, i.detail) for i in items] == [("aged_out", "Now 26; the group is for people aged 25 or under")]


def test_practice_moving_pcn_is_flagged():
    north = create_pcn("U11111", "North PCN")
    south = create_pcn("U22222", "South PCN")
    practice = create_practice("M92001", pcn=north)
    roster = create_roster("North chairs", "ppg_chairs", pcn_id=north.id)
    member = create_member(practice_id=practice.id)
    add(roster, member, starts_on=clock.today())
    assert _reasons() == []
    organisations.save_practice(practice, "M92001", practice.name, "", south.id)
    assert practice.pcn_changed_at is not None
    assert _reasons() == [(member.id, "moved_pcn")]


def test_member_lapsed_from_network_is_flagged():
    roster = create_roster()
    member = create_member()
    add(roster, member, starts_on=clock.today())
    member.status = "lapsed"
    from app.extensions import db

    db.session.commit()
    assert _reasons() == [(member.id, "lapsed")]


def test_scheduled_job_counts_by_reason(monkeypatch):
    _freeze(monkeypatch, date(2026, 1, 1))
    roster = create_roster(term_months=1)
    add(roster, create_member(), starts_on=date(2025, 12, 20))
    counts = review_memberships(30)
    assert counts["renewal_due"] == 1 and counts["aged_out"] == 0


def test_a_young_person_known_only_by_age_band_is_flagged_after_a_year(monkeypatch):
    roster = create_roster("YPHA", "young_people", max_age=24)
    banded = create_member(date_of_birth=None, age_band="16_24")
    born = create_member(date_of_birth=date(2008, 6, 15))
    _freeze(monkeypatch, date(2026, 1, 1))
    add(roster, banded, starts_on=date(2026, 1, 1))
    add(roster, born, starts_on=date(2026, 1, 1))
    _freeze(monkeypatch, date(2026, 12, 31))
    assert _reasons() == []
    _freeze(monkeypatch, date(2027, 1, 1))
    [item] = due_for_review()
    assert (item.membership.member_id, item.reason) == (banded.id, "age_unconfirmed")
    assert "16 to 24" in item.detail and "date of birth" in item.detail
