"""The upgrade that removes rows a renewal or role change replaced on the day they started."""

import importlib.util
from datetime import date
from pathlib import Path

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.rosters import services
from app.rosters.models import RosterMembership
from tests.factories import create_member
from tests.rosters.factories import create_roster

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
JUNE_1, JULY_1 = date(2026, 6, 1), date(2026, 7, 1)


def _migration():
    (path,) = VERSIONS.glob("*_fold_same_day_memberships.py")
    spec = importlib.util.spec_from_file_location("fold_same_day_memberships", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(roster, member, role, starts_on, ends_on=None, reason="", term_ends_on=None):
    # Written directly, as the old service left them: the service itself no longer can.
    row = RosterMembership(
        roster_id=roster.id,
        member_id=member.id,
        role=role,
        status="ended" if ends_on else "active",
        starts_on=starts_on,
        ends_on=ends_on,
        end_reason=reason,
        term_ends_on=term_ends_on,
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def test_rows_replaced_on_their_first_day_give_way_to_their_successor():
    roster = create_roster()
    changed, renewed_twice, resigned, later_day = (create_member() for _ in range(4))
    replaced = _row(roster, changed, "member", JUNE_1, JUNE_1, "role_changed")
    chair = _row(roster, changed, "chair", JUNE_1)
    first = _row(roster, renewed_twice, "chair", JULY_1, JULY_1, "renewed", date(2027, 7, 1))
    second = _row(roster, renewed_twice, "chair", JULY_1, JULY_1, "renewed", date(2028, 7, 1))
    third = _row(roster, renewed_twice, "chair", JULY_1, term_ends_on=date(2029, 7, 1))
    # Typed by staff, or already correct: left alone.
    kept = [
        _row(roster, resigned, "member", JUNE_1, JUNE_1, "resigned"),
        _row(roster, resigned, "member", JUNE_1),
        _row(roster, later_day, "member", date(2026, 1, 1), date(2026, 5, 31), "role_changed"),
        _row(roster, later_day, "chair", JUNE_1),
    ]
    db.session.commit()

    assert _migration().fold_same_day_rows(db.session.connection()) == 3
    db.session.commit()

    remaining = db.session.scalars(db.select(RosterMembership.id).order_by(RosterMembership.id)).all()
    assert remaining == sorted([chair, third, *kept])
    repaired = (changed.id, renewed_twice.id)
    held = [(m.member_id, m.role) for m in services.memberships_on(roster.id, JULY_1) if m.member_id in repaired]
    assert sorted(held) == sorted([(changed.id, "chair"), (renewed_twice.id, "chair")])
    notes = dict(
        db.session.execute(
            db.select(AuditLogEntry.record_id, AuditLogEntry.detail).where(
                AuditLogEntry.detail.startswith("removed by upgrade")
            )
        ).all()
    )
    assert notes == {
        str(replaced): f"removed by upgrade: replaced on the day it started by membership {chair} "
        "(was member, term end none)",
        str(first): f"removed by upgrade: replaced on the day it started by membership {second} "
        "(was chair, term end 2027-07-01)",
        str(second): f"removed by upgrade: replaced on the day it started by membership {third} "
        "(was chair, term end 2028-07-01)",
    }
