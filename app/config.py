"""Configuration classes. Every setting can be given as an environment variable."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'involve.db'}")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = _database_url()
    # hide_parameters: database errors in logs show the SQL, never the values (addresses, names).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "involve")

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    MAIL_FROM_ADDRESS = os.environ.get("MAIL_FROM_ADDRESS", "involve@example.nhs.uk")
    MAIL_FROM_NAME = os.environ.get("MAIL_FROM_NAME", "")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", False)
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", "30"))
    SENDGRID_API_KEY = os.environ.get("SENDGRID_API_KEY", "")
    SENDGRID_HOST = os.environ.get("SENDGRID_HOST", "https://api.sendgrid.com")
    SENDGRID_TIMEOUT = float(os.environ.get("SENDGRID_TIMEOUT", "30"))

    # GOV.UK Notify (MAIL_BACKEND=notify): the API key as Notify shows it, the templates bulletins and
    # texts are sent through ((subject)) and ((body)), and the bearer token Notify's callbacks carry.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "30"))
    NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
    NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
    NOTIFY_CALLBACK_TOKEN = os.environ.get("NOTIFY_CALLBACK_TOKEN", "")
    # Messages a second across all workers: Notify's 3,000 a minute, unless Notify raised the service's limit.
    NOTIFY_RATE_LIMIT = int(os.environ.get("NOTIFY_RATE_LIMIT", "50"))

    # Base64 DER public key from SendGrid's Event Webhook settings (signature verification).
    SENDGRID_WEBHOOK_PUBLIC_KEY = os.environ.get("SENDGRID_WEBHOOK_PUBLIC_KEY", "")
    SENDGRID_WEBHOOK_MAX_AGE_SECONDS = int(os.environ.get("SENDGRID_WEBHOOK_MAX_AGE_SECONDS", "600"))

    # Bulletins: batch size, claim lease, retries and the in-doubt grace period.
    BULLETIN_BATCH_SIZE = int(os.environ.get("BULLETIN_BATCH_SIZE", "1000"))
    BULLETIN_CLAIM_LEASE_SECONDS = int(os.environ.get("BULLETIN_CLAIM_LEASE_SECONDS", "900"))
    BULLETIN_INDOUBT_GRACE_SECONDS = int(os.environ.get("BULLETIN_INDOUBT_GRACE_SECONDS", "1800"))
    BULLETIN_MAX_ATTEMPTS = int(os.environ.get("BULLETIN_MAX_ATTEMPTS", "4"))
    BULLETIN_RETRY_BACKOFF_SECONDS = float(os.environ.get("BULLETIN_RETRY_BACKOFF_SECONDS", "2"))
    BULLETIN_MAX_RATE_LIMIT_WAIT_SECONDS = float(os.environ.get("BULLETIN_MAX_RATE_LIMIT_WAIT_SECONDS", "120"))
    # A campaign pauses itself after this many failed batches and tells the sender.
    BULLETIN_MAX_ERRORS = int(os.environ.get("BULLETIN_MAX_ERRORS", "5"))
    # Messages per second across all workers together (app/newsletters/pacing.py); 0 sends as fast as the
    # provider allows. A campaign may set its own rate.
    BULLETIN_SEND_RATE = int(os.environ.get("BULLETIN_SEND_RATE", "0"))
    UNSUBSCRIBE_MAILTO = os.environ.get("UNSUBSCRIBE_MAILTO", "")
    # Opens and clicks seconds after delivery are mail scanners, not people.
    SCANNER_SECONDS_AFTER_DELIVERY = int(os.environ.get("SCANNER_SECONDS_AFTER_DELIVERY", "10"))
    # The minute's readership refresh leaves a campaign with no new opens or clicks for this long.
    REPORT_QUIET_REFRESH_SECONDS = int(os.environ.get("REPORT_QUIET_REFRESH_SECONDS", "900"))

    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "NHS Example Integrated Care Board")

    # Lifetimes, in seconds, of links sent by email.
    CONFIRM_TOKEN_MAX_AGE = int(os.environ.get("CONFIRM_TOKEN_MAX_AGE", str(7 * 24 * 3600)))
    PREFERENCES_TOKEN_MAX_AGE = int(os.environ.get("PREFERENCES_TOKEN_MAX_AGE", str(90 * 24 * 3600)))
    # How long a sign-up in progress is kept between its steps, until it is sent (app/public/drafts.py).
    SIGNUP_STEP_MAX_AGE = int(os.environ.get("SIGNUP_STEP_MAX_AGE", "3600"))

    # Sign-ups and requests for a new link that were accepted (a form sent back with mistakes
    # marked costs nothing): per network address, which a whole venue's Wi-Fi shares, and per
    # email address typed.
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "60 per hour")
    SIGNUP_ADDRESS_RATE_LIMIT = os.environ.get("SIGNUP_ADDRESS_RATE_LIMIT", "4 per hour")
    # Emails nobody signed in to ask for (confirmations, new links, "already signed up"): however
    # often and from however many places an address is typed, its owner gets at most this many a day.
    UNASKED_EMAILS_PER_DAY = int(os.environ.get("UNASKED_EMAILS_PER_DAY", "5"))
    # Failed sign-ins only: per address the request comes from, and per email address tried.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "40 per 15 minutes")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "10 per 15 minutes")
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or (os.environ.get("REDIS_URL") or "memory://")
    RATELIMIT_HEADERS_ENABLED = True

    # NHS statistical disclosure control for aggregates that leave the team.
    SUPPRESS_BELOW = int(os.environ.get("SUPPRESS_BELOW", "8"))
    ROUND_TO = int(os.environ.get("ROUND_TO", "5"))
    # No breakdown of a population with fewer known answers than this (perturbed).
    DISCLOSURE_FLOOR = int(os.environ.get("DISCLOSURE_FLOOR", "50"))

    # The most bytes any request may send (a form, an API call); refused with 413 before it is read.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(2 * 1024 * 1024)))
    # File uploads (members, practices, baselines, panel pools) may send this much instead.
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))
    # A SendGrid event batch is far smaller (it posts at most a few thousand events at a time).
    WEBHOOK_MAX_BYTES = int(os.environ.get("WEBHOOK_MAX_BYTES", str(5 * 1024 * 1024)))
    IMPORT_INLINE_MAX_ROWS = int(os.environ.get("IMPORT_INLINE_MAX_ROWS", "5000"))
    # Uploaded member files wait here between preview and import (default: instance/imports).
    # With workers on other machines, point this at a folder they share.
    IMPORT_DIR = os.environ.get("IMPORT_DIR", "")
    # Pictures for bulletins (default: instance/bulletin-images), served publicly to every reader's mail client.
    IMAGES_DIR = os.environ.get("IMAGES_DIR", "")
    BULLETIN_IMAGE_MAX_BYTES = int(os.environ.get("BULLETIN_IMAGE_MAX_BYTES", str(5 * 1024 * 1024)))
    # Width times height before resizing: a small file can unpack into a picture too big to handle.
    BULLETIN_IMAGE_MAX_PIXELS = int(os.environ.get("BULLETIN_IMAGE_MAX_PIXELS", str(40_000_000)))
    IMPORT_FILE_MAX_AGE = int(os.environ.get("IMPORT_FILE_MAX_AGE", str(24 * 3600)))

    # Where `flask backup` finds pg_dump and pg_restore when they are not on PATH (e.g. /usr/lib/postgresql/16/bin).
    PG_BIN_DIR = os.environ.get("PG_BIN_DIR", "")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", PUBLIC_BASE_URL.startswith("https://"))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_LIFETIME_SECONDS", str(8 * 3600)))
    WTF_CSRF_TIME_LIMIT = None

    API_TITLE = "Involve API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105 (tests only)
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SIGNUP_RATE_LIMIT = "1000 per minute"
    SIGNUP_ADDRESS_RATE_LIMIT = "1000 per minute"
    LOGIN_RATE_LIMIT = "1000 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "1000 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = ""
    PUBLIC_BASE_URL = "http://localhost"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class ProductionConfig(Config):
    pass


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}
