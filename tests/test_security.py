"""CSRF, session cookies, security headers, sign-out, and personal data kept out of logs."""

import logging
import re

import pytest

from app.audit.models import AuditLogEntry
from app.auth import services as auth
from app.auth.models import ApiToken, StaffUser
from app.extensions import db
from app.members import services as members
from tests.factories import PASSWORD, create_member, create_staff_user, csrf_token, login

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_sign_in_without_csrf_token_is_refused_and_signs_no_one_in(client):
    user = create_staff_user("admin")
    client.get("/staff/login")
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "reload the page and try again" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "login")) is None


def test_a_forged_csrf_token_is_refused(client):
    user = create_staff_user("admin")
    client.get("/staff/login")
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "data", "model"),
    [
        (
            "/staff/admin/users/new",
            {"email": "x.person@example.nhs.uk", "role": "comms", "password": "a long enough passphrase"},
            StaffUser,
        ),
        ("/staff/admin/tokens", {"name": "Sync", "role": "engagement"}, ApiToken),
    ],
)
def test_staff_forms_without_csrf_token_write_nothing(client, path, data, model):
    login(client, create_staff_user("admin"))
    before = count(model)
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert count(model) == before


def test_changing_a_role_without_csrf_token_changes_nothing(client):
    login(client, create_staff_user("admin"))
    other = create_staff_user("comms")
    assert client.post(f"/staff/admin/users/{other.id}/role", data={"role": "admin"}).status_code == 400
    assert db.session.get(StaffUser, other.id).role == "comms"


def test_every_form_on_staff_pages_carries_a_csrf_token(client):
    user = create_staff_user("admin")
    login(client, user)
    other = create_staff_user("comms")
    for path in (
        "/staff/",
        "/staff/account",
        "/staff/admin/users/new",
        f"/staff/admin/users/{other.id}",
        "/staff/admin/tokens",
    ):
        page = client.get(path).get_data(as_text=True)
        forms = re.findall(r"<form\b.*?</form>", page, flags=re.S)
        assert forms, path
        for form in forms:
            if re.search(r'method="post"', form, flags=re.I):
                assert 'name="csrf_token"' in form, (path, form[:200])


def test_sign_out_is_post_only(client):
    login(client, create_staff_user("engagement"))
    assert client.get("/staff/logout").status_code == 405
    assert client.post("/staff/logout").status_code == 400  # no CSRF token: a link elsewhere cannot sign you out
    assert client.get("/staff/").status_code == 200
    token = csrf_token(client.get("/staff/").get_data(as_text=True))
    response = client.post("/staff/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_session_cookie_is_http_only_and_same_site(client):
    response = login(client, create_staff_user("comms"))
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


class TestOverHttps:
    @pytest.fixture
    def config_overrides(self):
        return {
            "SESSION_COOKIE_SECURE": True,
            "REMEMBER_COOKIE_SECURE": True,
            "PUBLIC_BASE_URL": "https://involve.example",
        }

    def test_cookie_is_secure_and_hsts_is_sent(self, app):
        client = app.test_client()
        user = create_staff_user("comms")
        page = client.get("/staff/login", base_url="https://localhost")
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        response = client.post(
            "/staff/login",
            base_url="https://localhost",
            # Over HTTPS the CSRF check also wants the request to come from this site.
            headers={"Referer": "https://localhost/staff/login"},
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(page.get_data(as_text=True))},
        )
        assert response.status_code == 302
        cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
        assert "Secure" in cookie and "HttpOnly" in cookie


def test_security_headers_on_public_staff_and_api_answers(client):
    for path in ("/", "/staff/login", "/api/v1/openapi.json", "/api/v1/members"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert "Strict-Transport-Security" not in headers, path  # plain HTTP: HSTS would be ignored
    assert client.get("/staff/login").headers["Cache-Control"] == "no-store"


def test_no_email_addresses_reach_the_logs(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    # Public sign-up (the form, and the service behind it).
    page = client.get("/get-involved").get_data(as_text=True)
    token_match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    client.post(
        "/get-involved",
        data={
            "first_name": "Priya",
            "last_name": "Shah",
            "email": "priya.shah@example.org",
            "postcode": "WV1 1AA",
            "purposes": ["bulletin"],
            "csrf_token": token_match.group(1) if token_match else "",
        },
    )
    members.sign_up(members.MemberInput(email="sign.up@example.org", postcode="WV2 4AA"), ["bulletin"])
    # Staff sign-in that fails, locks and succeeds.
    user = create_staff_user("engagement", email="careful.staff@example.nhs.uk")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        token = csrf_token(client.get("/staff/login").get_data(as_text=True))
        client.post("/staff/login", data={"email": user.email, "password": "wrong password!!", "csrf_token": token})
    auth.unlock_account(user)
    login(client, user)
    # API creates and edits, and an erasure.
    _, secret = auth.create_api_token("sync", "engagement")
    headers = {"Authorization": f"Bearer {secret}"}
    members.ensure_default_topics()
    created = client.post(
        "/api/v1/members",
        json={"email": "api.person@example.org", "purposes": ["surveys"], "consent_method": "paper"},
        headers=headers,
    ).get_json()
    client.patch(f"/api/v1/members/{created['id']}", json={"email": "changed.person@example.org"}, headers=headers)
    client.post("/api/v1/members", json={"email": "api.person@example.org"}, headers=headers)
    members.erase_member(create_member(email="to.erase@example.org"), "request")

    app_records = [r for r in caplog.records if r.name.startswith("app")]
    assert any("locked" in r.getMessage() for r in app_records)
    assert any("signed up" in r.getMessage() for r in app_records)
    for record in caplog.records:
        text = record.getMessage() + " " + (record.exc_text or "")
        assert not EMAIL.search(text), f"{record.name}: {text[:200]}"


def test_huge_ids_in_urls_and_filters_are_not_found_rather_than_errors(client):
    login(client, create_staff_user("admin"))
    _, secret = auth.create_api_token("sync", "admin")
    headers = {"Authorization": f"Bearer {secret}"}
    huge = "99999999999999999999"
    assert client.get(f"/staff/admin/users/{huge}").status_code == 404
    missing = client.get(f"/api/v1/members/{huge}", headers=headers)
    assert missing.status_code == 404 and missing.is_json
    filtered = client.get(f"/api/v1/members?practice_id={huge}", headers=headers)
    assert filtered.status_code == 400 and "practice_id" in filtered.get_json()["errors"]
    body = {"email": "big@example.org", "practice_id": int(huge), "purposes": ["bulletin"], "consent_method": "paper"}
    created = client.post("/api/v1/members", json=body, headers=headers)
    assert created.status_code == 400 and "practice_id" in created.get_json()["errors"]


def test_a_null_character_in_a_form_or_json_gets_a_message_not_an_error(app, client):
    from tests.factories import create_staff_user, csrf_token

    page = client.get("/get-involved").get_data(as_text=True)
    refused = client.post(
        "/get-involved",
        data={"csrf_token": csrf_token(page), "first_name": "A\x00", "last_name": "B", "email": "a@example.org"},
    )
    assert refused.status_code == 400 and "null character" in refused.get_data(as_text=True)
    from app.auth import services as auth

    _, secret = auth.create_api_token("probe", "admin")
    create_staff_user("admin")
    api = client.post(
        "/api/v1/members",
        data='{"first_name": "A\\u0000", "email": "b@example.org"}',
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    assert api.status_code == 400 and "null character" in api.get_json()["message"]
