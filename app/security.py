"""Security headers and the user loader."""

import hmac

from flask import request
from werkzeug.routing import IntegerConverter

from app.extensions import db, login_manager

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs, limited to what an id column holds: a huge number is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register_security(app) -> None:
    @app.before_request
    def refuse_null_characters():
        # PostgreSQL cannot store a NUL character in text, and no person types one: refuse it at the
        # edge with a message, before it can reach the database as an error.
        from app.errors import InvalidRequest

        if request.path.startswith("/webhooks/"):
            return  # checked against its signature as raw bytes, then parsed field by field
        values = [v for _, v in request.args.items(multi=True)] + [v for _, v in request.form.items(multi=True)]
        if any("\x00" in v for v in values) or (request.is_json and b"\\u0000" in request.get_data()):
            raise InvalidRequest(
                "Something you sent contains a null character, which cannot be used. Remove it and try again.", 400
            )

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str):
        from app.auth.models import StaffUser

        number, _, key = str(user_id).partition(".")
        try:
            user = db.session.get(StaffUser, int(number))
        except (TypeError, ValueError):
            return None
        if user is None or not hmac.compare_digest(user.session_key or "", key):
            return None  # the account's sessions were ended since this cookie was issued
        return user

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure or app.config["PUBLIC_BASE_URL"].startswith("https://"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.path.startswith("/staff") or request.path.startswith("/preferences"):
            response.headers["Cache-Control"] = "no-store"
        return response
