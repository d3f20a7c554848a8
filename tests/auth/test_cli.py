"""`flask users create` and `flask tokens create`, as an administrator runs them on the server."""

import re

from app.auth.models import StaffUser
from app.extensions import db
from tests.factories import create_member, login


def _user(email: str) -> StaffUser | None:
    return db.session.scalar(db.select(StaffUser).where(StaffUser.email == email))


def test_users_create_makes_an_account_that_can_sign_in(app, client):
    create_member("ann@example.org", first_name="Ann")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "jo@example.nhs.uk", "--role", "engagement", "--password", "a long enough secret"]
    )
    assert result.exit_code == 0, result.output
    assert "Created engagement account jo@example.nhs.uk" in result.output
    assert "a long enough secret" not in result.output

    login(client, _user("jo@example.nhs.uk"), "a long enough secret")
    page = client.get("/staff/members")
    assert page.status_code == 200 and "ann@example.org" in page.get_data(as_text=True)


def test_users_create_without_a_password_prints_one_that_works(app, client):
    result = app.test_cli_runner().invoke(args=["users", "create", "sam@example.nhs.uk", "--role", "analyst"])
    assert result.exit_code == 0, result.output
    password = re.search(r"Password: (\S+)", result.output).group(1)

    login(client, _user("sam@example.nhs.uk"), password)
    assert client.get("/staff/members").status_code == 403  # an analyst never sees individuals


def test_users_create_refuses_an_unknown_role_or_a_short_password_and_creates_nobody(app):
    runner = app.test_cli_runner()
    bad_role = runner.invoke(args=["users", "create", "x@example.nhs.uk", "--role", "overlord", "--password", "x" * 20])
    short = runner.invoke(args=["users", "create", "y@example.nhs.uk", "--role", "admin", "--password", "short"])
    assert bad_role.exit_code != 0 and "Error" in bad_role.output
    assert short.exit_code != 0 and "Error" in short.output
    assert "Traceback" not in bad_role.output + short.output
    assert _user("x@example.nhs.uk") is None and _user("y@example.nhs.uk") is None


def test_tokens_create_prints_a_token_that_reads_the_members_api(app, client):
    create_member("ann@example.org")
    result = app.test_cli_runner().invoke(args=["tokens", "create", "CRM sync", "--role", "engagement"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()

    answer = client.get("/api/v1/members", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert [m["email"] for m in answer.get_json()["items"]] == ["ann@example.org"]
    wrong = client.get("/api/v1/members", headers={"Authorization": f"Bearer {token}x"})
    assert wrong.status_code == 401


def test_tokens_create_refuses_an_unknown_role(app):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "CRM sync", "--role", "overlord"])
    assert result.exit_code != 0 and "Error" in result.output and "Traceback" not in result.output
