"""Administrators manage staff accounts and API tokens."""

from app.audit.models import AuditLogEntry
from app.auth.models import ApiToken, StaffUser
from app.extensions import db
from tests.factories import create_staff_user, csrf_token, login


def admin_client(app):
    client = app.test_client()
    admin = create_staff_user("admin")
    login(client, admin)
    return client, admin


def post_form(client, page_url, action_url, **data):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={**data, "csrf_token": token})


def audit_details(action):
    return [e.detail for e in db.session.scalars(db.select(AuditLogEntry).where(AuditLogEntry.action == action))]


def test_create_a_staff_account(app):
    client, _ = admin_client(app)
    response = post_form(
        client,
        "/staff/admin/users/new",
        "/staff/admin/users/new",
        email="new.person@example.nhs.uk",
        name="New Person",
        role="comms",
        password="a long enough passphrase",
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == "new.person@example.nhs.uk"))
    assert user.role == "comms" and user.check_password("a long enough passphrase")
    assert "role: comms" in audit_details("user_create")
    listing = client.get("/staff/admin/users").get_data(as_text=True)
    assert "new.person@example.nhs.uk" in listing


def test_account_form_shows_each_problem_beside_its_field(app):
    client, admin = admin_client(app)
    response = post_form(
        client, "/staff/admin/users/new", "/staff/admin/users/new", email=admin.email, role="boss", password="short"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "A staff account with this email address already exists" in page
    assert "Role must be one of" in page
    assert "Password must be at least 12 characters" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(StaffUser)) == 1


def test_password_must_not_be_the_email_address(app):
    client, _ = admin_client(app)
    email = "long.address@example.nhs.uk"
    response = post_form(
        client, "/staff/admin/users/new", "/staff/admin/users/new", email=email, role="comms", password=email
    )
    assert response.status_code == 400
    assert "Password must not be the email address" in response.get_data(as_text=True)


def test_change_role_and_keep_at_least_one_administrator(app):
    client, admin = admin_client(app)
    other = create_staff_user("comms")
    page = f"/staff/admin/users/{other.id}"
    assert post_form(client, page, f"/staff/admin/users/{other.id}/role", role="engagement").status_code == 302
    assert db.session.get(StaffUser, other.id).role == "engagement"
    assert "role: comms -> engagement" in audit_details("user_change")

    own = f"/staff/admin/users/{admin.id}"
    refused = post_form(client, own, f"/staff/admin/users/{admin.id}/role", role="analyst")
    assert refused.status_code == 409
    assert "only active administrator" in refused.get_data(as_text=True)
    assert db.session.get(StaffUser, admin.id).role == "admin"


def test_deactivate_and_reactivate(app):
    client, admin = admin_client(app)
    other = create_staff_user("engagement")
    person = app.test_client()
    login(person, other)
    page = f"/staff/admin/users/{other.id}"
    assert post_form(client, page, f"/staff/admin/users/{other.id}/deactivate").status_code == 302
    # Signed out at once: the account no longer loads, and cannot sign in again.
    assert person.get("/staff/").status_code == 302
    assert "Deactivated" in client.get("/staff/admin/users").get_data(as_text=True)
    assert "deactivated" in audit_details("user_change")

    assert post_form(client, page, f"/staff/admin/users/{other.id}/reactivate").status_code == 302
    # The session from before the deactivation stays ended; signing in again works.
    assert person.get("/staff/").status_code == 302
    again = app.test_client()
    login(again, other)
    assert again.get("/staff/").status_code == 200

    refused = post_form(client, f"/staff/admin/users/{admin.id}", f"/staff/admin/users/{admin.id}/deactivate")
    assert refused.status_code == 409
    assert db.session.get(StaffUser, admin.id).is_active_account


def test_unknown_account_is_404(app):
    client, _ = admin_client(app)
    assert client.get("/staff/admin/users/99999").status_code == 404


def test_create_token_shows_the_secret_once_and_it_works(app):
    client, _ = admin_client(app)
    response = post_form(client, "/staff/admin/tokens", "/staff/admin/tokens", name="Website sync", role="engagement")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "copy it now" in page
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    token = db.session.scalar(db.select(ApiToken))
    assert token.token_hash != secret and token.token_hash == ApiToken.hash(secret)
    assert "role: engagement" in audit_details("token_create")

    listing = client.get("/staff/admin/tokens").get_data(as_text=True)
    assert secret not in listing
    assert token.prefix in listing and "Website sync" in listing and "Never" in listing

    api = app.test_client()
    assert api.get("/api/v1/members", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = client.get("/staff/admin/tokens").get_data(as_text=True)
    assert "Never" not in listing  # last used is shown now


def test_token_form_errors(app):
    client, _ = admin_client(app)
    response = post_form(client, "/staff/admin/tokens", "/staff/admin/tokens", name="", role="")
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_revoked_token_stops_working(app):
    client, _ = admin_client(app)
    page = post_form(client, "/staff/admin/tokens", "/staff/admin/tokens", name="Old", role="admin")
    secret = page.get_data(as_text=True).split('<code id="new-token">')[1].split("</code>")[0]
    token = db.session.scalar(db.select(ApiToken))
    response = post_form(client, "/staff/admin/tokens", f"/staff/admin/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert "Revoked" in client.get("/staff/admin/tokens").get_data(as_text=True)
    assert app.test_client().get("/api/v1/members", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "token_revoke")) is not None


def test_a_new_role_signs_the_person_out_of_old_sessions(app):
    client, _ = admin_client(app)
    other = create_staff_user("comms")
    person = app.test_client()
    login(person, other)
    assert person.get("/staff/bulletins/").status_code == 200
    page = f"/staff/admin/users/{other.id}"
    post_form(client, page, f"/staff/admin/users/{other.id}/role", role="analyst")
    assert db.session.get(StaffUser, other.id).role == "analyst"
    assert person.get("/staff/bulletins/").status_code == 302
