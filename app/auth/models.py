"""Staff accounts and API tokens."""

import hashlib
import secrets
from datetime import datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import now
from app.extensions import db

_production_hasher = PasswordHasher()
_test_hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
_dummy_hash: list[str] = []


def _hasher() -> PasswordHasher:
    # Test suites create and sign in hundreds of accounts. A hash records its own parameters,
    # so verifying works whichever hasher made it.
    if has_app_context() and current_app.testing:
        return _test_hasher
    return _production_hasher


def spend_password_check_time(password: str) -> None:
    """Verify against a throwaway hash, so a wrong email takes as long as a wrong password."""
    if not _dummy_hash:
        _dummy_hash.append(_hasher().hash(secrets.token_hex(16)))
    try:
        _hasher().verify(_dummy_hash[0], password)
    except (VerificationError, InvalidHashError):
        pass


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(db.String(254), unique=True)
    name: Mapped[str] = mapped_column(db.String(200), default="")
    role: Mapped[str] = mapped_column(db.String(20))
    password_hash: Mapped[str] = mapped_column(db.String(200))
    # Encrypted with a key derived from SECRET_KEY (see totp_secret below).
    totp_secret_sealed: Mapped[str | None] = mapped_column("totp_secret", db.String(200))
    totp_enabled: Mapped[bool] = mapped_column(default=False)
    # The time step of the last code accepted: a code is good once only (RFC 6238, 5.2).
    totp_last_step: Mapped[int | None]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Part of the id kept in the session cookie: changing it signs the person out everywhere
    # (deactivation, reactivation, a new role or password, two-factor reset).
    session_key: Mapped[str] = mapped_column(db.String(32), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_login_at: Mapped[datetime | None]

    def set_password(self, password: str) -> None:
        self.end_sessions()
        self.password_hash = _hasher().hash(password)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    @property
    def totp_secret(self) -> str | None:
        """The two-factor secret in clear, or None (none set, or sealed under another SECRET_KEY)."""
        return _unseal(self.totp_secret_sealed)

    @totp_secret.setter
    def totp_secret(self, value: str | None) -> None:
        self.totp_secret_sealed = _seal(value) if value else None

    def get_id(self) -> str:
        return f"{self.id}.{self.session_key}" if self.session_key else str(self.id)

    def end_sessions(self) -> None:
        """Old session cookies stop working; the person signs in again."""
        self.session_key = secrets.token_hex(16)

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > now()

    def must_set_up_two_factor(self) -> bool:
        from app.settings.services import get_setting

        return not self.totp_enabled and get_setting("require_two_factor") == "yes"


class ApiToken(db.Model):
    """A bearer token for API clients. Only a hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(200))
    role: Mapped[str] = mapped_column(db.String(20))
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(db.String(12))
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    @staticmethod
    def hash(token: str) -> str:
        # Tokens are 256-bit random strings, so a plain SHA-256 is enough.
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "inv_" + secrets.token_urlsafe(32)


_SEALED = "fernet:"


def _fernet():
    import base64

    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    secret = current_app.config["SECRET_KEY"].encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"involve.totp", info=b"two-factor secrets").derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def _seal(value: str) -> str:
    return _SEALED + _fernet().encrypt(value.encode()).decode()


def _unseal(stored: str | None) -> str | None:
    from cryptography.fernet import InvalidToken

    if not stored:
        return None
    if not stored.startswith(_SEALED):
        return stored  # set before secrets were sealed; sealed when next changed
    try:
        return _fernet().decrypt(stored[len(_SEALED) :].encode()).decode()
    except InvalidToken:
        return None
