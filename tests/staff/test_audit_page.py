"""The audit log page: newest first, filter by action, pagination, who acted."""

import re

import pytest

from app.audit import services as audit
from app.auth import services as auth
from app.extensions import db
from tests.factories import create_member, create_staff_user, login


def rows(page) -> list[str]:
    return re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", page.get_data(as_text=True), re.S)[1:]


def test_entries_show_who_what_which_record_newest_first(client):
    admin = create_staff_user("admin")
    member = create_member()
    token, _ = auth.create_api_token("CRM sync", "engagement")
    audit.record("export", "member", "", "rows: 12")
    db.session.commit()
    entry = audit.record("view", "member", member.id)
    entry.api_token_id = token.id
    db.session.commit()
    login(client, admin)
    page = client.get("/staff/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    table = rows(page)
    assert "Login" in table[0] and admin.email in table[0], "signing in is the newest entry"
    assert "API token “CRM sync”" in table[1] and f"Member {member.id}" in table[1]
    assert "Export" in table[2] and "rows: 12" in table[2]
    assert "The system" in html


def test_filter_by_action_and_pagination(client):
    admin = create_staff_user("admin")
    for i in range(60):
        audit.record("export", "member", "", f"export {i}")
    audit.record("erase", "member", "7", "reason: member_request")
    db.session.commit()
    login(client, admin)
    erased = client.get("/staff/audit?action=erase")
    assert len(rows(erased)) == 1 and "reason: member_request" in erased.get_data(as_text=True)
    exports = client.get("/staff/audit?action=export")
    html = exports.get_data(as_text=True)
    assert "60 entries" in html and len(rows(exports)) == 50
    assert "export 59" in rows(exports)[0]
    assert "action=export" in re.search(r'href="([^"]*page=2[^"]*)"', html).group(1)
    second = client.get("/staff/audit?action=export&page=2")
    assert len(rows(second)) == 10 and "export 0" in rows(second)[-1]


def test_unknown_action_gets_a_message(client):
    login(client, create_staff_user("admin"))
    page = client.get("/staff/audit?action=nonsense&page=zero")
    assert page.status_code == 400
    assert "Choose an action from the list" in page.get_data(as_text=True)


@pytest.mark.parametrize("role, status", [("admin", 200), ("engagement", 403), ("comms", 403), ("analyst", 403)])
def test_only_admins_see_the_audit_log(client, role, status):
    login(client, create_staff_user(role))
    assert client.get("/staff/audit").status_code == status


def test_signed_out_people_cannot_see_the_audit_log(client):
    assert client.get("/staff/audit").status_code == 302
