"""Every staff page of organisations, rosters and meetings, with every role and with no sign-in."""

import pytest
from flask import g, url_for

from app.auth.permissions import ROLES, role_can
from tests.factories import create_member, create_practice, create_staff_user, login
from tests.rosters.factories import add, create_meeting, create_roster

BLUEPRINTS = ("organisations", "rosters", "meetings")


def _forget() -> None:
    for name in list(g):
        g.pop(name, None)


def _fixtures():
    practice = create_practice()
    roster = create_roster()
    member = create_member()
    membership = add(roster, member)
    meeting = create_meeting(roster)
    from app.rosters.meetings import mark_attendance

    mark_attendance(meeting, {member.id: "attended"})
    from app.extensions import db
    from app.rosters.models import Attendance

    attendance = db.session.scalar(db.select(Attendance))
    pcn_id = None
    return {
        "practice_id": practice.id,
        "roster_id": roster.id,
        "membership_id": membership.id,
        "meeting_id": meeting.id,
        "attendance_id": attendance.id,
        "pcn_id": pcn_id,
        "fmt": "csv",
    }


def _pages(app, ids):
    pages = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in BLUEPRINTS or "GET" not in rule.methods:
            continue
        if "pcn_id" in rule.arguments:
            continue  # no PCN in these fixtures; the PCN list covers the permission
        view = app.view_functions[rule.endpoint]
        with app.test_request_context():
            url = url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments})
        pages.append((url, view.required_permission))
    return pages


def test_every_page_is_guarded(app):
    ids = _fixtures()
    pages = _pages(app, ids)
    assert len(pages) >= 20
    for role in [None, *ROLES]:
        client = app.test_client()
        # The test's app context outlives each request; forget whoever signed in before.
        _forget()
        if role:
            login(client, create_staff_user(role))
        for url, permission in pages:
            _forget()
            status = client.get(url).status_code
            if role is None:
                assert status == 302, (url, role, status)
            elif role_can(role, permission):
                assert status == 200, (url, role, status)
            else:
                assert status == 403, (url, role, status)


@pytest.mark.parametrize("role,allowed", [("admin", True), ("engagement", True), ("comms", False), ("analyst", False)])
def test_payments_for_admin_and_engagement_only(app, role, allowed):
    assert role_can(role, "payments.view") is allowed
