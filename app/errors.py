"""Errors raised by services and how they reach a person or an API client."""

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


TITLES = {
    400: "There is a problem with your request",
    401: "You need to sign in",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That is not allowed here",
    413: "The file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def render_error(status: int, message: str | None = None, errors: dict | None = None):
    title = TITLES.get(status, "There is a problem")
    if wants_json():
        body = {"status": status, "message": message or title}
        if errors:
            body["errors"] = errors
        return jsonify(body), status
    return render_template("error.html", status=status, title=title, message=message), status


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
        message = None
        data = getattr(error, "data", None)
        errors = None
        if isinstance(data, dict) and "messages" in data:
            # webargs/flask-smorest validation errors
            errors = data["messages"]
            message = "The request has invalid fields."
        elif error.code == 413:
            limit = request.max_content_length
            size = f" (the limit is {limit / 1024 / 1024:g} MB)" if limit else ""
            message = f"What you sent is too large{size}. Send less at a time."
        elif error.code == 429:
            message = "You have tried too many times. Wait a while and try again."
        elif error.description and error.code not in (404, 500):
            message = error.description
        response = make_response(render_error(error.code or 500, message, errors))
        # Headers the status needs (Allow on 405, Retry-After on 429, WWW-Authenticate on 401) go with it.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)
