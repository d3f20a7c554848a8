"""Staff add, edit, change consents, record unsubscribes and erase: timeline, audit, bad input."""

import pytest

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.members import services as members
from app.members.models import Consent, EqualityAnswers, ErasureRecord, Member, MemberEvent
from tests.factories import create_member, create_practice, create_staff_user, csrf_token, login


@pytest.fixture
def staff(client):
    user = create_staff_user("engagement")
    login(client, user)
    return user


def post_form(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def audit_entries(action, member_id):
    return list(
        db.session.scalars(
            db.select(AuditLogEntry).where(AuditLogEntry.action == action, AuditLogEntry.record_id == str(member_id))
        )
    )


def member_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Member))


NEW_MEMBER = {
    "first_name": "Priya",
    "last_name": "Patel",
    "email": "Priya.Patel@Example.org",
    "postcode": "wv11aa",
    "date_of_birth-day": "3",
    "date_of_birth-month": "4",
    "date_of_birth-year": "1990",
    "contact_type": "carer",
    "topics": ["maternity", "mental-health"],
    "communication_needs": ["easy_read"],
    "method": "event",
    "purposes": ["bulletin", "involvement"],
}


def test_staff_add_a_member_with_the_consent_source(client, staff):
    members.ensure_default_topics()
    practice = create_practice()
    response = post_form(client, "/staff/members/new", {**NEW_MEMBER, "practice_id": str(practice.id)})
    assert response.status_code == 302
    member = db.session.scalar(db.select(Member).where(Member.email_normalised == "priya.patel@example.org"))
    assert member.status == "active" and member.postcode == "WV1 1AA" and member.practice_id == practice.id
    assert sorted(t.slug for t in member.topics) == ["maternity", "mental-health"]
    consents = {c.purpose: c for c in member.consents}
    assert set(consents) == {"bulletin", "involvement"}
    assert consents["bulletin"].method == "event" and consents["bulletin"].recorded_by_id == staff.id
    assert audit_entries("create", member.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Member added." in page and "At an event" in page


def test_adding_with_bad_input_shows_every_problem_and_writes_nothing(client, staff):
    create_member("taken@example.org")
    before = member_count()
    bad = {
        **NEW_MEMBER,
        "email": "not-an-email",
        "postcode": "XX",
        "date_of_birth-day": "31",
        "date_of_birth-month": "2",
        "method": "",
        "purposes": [],
    }
    response = post_form(client, "/staff/members/new", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Enter an email address in the correct format" in html
    assert "Enter a real postcode" in html
    assert "Date of birth must be a real date" in html
    assert "Choose how the person gave their consent" in html
    assert "Choose at least one thing the person agreed to" in html
    assert 'value="Priya"' in html, "what was typed is kept"
    assert member_count() == before

    duplicate = post_form(client, "/staff/members/new", {**NEW_MEMBER, "email": "TAKEN@example.org"})
    assert duplicate.status_code == 400
    assert "A member with this email address already exists" in duplicate.get_data(as_text=True)
    assert member_count() == before


def test_editing_records_fields_changed_in_timeline_and_audit(client, staff):
    member = create_member("old@example.org", first_name="Olu", last_name="Ade")
    url = f"/staff/members/{member.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="old@example.org"' in form
    response = post_form(
        client,
        url,
        {"first_name": "Olu", "last_name": "Adeyemi", "email": "new@example.org", "contact_type": "patient"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.last_name == "Adeyemi" and member.email == "new@example.org"
    event = db.session.scalar(
        db.select(MemberEvent).where(MemberEvent.member_id == member.id, MemberEvent.kind == "edited")
    )
    assert "last_name" in event.detail and "email" in event.detail and event.staff_user_id == staff.id
    assert "Adeyemi" not in event.detail, "the timeline names fields, never their values"
    assert audit_entries("change", member.id)


def test_editing_with_bad_input_changes_nothing(client, staff):
    member = create_member("keep@example.org", first_name="Kim", last_name="Keep")
    create_member("other@example.org")
    url = f"/staff/members/{member.id}/edit"
    response = post_form(client, url, {"first_name": "Kim", "last_name": "Changed", "email": "other@example.org"})
    assert response.status_code == 400
    assert "Another member already has this email address" in response.get_data(as_text=True)
    response = post_form(
        client, url, {"first_name": "Kim", "last_name": "Changed", "email": "keep@example.org", "postcode": "nope"}
    )
    assert response.status_code == 400 and "Enter a real postcode" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, member.id).last_name == "Keep"
    assert not audit_entries("change", member.id)


def test_changing_contact_consents_withdraws_and_gives(client, staff):
    member = create_member(purposes=("bulletin", "surveys"))
    url = f"/staff/members/{member.id}/consents"
    missing = post_form(client, url, {"purposes": ["bulletin"]})
    assert missing.status_code == 400 and "Choose how the person told you" in missing.get_data(as_text=True)
    response = post_form(client, url, {"purposes": ["bulletin", "involvement"], "method": "telephone"})
    assert response.status_code == 302
    db.session.expire_all()
    live = {
        c.purpose
        for c in db.session.scalars(
            db.select(Consent).where(Consent.member_id == member.id, Consent.withdrawn_at.is_(None))
        )
    }
    assert live == {"bulletin", "involvement"}
    html = client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert "Withdrew: Surveys" in html and "Agreed to: Involvement opportunities" in html
    assert audit_entries("change", member.id)


def test_recording_an_unsubscribe(client, staff):
    member = create_member()
    url = f"/staff/members/{member.id}/unsubscribe"
    assert post_form(client, url, {}).status_code == 400
    response = post_form(client, url, {"method": "telephone"})
    assert response.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.status == "unsubscribed"
    assert all(c.withdrawn_at is not None for c in member.consents)
    assert audit_entries("unsubscribe", member.id)
    assert "Unsubscribed from everything (recorded by staff: by telephone)" in client.get(
        f"/staff/members/{member.id}"
    ).get_data(as_text=True)


def test_erasing_needs_a_reason_and_confirmation(client, staff):
    member = create_member("erase.me@example.org", first_name="Erin", equality={"religion": "none"})
    url = f"/staff/members/{member.id}/erase"
    page = client.get(url).get_data(as_text=True)
    assert "This cannot be undone" in page
    response = post_form(client, url, {"reason": "member_request"})
    assert response.status_code == 400
    assert "Confirm that you understand erasure cannot be undone" in response.get_data(as_text=True)
    response = post_form(client, url, {"confirm": "yes"})
    assert "Choose why the personal data is being erased" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, member.id).status == "active", "nothing erased without both answers"

    response = post_form(client, url, {"reason": "member_request", "confirm": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert member.status == "erased" and member.email is None and member.first_name == ""
    assert db.session.get(EqualityAnswers, member.id) is None
    assert db.session.scalar(db.select(ErasureRecord.reason)) == "member_request"
    assert audit_entries("erase", member.id)[0].staff_user_id == staff.id
    assert "was erased" in client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert client.get(url).status_code == 409, "an erased member cannot be changed"


def test_missing_csrf_token_writes_nothing(client, staff):
    member = create_member()
    response = client.post(f"/staff/members/{member.id}/unsubscribe", data={"method": "telephone"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Member, member.id).status == "active"


@pytest.mark.parametrize("path", ["new", "{id}/edit", "{id}/consents", "{id}/unsubscribe", "{id}/erase"])
@pytest.mark.parametrize("role, status", [("engagement", 200), ("comms", 403), ("analyst", 403)])
def test_who_can_change_members(client, path, role, status):
    member = create_member()
    login(client, create_staff_user(role))
    assert client.get("/staff/members/" + path.format(id=member.id)).status_code == status


def test_signed_out_people_cannot_change_members(client):
    member = create_member()
    for path in ("new", f"{member.id}/edit", f"{member.id}/erase"):
        response = client.get(f"/staff/members/{path}")
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
