"""A member's page: details, topics, needs, consents with their wording, equality answers, timeline."""

import pytest

from app.audit.models import AuditLogEntry
from app.auth import permissions
from app.extensions import db
from app.members import services as members
from tests.factories import create_member, create_practice, create_staff_user, login

EQUALITY = {
    "ethnic_group": "asian",
    "ethnic_background": "asian_pakistani",
    "religion": "muslim",
    "sex": "female",
    "sexual_orientation": "other",
    "sexual_orientation_other": "Pansexual",
}


def audit_actions(record_id=None) -> list[tuple[str, str]]:
    query = db.select(AuditLogEntry).order_by(AuditLogEntry.id)
    if record_id is not None:
        query = query.where(AuditLogEntry.record_id == str(record_id))
    return [(e.action, e.record_type) for e in db.session.scalars(query)]


def test_page_shows_details_consents_and_timeline(client):
    practice = create_practice("M92003", "Penn Surgery")
    member = create_member(
        "nadia@example.org",
        first_name="Nadia",
        last_name="Ali",
        practice_id=practice.id,
        topics=["maternity"],
        communication_needs=["large_print"],
        purposes=("bulletin", "surveys"),
    )
    members.set_consents(member, ["bulletin"], "telephone")
    login(client, create_staff_user("engagement"))
    html = client.get(f"/staff/members/{member.id}").get_data(as_text=True)

    assert "Nadia Ali" in html and "nadia@example.org" in html
    assert "Penn Surgery (M92003)" in html
    assert "Maternity" in html and "Large print" in html
    assert "Version 2026-1" in html
    assert "Invite me to take part in surveys and consultations." in html, "the exact wording is shown"
    assert "Paper form" in html, "how the consent was given"
    assert "(By telephone)" in html, "the surveys consent shows its withdrawal"
    assert "Added by staff; consent by paper form" in html
    assert "Withdrew: Surveys" in html


def test_viewing_a_member_is_in_the_audit_log(client):
    member = create_member()
    user = create_staff_user("engagement")
    login(client, user)
    client.get(f"/staff/members/{member.id}")
    entry = db.session.scalar(
        db.select(AuditLogEntry).where(AuditLogEntry.action == "view", AuditLogEntry.record_type == "member")
    )
    assert entry is not None and entry.record_id == str(member.id) and entry.staff_user_id == user.id


def test_equality_answers_shown_to_roles_allowed_and_audited(client):
    member = create_member(equality=EQUALITY)
    login(client, create_staff_user("engagement"))
    html = client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert "Equality monitoring answers" in html
    assert "Pakistani" in html and "Muslim" in html
    assert "Sexual orientation, in their own words" in html and "Pansexual" in html
    assert ("view", "equality_answers") in audit_actions(member.id)


def test_equality_answers_hidden_from_roles_without_the_permission(client, monkeypatch):
    # Engagement staff may see members; take away only the special-category permission.
    monkeypatch.setitem(permissions.PERMISSIONS, "equality.view_individual", frozenset({"admin"}))
    member = create_member(equality=EQUALITY)
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/members/{member.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Equality monitoring answers" not in html
    assert "Pakistani" not in html and "Muslim" not in html and "Pansexual" not in html
    assert ("view", "equality_answers") not in audit_actions(member.id)


def test_erased_member_shows_only_that_they_were_erased(client):
    member = create_member("gone@example.org", first_name="Gina", last_name="Gone")
    members.erase_member(member, "member_request")
    login(client, create_staff_user("engagement"))
    html = client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert f"Member {member.id} was erased" in html
    assert "Gina" not in html and "gone@example.org" not in html
    assert "Timeline" not in html


def test_unknown_member_is_not_found(client):
    login(client, create_staff_user("engagement"))
    assert client.get("/staff/members/999999").status_code == 404


@pytest.mark.parametrize("role, status", [("engagement", 200), ("comms", 403), ("analyst", 403)])
def test_who_can_see_a_member(client, role, status):
    member = create_member()
    login(client, create_staff_user(role))
    assert client.get(f"/staff/members/{member.id}").status_code == status
    if status == 403:
        assert ("view", "member") not in audit_actions(member.id)


def test_signed_out_people_cannot_see_a_member(client):
    member = create_member()
    response = client.get(f"/staff/members/{member.id}")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
