"""Retention: inactive members lapse, long-lapsed members are erased; the dry run changes nothing."""

from datetime import date, datetime

import pytest

import app.clock
import app.members.retention
import app.members.services
from app.audit.models import AuditLogEntry
from app.extensions import db
from app.members import retention
from app.members.models import ErasureRecord, Member
from app.settings.services import save_settings
from tests.factories import create_member

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 10, 0)


@pytest.fixture
def frozen_clock(monkeypatch):
    """The application's clock stands still at NOW."""
    monkeypatch.setattr(app.clock, "now", lambda: NOW)
    monkeypatch.setattr(app.clock, "today", lambda: TODAY)
    # services imported the functions by name; freeze those references too.
    monkeypatch.setattr(app.members.services, "now", lambda: NOW)
    monkeypatch.setattr(app.members.services, "today", lambda: TODAY)
    monkeypatch.setattr(app.members.retention, "today", lambda: TODAY)


@pytest.fixture
def people(frozen_clock):
    """Four members: recently active, inactive for 25 months, lapsed 13 months ago, lapsed 10 months ago."""
    save_settings({"retention_lapse_months": "24", "retention_erase_months": "12"})
    recent = create_member("recent@example.org", first_name="Recent")
    recent.last_activity_at = datetime(2025, 12, 1)
    inactive = create_member("inactive@example.org", first_name="Inactive")
    inactive.last_activity_at = datetime(2024, 5, 1)
    old_lapsed = create_member("oldlapsed@example.org", first_name="Old")
    old_lapsed.status, old_lapsed.status_changed_at = "lapsed", datetime(2025, 4, 30)
    new_lapsed = create_member("newlapsed@example.org", first_name="New")
    # Lapsed 10 months before TODAY: kept now, though the real calendar may be past the erase date.
    new_lapsed.status, new_lapsed.status_changed_at = "lapsed", datetime(2025, 8, 1)
    db.session.commit()
    return {"recent": recent.id, "inactive": inactive.id, "old_lapsed": old_lapsed.id, "new_lapsed": new_lapsed.id}


def statuses(people) -> dict[str, str]:
    db.session.expire_all()
    return {name: db.session.get(Member, member_id).status for name, member_id in people.items()}


def test_dry_run_reports_counts_and_changes_nothing(app, people):
    result = app.test_cli_runner().invoke(args=["maintenance", "retention", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 would be lapsed, 1 would be erased" in result.output
    assert statuses(people) == {
        "recent": "active",
        "inactive": "active",
        "old_lapsed": "lapsed",
        "new_lapsed": "lapsed",
    }
    assert db.session.scalar(db.select(db.func.count()).select_from(ErasureRecord)) == 0


def test_retention_lapses_the_inactive_and_erases_the_long_lapsed(app, people):
    result = app.test_cli_runner().invoke(args=["maintenance", "retention"])
    assert result.exit_code == 0, result.output
    assert "1 lapsed, 1 erased" in result.output
    assert statuses(people) == {
        "recent": "active",
        "inactive": "lapsed",
        "old_lapsed": "erased",
        "new_lapsed": "lapsed",
    }
    inactive = db.session.get(Member, people["inactive"])
    assert inactive.status_changed_at == NOW, "the lapse is dated by the application's clock"
    assert [e.kind for e in inactive.events][0] == "lapsed"
    erased = db.session.get(Member, people["old_lapsed"])
    assert erased.email is None and erased.first_name == ""
    assert db.session.scalar(db.select(ErasureRecord.reason)) == "retention"
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "erase"))
    assert entry.record_id == str(people["old_lapsed"]) and entry.staff_user_id is None


def test_a_member_erased_by_the_retention_run_gives_their_event_place_to_the_first_waiting(app, people, outbox):
    from datetime import timedelta

    from app.rosters import events
    from app.rosters.models import Registration
    from tests.rosters.factories import create_meeting

    event = create_meeting(None, NOW + timedelta(days=14), title="Big Chat", capacity=1, registration_open=True)
    events.register(event, "Old Lapsed", "oldlapsed@example.org", member_id=people["old_lapsed"])
    events.register(event, "Ann Able", "ann@example.org")

    result = app.test_cli_runner().invoke(args=["maintenance", "retention"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    places = {r.name: r.status for r in db.session.scalars(db.select(Registration))}
    assert places == {"(erased)": "cancelled", "Ann Able": "registered"}
    [offer] = outbox()
    assert offer["to"] == "ann@example.org" and offer["subject"].startswith("A place is now free")
    assert "http://localhost/events/cancel/" in offer["text"]


def test_a_member_lapsed_today_is_not_erased_in_the_same_run(app, people):
    retention.apply_retention(TODAY)
    retention.apply_retention(TODAY)
    assert statuses(people)["inactive"] == "lapsed", "waits the full erase period after lapsing"


def test_zero_months_turns_each_step_off(app, people):
    save_settings({"retention_lapse_months": "0", "retention_erase_months": "0"})
    result = app.test_cli_runner().invoke(args=["maintenance", "retention"])
    assert "0 lapsed, 0 erased" in result.output
    assert statuses(people)["inactive"] == "active" and statuses(people)["old_lapsed"] == "lapsed"


def test_daily_runs_retention(app, people):
    result = app.test_cli_runner().invoke(args=["maintenance", "daily"])
    assert result.exit_code == 0, result.output
    assert "retention: lapsed: 1, erased: 1" in result.output
    assert statuses(people)["old_lapsed"] == "erased"


def test_daily_counts_roster_memberships_due_for_renewal(app):
    from datetime import timedelta

    from app import clock
    from tests.factories import create_member
    from tests.rosters.factories import add, create_roster

    roster = create_roster()
    add(
        roster,
        create_member(),
        starts_on=clock.today() - timedelta(days=300),
        term_ends_on=clock.today() + timedelta(days=10),
    )
    add(
        roster,
        create_member(),
        starts_on=clock.today() - timedelta(days=30),
        term_ends_on=clock.today() + timedelta(days=300),
    )
    result = app.test_cli_runner().invoke(args=["maintenance", "daily"])
    assert result.exit_code == 0, result.output
    assert "renewal_due: 1" in result.output


def test_schedule_without_redis_says_to_use_cron(app):
    result = app.test_cli_runner().invoke(args=["maintenance", "schedule"])
    assert result.exit_code != 0
    assert "flask maintenance daily" in result.output


def test_on_mondays_staff_who_run_groups_get_a_summary_of_members_to_review(app, outbox):
    from datetime import timedelta

    from app.maintenance.services import review_roster_memberships
    from tests.factories import create_staff_user
    from tests.rosters.factories import add, create_roster

    monday, tuesday = date(2026, 11, 23), date(2026, 11, 24)
    engagement, comms = create_staff_user("engagement"), create_staff_user("comms")
    roster = create_roster("Patient Cabinet")
    add(
        roster,
        create_member(first_name="Private", last_name="Person"),
        starts_on=monday - timedelta(days=300),
        term_ends_on=monday + timedelta(days=10),
    )

    review_roster_memberships(tuesday)
    assert outbox() == []
    review_roster_memberships(monday)
    [message] = outbox()
    assert message["to"] == engagement.email != comms.email
    assert "Renewal due: 1" in message["text"] and "/staff/rosters/review" in message["text"]
    assert "Private" not in message["text"] and "Person" not in message["html"]

    save_settings({"roster_review_email": "no"})
    review_roster_memberships(monday)
    assert len(outbox()) == 1
