"""Errors raised by services and how they reach a person or an API client."""

import math
import time

from flask import jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class InvalidRequest(Exception):
    """Bad input or a refused operation, with a message a person can act on."""

    def __init__(self, message: str, status: int = 400, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors or {}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/webhooks/")


def N_(text: str) -> str:
    """Marks a message for the catalogues (babel.cfg); the error page translates it when shown."""
    return text


TITLES = {
    400: N_("There is a problem with your request"),
    401: N_("You need to sign in"),
    403: N_("You do not have permission to see this page"),
    404: N_("Page not found"),
    405: N_("That is not allowed here"),
    413: N_("What you sent is too large"),
    429: N_("Too many attempts"),
    500: N_("Sorry, there is a problem with the service"),
}


def render_error(status: int, message: str | None = None, errors: dict | None = None, title: str | None = None):
    title = title or TITLES.get(status, N_("There is a problem"))
    if wants_json():
        body = {"status": status, "message": message or title}
        if errors:
            body["errors"] = errors
        return jsonify(body), status
    return render_template("error.html", status=status, title=title, message=message), status


def readable_size(size: int) -> str:
    """2097152 -> "2 MB", 2621440 -> "2.5 MB", 500000 -> "488 KB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            amount = size / scale
            return f"{amount:.0f} {unit}" if amount >= 10 else f"{round(amount, 1):g} {unit}"
    return f"{size} bytes"


def too_large() -> tuple[str, str]:
    """The title and message of a 413, naming the limit that was passed."""
    limit, sent = request.max_content_length, request.content_length
    upload = request.mimetype == "multipart/form-data"
    if limit is not None and (sent is None or sent > limit):
        if wants_json():
            return "The request is too large", (
                f"The request body is too large: this address takes at most {readable_size(limit)} "
                f"({limit} bytes). Send less at a time."
            )
        if upload:
            return "The file is too large", (
                f"The file is too large: this page takes files up to {readable_size(limit)}. "
                "Split it into smaller files and upload each one."
            )
        return "What you sent is too large", (
            f"What you sent is too large: this page takes up to {readable_size(limit)}. Send less at a time."
        )
    # Within the body limit: the form's text passed MAX_FORM_MEMORY_SIZE (or its fields MAX_FORM_PARTS).
    text_limit = request.max_form_memory_size
    up_to = f": this page takes up to {readable_size(text_limit)} of text" if text_limit else ""
    return "What you sent is too large", f"The form holds too much text{up_to}. Send less at a time."


def wait_in_words(seconds: float) -> str:
    """How long to wait, as a person says it, never less than it is: 61 seconds -> "2 minutes"."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    words = f"{hours} hour{'s' if hours != 1 else ''}"
    return words + (f" {minutes} minute{'s' if minutes != 1 else ''}" if minutes else "")


def _seconds_until_retry() -> int | None:
    """How long until the limit this request passed lets it through again, when it is known."""
    from app.extensions import limiter

    try:
        breached = limiter.current_limit
    except RuntimeError:
        return None
    if breached is None:
        return None
    return max(1, math.ceil(breached.reset_at - time.time()))


def register_error_handlers(app) -> None:
    @app.errorhandler(InvalidRequest)
    def invalid_request(error: InvalidRequest):
        return render_error(error.status, error.message, error.errors)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400, "The form had expired or was sent from somewhere else. Go back, reload the page and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = title = None
        data = getattr(error, "data", None)
        errors = None
        if isinstance(data, dict) and "messages" in data:
            # webargs/flask-smorest validation errors
            errors = data["messages"]
            message = "The request has invalid fields."
        elif error.code == 413:
            title, message = too_large()
        elif error.code == 429:
            wait = _seconds_until_retry()
            if wait is None:
                message = "You have tried too many times. Wait a while and try again."
            else:
                message = f"You have tried too many times. Try again in {wait_in_words(wait)}."
        elif error.description and error.code not in (404, 500):
            message = error.description
        response = make_response(render_error(error.code or 500, message, errors, title))
        # Headers the status needs (Allow on 405, Retry-After on 429, WWW-Authenticate on 401) go with it.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        if error.code == 429 and "Retry-After" not in response.headers:
            wait = _seconds_until_retry()
            if wait is not None:
                response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
