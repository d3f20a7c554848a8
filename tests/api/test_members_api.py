"""The members JSON API as an API client sees it."""

from app.audit.models import AuditLogEntry
from app.auth import services as auth
from app.auth.models import ApiToken
from app.extensions import db
from app.members import services as members
from app.members.models import Member
from tests.factories import create_member, create_practice


def bearer(role: str = "engagement") -> dict:
    _, secret = auth.create_api_token(f"{role} client", role)
    return {"Authorization": f"Bearer {secret}"}


NEW_MEMBER = {
    "email": "Sam.Patel@Example.org",
    "first_name": "Sam",
    "last_name": "Patel",
    "postcode": "wv1 1aa",
    "contact_type": "carer",
    "topics": ["mental-health"],
    "purposes": ["bulletin", "surveys"],
    "consent_method": "event",
}


def test_list_members_filters_and_paginates(client):
    practice = create_practice()
    for n in range(3):
        create_member(email=f"carer{n}@example.org", contact_type="carer", practice_id=practice.id)
    create_member(email="resident@example.org", contact_type="resident", last_name="Okafor")
    create_member(email="gone@example.org", status="unsubscribed")
    headers = bearer()

    everyone = client.get("/api/v1/members", headers=headers).get_json()
    assert everyone["total"] == 5

    carers = client.get("/api/v1/members?contact_type=carer&per_page=2", headers=headers).get_json()
    assert carers["total"] == 3 and carers["pages"] == 2 and len(carers["items"]) == 2
    page_two = client.get("/api/v1/members?contact_type=carer&per_page=2&page=2", headers=headers).get_json()
    assert len(page_two["items"]) == 1
    seen = {m["email"] for m in carers["items"] + page_two["items"]}
    assert seen == {"carer0@example.org", "carer1@example.org", "carer2@example.org"}

    assert client.get(f"/api/v1/members?practice_id={practice.id}", headers=headers).get_json()["total"] == 3
    assert client.get("/api/v1/members?status=unsubscribed", headers=headers).get_json()["total"] == 1
    found = client.get("/api/v1/members?q=okafor", headers=headers).get_json()
    assert [m["email"] for m in found["items"]] == ["resident@example.org"]


def test_list_filters_by_topic_and_age_band(client):
    create_member(email="young@example.org", age_band="16_24", topics=["maternity"])
    create_member(email="older@example.org", age_band="65_74", topics=["mental-health"])
    headers = bearer()
    young = client.get("/api/v1/members?age_band=16_24", headers=headers).get_json()
    assert [m["email"] for m in young["items"]] == ["young@example.org"]
    minds = client.get("/api/v1/members?topic=mental-health", headers=headers).get_json()
    assert [m["email"] for m in minds["items"]] == ["older@example.org"]


def test_bad_filters_are_field_errors(client):
    response = client.get("/api/v1/members?status=asleep&per_page=5000&page=x", headers=bearer())
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert set(errors) == {"status", "per_page", "page"}


def test_get_member_shows_consents_but_never_equality_answers(client):
    member = create_member(equality={"sex": "female", "ethnic_group": "asian"})
    response = client.get(f"/api/v1/members/{member.id}", headers=bearer())
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == member.email
    assert {c["purpose"] for c in body["consents"]} >= {"bulletin", "equality_monitoring"}
    text = response.get_data(as_text=True)
    assert "female" not in text and "asian" not in text and "ethnic" not in text


def test_viewing_is_audited_in_the_tokens_name(client):
    member = create_member()
    headers = bearer()
    client.get(f"/api/v1/members/{member.id}", headers=headers)
    client.get("/api/v1/members", headers=headers)
    token = db.session.scalar(db.select(ApiToken))
    entries = db.session.scalars(db.select(AuditLogEntry).where(AuditLogEntry.action == "view")).all()
    assert {(e.record_type, e.record_id) for e in entries} == {("member", str(member.id)), ("member_list", "")}
    assert all(e.api_token_id == token.id and e.staff_user_id is None for e in entries)


def test_create_member_records_consent_and_audit(client):
    members.ensure_default_topics()
    response = client.post("/api/v1/members", json=NEW_MEMBER, headers=bearer())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["email"] == "Sam.Patel@example.org"
    assert body["postcode"] == "WV1 1AA"
    assert body["status"] == "active"
    assert body["topics"] == ["mental-health"]
    assert sorted((c["purpose"], c["method"]) for c in body["consents"]) == [
        ("bulletin", "event"),
        ("surveys", "event"),
    ]
    created = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "create"))
    assert created.record_id == str(body["id"]) and created.api_token_id is not None


def test_create_with_bad_fields_gives_field_errors_and_writes_nothing(client):
    members.ensure_default_topics()
    bad = dict(NEW_MEMBER, email="not-an-email", postcode="ZZ", contact_type="alien", purposes=[], extra="x")
    response = client.post("/api/v1/members", json=bad, headers=bearer())
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert {"contact_type", "purposes", "extra"} <= set(errors)
    # Service-level checks (email syntax, postcode) answer in the same shape.
    response = client.post("/api/v1/members", json=dict(NEW_MEMBER, email="nope", postcode="ZZ"), headers=bearer())
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"email", "postcode"}
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 0


def test_malformed_json_is_a_400(client):
    response = client.post("/api/v1/members", data="{not json", content_type="application/json", headers=bearer())
    assert response.status_code == 400
    assert response.is_json


def test_duplicate_email_is_409(client):
    create_member(email="sam.patel@example.org")
    response = client.post("/api/v1/members", json=NEW_MEMBER, headers=bearer())
    assert response.status_code == 409
    assert "email" in response.get_json()["errors"]


def test_update_changes_only_fields_sent(client):
    member = create_member(email="a@example.org", first_name="Ann", phone="01902 000000")
    headers = bearer()
    response = client.patch(f"/api/v1/members/{member.id}", json={"postcode": "wv2 4aa"}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["postcode"] == "WV2 4AA" and body["first_name"] == "Ann" and body["phone"] == "01902 000000"
    change = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "change"))
    assert change.record_id == str(member.id) and "postcode" in change.detail


def test_update_to_another_members_email_is_409(client):
    create_member(email="taken@example.org")
    member = create_member(email="mine@example.org")
    response = client.patch(f"/api/v1/members/{member.id}", json={"email": "TAKEN@example.org"}, headers=bearer())
    assert response.status_code == 409
    assert db.session.get(Member, member.id).email == "mine@example.org"


def test_errors_are_json(client):
    headers = bearer()
    missing = client.get("/api/v1/members/99999", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["status"] == 404
    wrong_method = client.delete("/api/v1/members", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.is_json
    nowhere = client.get("/api/v1/nothing-here", headers=headers)
    assert nowhere.status_code == 404 and nowhere.is_json


def test_no_token_bad_token_and_revoked_token_are_401(client):
    no_token = client.get("/api/v1/members")
    assert no_token.status_code == 401 and no_token.is_json
    assert no_token.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/members", headers={"Authorization": "Bearer inv_wrong"}).status_code == 401
    assert client.get("/api/v1/members", headers={"Authorization": "Basic abc"}).status_code == 401
    token, secret = auth.create_api_token("old", "engagement")
    auth.revoke_api_token(token)
    assert client.get("/api/v1/members", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_role_without_permission_is_403(client):
    member = create_member()
    analyst = bearer("analyst")
    assert client.get("/api/v1/members", headers=analyst).status_code == 403
    assert client.get(f"/api/v1/members/{member.id}", headers=analyst).status_code == 403
    refused = client.post("/api/v1/members", json=NEW_MEMBER, headers=bearer("comms"))
    assert refused.status_code == 403 and refused.is_json
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 1


def test_answers_are_not_cached(client):
    member = create_member()
    assert client.get(f"/api/v1/members/{member.id}", headers=bearer()).headers["Cache-Control"] == "no-store"


def test_token_use_is_stamped(client):
    headers = bearer()
    token = db.session.scalar(db.select(ApiToken))
    assert token.last_used_at is None
    client.get("/api/v1/members", headers=headers)
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_api_needs_no_csrf_token_but_a_session_cookie_alone_is_not_enough(client, app):
    from tests.factories import create_staff_user, login

    app.config["WTF_CSRF_ENABLED"] = True
    login(client, create_staff_user("admin"))
    members.ensure_default_topics()
    # Signed in through the staff pages, but no token: the cookie does not authorise API calls.
    assert client.post("/api/v1/members", json=NEW_MEMBER).status_code == 401
    # A token without any CSRF token works.
    assert client.post("/api/v1/members", json=NEW_MEMBER, headers=bearer()).status_code == 201


def test_openapi_document_declares_bearer_scheme_and_every_endpoint(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    paths = doc["paths"]
    assert set(paths["/api/v1/members"]) == {"get", "post"}
    assert set(paths["/api/v1/members/{member_id}"]) >= {"get", "patch"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation["security"] == [{"bearerAuth": []}], (path, method)
            assert {"401", "403"} <= set(operation["responses"]), (path, method)
    error = doc["components"]["schemas"]["Error"]["properties"]
    assert error["status"]["type"] == "integer" and "errors" in error
    member_schema = doc["components"]["schemas"]["Member"]["properties"]
    assert "email" in member_schema and not any("ethnic" in name for name in member_schema)


def test_erased_member_cannot_be_changed(client):
    member = create_member()
    members.erase_member(member, "request")
    response = client.patch(f"/api/v1/members/{member.id}", json={"first_name": "Back"}, headers=bearer())
    assert response.status_code == 409 and response.is_json
    assert db.session.get(Member, member.id).first_name == ""


def test_body_that_is_not_an_object_is_a_400(client):
    response = client.post("/api/v1/members", json=["a", "list"], headers=bearer())
    assert response.status_code == 400
    assert response.get_json()["errors"]


def test_create_refuses_a_web_form_consent_it_cannot_have_seen(client):
    # A web-form consent means the person confirmed their own address; an API client cannot give that.
    members.ensure_default_topics()
    for method in ("web_form", "import", "carrier_pigeon"):
        response = client.post("/api/v1/members", json=dict(NEW_MEMBER, consent_method=method), headers=bearer())
        assert response.status_code == 400, method
        assert "consent_method" in response.get_json()["errors"]
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 0
    assert client.post("/api/v1/members", json=NEW_MEMBER, headers=bearer()).status_code == 201
