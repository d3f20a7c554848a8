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
from app.members.validation import FieldError, normalise_email
from app.transactions import transactional

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12


def check_password_rules(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidRequest(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters",
            400,
            {"password": f"Password must be at least {MIN_PASSWORD_LENGTH} characters"},
        )


def user_by_email(email: str) -> StaffUser | None:
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
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
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


@transactional
def authenticate(email: str, password: str) -> tuple[StaffUser | None, str | None]:
    """(user, None) on success; (None, message) otherwise. Repeated failures lock the account."""
    user = user_by_email(email or "")
    generic = "The email address or password is not right"
    if user is None or not user.is_active_account:
        # Spend the same time hashing so response times do not reveal which accounts exist.
        spend_password_check_time(password or "")
        return None, generic
    if user.is_locked():
        return None, "This account is locked after too many failed attempts. Try again later."
    if not user.check_password(password or ""):
        user.failed_logins += 1
        audit.record("login_failed", "staff_user", user.id)
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now() + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
            user.failed_logins = 0
            audit.record("locked", "staff_user", user.id)
            log.warning("staff user %s locked after repeated failed sign-ins", user.id)
            return None, "This account is locked after too many failed attempts. Try again later."
        return None, generic
    user.failed_logins = 0
    user.locked_until = None
    return user, None


@transactional
def record_login(user: StaffUser) -> None:
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
    token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(secret)))
    if token is None or token.revoked_at is not None:
        return None
    return token
