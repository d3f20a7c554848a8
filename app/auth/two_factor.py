"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238) from an authenticator app."""

import hmac
import re
from datetime import UTC

import pyotp
import segno
from flask import current_app

from app.audit import services as audit
from app.auth.models import StaffUser
from app.auth.services import LOCKED_MESSAGE, count_failed_attempt
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.transactions import transactional

WRONG_CODE = "The code is not right. Enter the 6-digit code your authenticator app shows now (each code works once)"


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def current_step() -> int:
    """The number of the current 30-second TOTP time step."""
    return int(now().replace(tzinfo=UTC).timestamp()) // 30


def _matching_step(secret: str | None, code: str) -> int | None:
    """The time step whose code this is: the current one, or one either side (phones' clocks drift)."""
    code = _clean(code)
    if not secret or not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    step = current_step()
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def accept_code(user: StaffUser, code: str) -> bool:
    """True for a right code not used before; the caller's transaction records its use."""
    step = _matching_step(user.totp_secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def provisioning_uri(user: StaffUser) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    issuer = f"Involve ({current_app.config['ORGANISATION_NAME']})"
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_code_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI, which the content security policy allows for images."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app than one long string."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@transactional
def begin_setup(user: StaffUser) -> str:
    """A secret for the person to add to their app; kept until they confirm it or set up again."""
    if user.totp_enabled:
        raise InvalidRequest("Two-factor sign-in is already turned on.", 409)
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
    return user.totp_secret


@transactional
def confirm_setup(user: StaffUser, code: str) -> None:
    """Turn two-factor sign-in on, once a code from the app proves it holds the secret."""
    if user.totp_enabled:
        return
    if not accept_code(user, code):
        raise InvalidRequest(WRONG_CODE, 400, {"code": WRONG_CODE})
    user.totp_enabled = True
    audit.record("two_factor", "staff_user", user.id, "turned on")


@transactional
def disable(user: StaffUser, code: str) -> None:
    """Turn two-factor sign-in off; a current code is needed, so a borrowed session cannot."""
    if not user.totp_enabled:
        return
    if not accept_code(user, code):
        raise InvalidRequest(WRONG_CODE, 400, {"code": WRONG_CODE})
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None
    audit.record("two_factor", "staff_user", user.id, "turned off")


@transactional
def check_sign_in_code(user_id: int, code: str) -> tuple[StaffUser | None, str | None]:
    """The second step of sign-in: (user, None) for a right, unused code; a wrong one counts toward the lock."""
    user = db.session.get(StaffUser, user_id)
    if user is None or not user.is_active_account or not user.totp_enabled:
        return None, "Sign in again."
    if user.is_locked():
        return None, LOCKED_MESSAGE
    if not accept_code(user, code):
        if count_failed_attempt(user):
            return None, LOCKED_MESSAGE
        return user, WRONG_CODE
    user.failed_logins = 0
    user.locked_until = None
    return user, None
