"""Staff accounts: creation, sign-in with lockout, API tokens."""

import logging
from datetime import timedelta

from flask import current_app

from app.audit import services as audit
from app.auth.models import ApiToken, StaffUser, spend_password_check_time
from app.auth.permissions import ROLES
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.transactions import transactional
from app.validation import FieldError, normalise_email

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12


MAX_PASSWORD_LENGTH = 200


def password_problem(password: str, email: str = "") -> str | None:
    """What is wrong with a new password, in words for the person choosing it, or None."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be {MAX_PASSWORD_LENGTH} characters or fewer"
    if email and password.strip().lower() == email.strip().lower():
        return "Password must not be the email address"
    if len(set(password)) < 5:
        return "Password must not repeat the same few characters"
    return None


def check_password_rules(password: str, email: str = "") -> None:
    """Raise InvalidRequest with a message beside the password field when it breaks a rule."""
    problem = password_problem(password, email)
    if problem:
        raise InvalidRequest(problem, 400, {"password": problem})


def user_by_email(email: str) -> StaffUser | None:
    """The staff account with this email address, matched case-insensitively."""
    return db.session.scalar(db.select(StaffUser).where(db.func.lower(StaffUser.email) == email.strip().lower()))


@transactional
def create_user(email: str, role: str, password: str, name: str = "") -> StaffUser:
    """A new staff account; the email is unique and the role one of ROLES."""
    errors = {}
    try:
        email = normalise_email(email)
    except FieldError as exc:
        errors["email"] = str(exc)
    if role not in ROLES:
        errors["role"] = "Role must be one of: " + ", ".join(ROLES)
    problem = password_problem(password, email)
    if problem:
        errors["password"] = problem
    if not errors.get("email") and user_by_email(email) is not None:
        errors["email"] = "A staff account with this email address already exists"
    if errors:
        raise InvalidRequest("The account could not be created.", 400, errors)
    user = StaffUser(email=email, role=role, name=name.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user_create", "staff_user", user.id, f"role: {role}")
    return user


LOCKED_MESSAGE = "This account is locked after too many failed attempts. Try again later."


def count_failed_attempt(user: StaffUser) -> bool:
    """Add one failed attempt (password or two-factor code); lock the account at the limit.

    Returns True when this attempt locked the account. The caller's transaction commits it.
    """
    user.failed_logins += 1
    audit.record("login_failed", "staff_user", user.id)
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
        user.locked_until = now() + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.failed_logins = 0
        audit.record("locked", "staff_user", user.id)
        log.warning("staff user %s locked after repeated failed sign-ins", user.id)
        return True
    return False


@transactional
def authenticate(email: str, password: str) -> tuple[StaffUser | None, str | None]:
    """(user, None) when the password is right; (None, message) otherwise. Repeated failures lock the account.

    For an account with two-factor sign-in a right password is only the first step: the
    failure count is cleared when the code is right too, so guessing codes still locks it.
    """
    user = user_by_email(email or "")
    generic = "The email address or password is not right"
    if user is None or not user.is_active_account:
        # Spend the same time hashing so response times do not reveal which accounts exist.
        spend_password_check_time(password or "")
        return None, generic
    if user.is_locked():
        return None, LOCKED_MESSAGE
    if not user.check_password(password or ""):
        if count_failed_attempt(user):
            return None, LOCKED_MESSAGE
        return None, generic
    if not user.totp_enabled:
        user.failed_logins = 0
    user.locked_until = None
    return user, None


@transactional
def record_login(user: StaffUser) -> None:
    """Stamp the sign-in time and audit it."""
    user.last_login_at = now()
    audit.record("login", "staff_user", user.id)


@transactional
def create_api_token(name: str, role: str) -> tuple[ApiToken, str]:
    """A new API token; the secret is returned once and only its hash is kept."""
    if role not in ROLES:
        raise InvalidRequest("Role must be one of: " + ", ".join(ROLES), 400, {"role": "Unknown role"})
    if not (name or "").strip():
        raise InvalidRequest("Give the token a name", 400, {"name": "Enter a name"})
    secret = ApiToken.generate()
    token = ApiToken(name=name.strip(), role=role, token_hash=ApiToken.hash(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.flush()
    audit.record("token_create", "api_token", token.id, f"role: {role}")
    return token, secret


def token_for_secret(secret: str) -> ApiToken | None:
    """The unrevoked token whose hash matches the secret, or None."""
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def use_api_token(secret: str) -> ApiToken | None:
    """The live token for this secret, or None; its last use is stamped (at most once a minute)."""
    token = token_for_secret(secret)
    if token is not None and (token.last_used_at is None or token.last_used_at < now() - timedelta(minutes=1)):
        _stamp_token_use(token)
    return token


@transactional
def _stamp_token_use(token: ApiToken) -> None:
    token.last_used_at = now()


def list_api_tokens() -> list[ApiToken]:
    """Every token, live ones first, newest first; secrets are never kept, so never listed."""
    return list(db.session.scalars(db.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def get_api_token(token_id: int) -> ApiToken | None:
    """One token by id, or None."""
    return db.session.get(ApiToken, token_id)


@transactional
def revoke_api_token(token: ApiToken) -> None:
    """The token stops working at once; revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = now()
        audit.record("token_revoke", "api_token", token.id)
        log.info("api token %s revoked", token.id)


# ----- managing staff accounts ----------------------------------------------


def list_users() -> list[StaffUser]:
    """Every staff account, active ones first, by email."""
    return list(db.session.scalars(db.select(StaffUser).order_by(StaffUser.is_active_account.desc(), StaffUser.email)))


def get_user(user_id: int) -> StaffUser | None:
    """One staff account by id, or None."""
    return db.session.get(StaffUser, user_id)


def _other_active_admins(user: StaffUser) -> int:
    return db.session.scalar(
        db.select(db.func.count())
        .select_from(StaffUser)
        .where(StaffUser.role == "admin", StaffUser.is_active_account, StaffUser.id != user.id)
    )


def _refuse_losing_last_admin(user: StaffUser) -> None:
    if user.role == "admin" and user.is_active_account and _other_active_admins(user) == 0:
        raise InvalidRequest("This is the only active administrator. Make someone else an administrator first.", 409)


@transactional
def change_role(user: StaffUser, role: str) -> None:
    """Give the account another role; there is always at least one active administrator."""
    if role not in ROLES:
        raise InvalidRequest("Choose a role from the list", 400, {"role": "Choose a role from the list"})
    if role == user.role:
        return
    if role != "admin":
        _refuse_losing_last_admin(user)
    old = user.role
    user.role = role
    user.end_sessions()
    audit.record("user_change", "staff_user", user.id, f"role: {old} -> {role}")


@transactional
def set_account_active(user: StaffUser, active: bool, acting_user_id: int | None) -> None:
    """Deactivate (the person can no longer sign in) or reactivate an account; never your own."""
    if user.is_active_account == active:
        return
    if not active:
        if user.id == acting_user_id:
            raise InvalidRequest("You cannot deactivate your own account.", 409)
        _refuse_losing_last_admin(user)
    user.is_active_account = active
    user.end_sessions()
    audit.record("user_change", "staff_user", user.id, "reactivated" if active else "deactivated")


@transactional
def unlock_account(user: StaffUser) -> None:
    """Clear a lock after repeated failed sign-ins, and the count of failures."""
    user.locked_until = None
    user.failed_logins = 0
    audit.record("user_change", "staff_user", user.id, "unlocked")


@transactional
def reset_two_factor(user: StaffUser) -> None:
    """Turn off two-factor sign-in (a lost phone); the person sets it up again when they next sign in."""
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    user.end_sessions()
    audit.record("two_factor", "staff_user", user.id, "reset by an administrator")
