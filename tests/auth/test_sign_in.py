"""Signing in: lockout after repeated failures, the rate limit, and two-factor codes."""

from datetime import UTC, timedelta

import pyotp
import pytest

from app.audit.models import AuditLogEntry
from app.auth import two_factor
from app.auth.models import StaffUser
from app.clock import now
from app.extensions import db
from app.settings.models import SiteSetting
from tests.factories import PASSWORD, create_staff_user, csrf_token, login


def sign_in(client, email, password=PASSWORD, next_url=""):
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    url = "/staff/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})


def enter_code(client, code):
    page = client.get("/staff/login/code")
    token = csrf_token(page.get_data(as_text=True))
    return client.post("/staff/login/code", data={"code": code, "csrf_token": token})


def signed_in(client) -> bool:
    return client.get("/staff/").status_code == 200


class Clock:
    """The time two-factor codes are checked at; each code works once, so tests move it on."""

    def __init__(self):
        self.at = now()

    def code(self, secret: str) -> str:
        return pyotp.TOTP(secret).at(int(self.at.replace(tzinfo=UTC).timestamp()))

    def wrong_code(self, secret: str) -> str:
        return "123456" if self.code(secret) != "123456" else "654321"

    def advance(self, seconds: int = 30) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("app.auth.two_factor.now", lambda: clock.at)
    return clock


def with_two_factor(user, clock) -> str:
    secret = two_factor.begin_setup(user)
    two_factor.confirm_setup(user, clock.code(secret))
    clock.advance()
    return secret


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    user = create_staff_user("engagement")
    wrong_password = sign_in(client, user.email, "not the password at all")
    unknown = sign_in(client, "nobody@example.nhs.uk", "not the password at all")
    assert wrong_password.status_code == unknown.status_code == 400
    message = "The email address or password is not right"
    assert message in wrong_password.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert not signed_in(client)


def test_account_locks_after_repeated_failures_and_an_admin_can_unlock_it(app, client):
    user = create_staff_user("engagement")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, user.email, "wrong password, try again")
    locked = sign_in(client, user.email)
    assert locked.status_code == 400
    assert "locked" in locked.get_data(as_text=True)
    assert not signed_in(client)
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "locked")) is not None

    admin_client = app.test_client()
    admin = create_staff_user("admin")
    login(admin_client, admin)
    page = admin_client.get(f"/staff/admin/users/{user.id}").get_data(as_text=True)
    assert "Locked until" in page
    admin_client.post(f"/staff/admin/users/{user.id}/unlock", data={"csrf_token": csrf_token(page)})

    assert sign_in(client, user.email).status_code == 302
    assert signed_in(client)


def test_lock_ends_after_its_time(app, client):
    user = create_staff_user("comms")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        sign_in(client, user.email, "wrong password, try again")
    assert sign_in(client, user.email).status_code == 400
    db.session.get(StaffUser, user.id).locked_until = now() - timedelta(seconds=1)
    db.session.commit()
    assert sign_in(client, user.email).status_code == 302


def test_deactivated_account_cannot_sign_in(client):
    user = create_staff_user("comms")
    user.is_active_account = False
    db.session.commit()
    assert sign_in(client, user.email).status_code == 400
    assert not signed_in(client)


class TestRateLimit:
    @pytest.fixture
    def config_overrides(self):
        return {"LOGIN_RATE_LIMIT": "3 per minute"}

    def test_too_many_sign_in_attempts_are_refused(self, client):
        user = create_staff_user("comms")
        for _ in range(3):
            sign_in(client, user.email, "wrong password, try again")
        refused = sign_in(client, user.email)
        assert refused.status_code == 429
        assert "too many" in refused.get_data(as_text=True).lower()


class TestOfficeBehindOneGateway:
    @pytest.fixture
    def config_overrides(self):
        return {"LOGIN_RATE_LIMIT": "6 per minute", "LOGIN_ADDRESS_RATE_LIMIT": "3 per minute"}

    def test_sign_ins_that_work_never_lock_the_office_out(self, client):
        people = [create_staff_user("comms") for _ in range(10)]
        for person in people * 2:
            assert sign_in(client, person.email).status_code == 302
            client.post(
                "/staff/logout", data={"csrf_token": csrf_token(client.get("/staff/account").get_data(as_text=True))}
            )
        assert sign_in(client, people[0].email).status_code == 302

    def test_guessing_one_address_locks_that_address_not_the_colleague_beside_it(self, client):
        target, colleague = create_staff_user("comms"), create_staff_user("comms")
        for _ in range(3):
            assert sign_in(client, target.email, "a guess").status_code == 400
        assert sign_in(client, target.email).status_code == 429
        assert sign_in(client, colleague.email).status_code == 302


def test_set_up_two_factor_from_your_account(client, clock):
    user = create_staff_user("engagement")
    login(client, user)
    assert "Set up two-factor sign-in" in client.get("/staff/account").get_data(as_text=True)
    page = client.get("/staff/two-factor/setup").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page
    secret = db.session.get(StaffUser, user.id).totp_secret
    assert secret and " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    # The database holds the secret sealed with a key only this app has.
    stored = db.session.execute(db.text("select totp_secret from staff_user where id = :i"), {"i": user.id}).scalar()
    assert stored.startswith("fernet:") and secret not in stored

    wrong = client.post("/staff/two-factor/setup", data={"code": "000000", "csrf_token": csrf_token(page)})
    assert wrong.status_code == 400
    assert "The code is not right" in wrong.get_data(as_text=True)
    assert not db.session.get(StaffUser, user.id).totp_enabled

    right = client.post("/staff/two-factor/setup", data={"code": clock.code(secret), "csrf_token": csrf_token(page)})
    assert right.status_code == 302
    assert db.session.get(StaffUser, user.id).totp_enabled
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "two_factor"))
    assert entry.detail == "turned on" and entry.staff_user_id == user.id


def test_sign_in_asks_for_the_code_and_the_password_alone_is_not_enough(client, clock):
    user = create_staff_user("engagement")
    secret = with_two_factor(user, clock)
    first_step = sign_in(client, user.email, next_url="/staff/account")
    assert first_step.status_code == 302 and first_step.headers["Location"].endswith("/staff/login/code")
    assert not signed_in(client)
    assert "Enter your sign-in code" in client.get("/staff/login/code").get_data(as_text=True)

    wrong = enter_code(client, clock.wrong_code(secret))
    assert wrong.status_code == 400
    assert not signed_in(client)
    assert db.session.get(StaffUser, user.id).failed_logins == 1

    right = enter_code(client, clock.code(secret))
    assert right.status_code == 302 and right.headers["Location"] == "/staff/account"
    assert signed_in(client)
    assert db.session.get(StaffUser, user.id).failed_logins == 0


def test_wrong_codes_count_toward_the_lock(app, client, clock):
    user = create_staff_user("engagement")
    secret = with_two_factor(user, clock)
    wrong = clock.wrong_code(secret)
    sign_in(client, user.email)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        assert enter_code(client, wrong).status_code == 400
    # A right password in between does not clear the count of wrong codes.
    sign_in(client, user.email)
    locked = enter_code(client, wrong)
    assert "locked" in locked.get_data(as_text=True)
    assert db.session.get(StaffUser, user.id).is_locked()
    assert sign_in(client, user.email).status_code == 400
    assert not signed_in(client)


def test_each_code_works_once(app, client, clock):
    user = create_staff_user("engagement")
    secret = two_factor.begin_setup(user)
    used = clock.code(secret)
    two_factor.confirm_setup(user, used)
    sign_in(client, user.email)
    replayed = enter_code(client, used)
    assert replayed.status_code == 400
    assert not signed_in(client)
    clock.advance()
    assert enter_code(client, clock.code(secret)).status_code == 302
    assert signed_in(client)


def test_code_step_expires(client, monkeypatch, clock):
    user = create_staff_user("engagement")
    secret = with_two_factor(user, clock)
    sign_in(client, user.email)
    later = now() + timedelta(minutes=6)
    monkeypatch.setattr("app.auth.routes.now", lambda: later)
    response = client.get("/staff/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/login")
    assert client.post("/staff/login/code", data={"code": clock.code(secret)}).status_code in (302, 400)
    assert not signed_in(client)


def test_code_page_without_a_password_first_sends_you_to_sign_in(client):
    response = client.get("/staff/login/code")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/login")


def test_turn_off_two_factor_needs_a_code(client, clock):
    user = create_staff_user("engagement")
    secret = with_two_factor(user, clock)
    sign_in(client, user.email)
    enter_code(client, clock.code(secret))
    clock.advance()
    page = client.get("/staff/account").get_data(as_text=True)
    assert "Turn off two-factor sign-in" in page
    refused = client.post("/staff/account/two-factor/disable", data={"code": "", "csrf_token": csrf_token(page)})
    assert refused.status_code == 400
    assert db.session.get(StaffUser, user.id).totp_enabled
    done = client.post(
        "/staff/account/two-factor/disable",
        data={"code": clock.code(secret), "csrf_token": csrf_token(page)},
    )
    assert done.status_code == 302
    assert not db.session.get(StaffUser, user.id).totp_enabled


def test_required_two_factor_sends_everyone_without_it_to_set_up_first(client, clock):
    db.session.add(SiteSetting(key="require_two_factor", value="yes"))
    db.session.commit()
    user = create_staff_user("engagement")
    response = login(client, user)
    assert response.headers["Location"].endswith("/staff/two-factor/setup")
    for path in ("/staff/", "/staff/account", "/staff/admin/users"):
        blocked = client.get(path)
        assert blocked.status_code == 302 and blocked.headers["Location"].endswith("/staff/two-factor/setup")
    page = client.get("/staff/two-factor/setup")
    assert page.status_code == 200
    assert "requires two-factor sign-in" in page.get_data(as_text=True)
    secret = db.session.get(StaffUser, user.id).totp_secret
    client.post(
        "/staff/two-factor/setup",
        data={"code": clock.code(secret), "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    assert client.get("/staff/").status_code == 200


def test_admin_reset_of_two_factor_lets_them_sign_in_with_a_password_again(app, client, clock):
    user = create_staff_user("engagement")
    with_two_factor(user, clock)
    admin_client = app.test_client()
    login(admin_client, create_staff_user("admin"))
    page = admin_client.get(f"/staff/admin/users/{user.id}").get_data(as_text=True)
    assert "Reset two-factor sign-in" in page
    admin_client.post(f"/staff/admin/users/{user.id}/reset-two-factor", data={"csrf_token": csrf_token(page)})
    assert not db.session.get(StaffUser, user.id).totp_enabled
    response = sign_in(client, user.email)
    assert response.status_code == 302 and "/staff/login/code" not in response.headers["Location"]
    assert signed_in(client)
