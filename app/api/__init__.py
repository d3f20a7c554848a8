"""The JSON API under /api/v1: bearer-token authentication and the pieces every API blueprint shares.

API clients send `Authorization: Bearer <token>`; the token's role is checked against the
same permission table as staff pages. API blueprints are exempt from CSRF because they
never read the session cookie: a request is authorised by its token alone.
"""

import functools

from flask import g, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

from app.auth.permissions import PERMISSIONS, role_can
from app.errors import InvalidRequest, render_error
from app.extensions import api, csrf

BEARER_SCHEME = "bearerAuth"
URL_PREFIX = "/api/v1"


ERROR_BODY = {
    "type": "object",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status code"},
        "message": {"type": "string", "description": "What went wrong, in words a person can act on"},
        "errors": {
            "type": "object",
            "description": "Field name -> what is wrong with that field (nested fields as dotted names)",
            "additionalProperties": {"type": "string"},
        },
    },
    "required": ["status", "message"],
}


def flatten_messages(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow/webargs messages -> {"field": "message"}, as InvalidRequest errors are.

    The request location (json, query) is dropped; nested fields become dotted names.
    """
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "view_args", "headers", "files"):
                flat.update(flatten_messages(value, ""))
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
                flat.update(flatten_messages(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_request"] = " ".join(messages)
        else:
            for index, value in enumerate(messages):
                flat.update(flatten_messages(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "_request"] = str(messages)
    return flat


class ApiParser(FlaskParser):
    """Argument errors become 400 with field errors in the same shape as every other API error."""

    DEFAULT_VALIDATION_STATUS = 400

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        raise InvalidRequest("The request has invalid fields.", 400, flatten_messages(error.messages))

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise InvalidRequest("The request body is not valid JSON.", 400, {"_request": "Send a JSON object"})


class ApiBlueprint(Blueprint):
    """A flask-smorest blueprint whose views say which permission their token needs."""

    ARGUMENTS_PARSER = ApiParser()
    PAGINATION_ARGUMENTS_PARSER = ApiParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.after_request(_not_cached)

    def requires(self, permission: str):
        """Bearer token required (401 without one), then the permission for its role (403)."""
        if permission not in PERMISSIONS:
            raise KeyError(f"unknown permission {permission!r}")

        def decorator(view):
            @functools.wraps(view)
            def wrapped(*args, **kwargs):
                token = authenticate_request()
                if token is None:
                    return _unauthorised()
                g.api_token = token
                if not role_can(token.role, permission):
                    return render_error(403, f"This token's role cannot do this (needs {permission}).")
                return view(*args, **kwargs)

            wrapped.required_permission = permission
            documented = self.doc(
                security=[{BEARER_SCHEME: []}],
                description=f"Needs a token whose role has the permission `{permission}`.",
                responses={"401": "UNAUTHORIZED", "403": "FORBIDDEN"},
            )
            return documented(wrapped)

        return decorator


def _not_cached(response):
    # Answers carry personal data: no shared or browser cache may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def authenticate_request():
    """The live ApiToken named by the request's bearer header, or None."""
    from app.auth.services import use_api_token

    secret = bearer_secret()
    if secret is None:
        return None
    return use_api_token(secret)


def _unauthorised():
    body, status = render_error(401, "Send a valid API token as 'Authorization: Bearer <token>'.")
    body.headers["WWW-Authenticate"] = 'Bearer realm="Involve API"'
    return body, status


def register_api_blueprint(blueprint: ApiBlueprint) -> None:
    """Register an API blueprint under /api/v1, documented, and exempt from CSRF (tokens, not cookies)."""
    csrf.exempt(blueprint)
    api.register_blueprint(blueprint)


def init_api(app) -> None:
    """Declare the bearer scheme in the OpenAPI document and register the API blueprints."""
    from app.members.api import bp as members_api
    from app.newsletters.api import build_blueprint as bulletins_api
    from app.representation.api import build_blueprint as representation_api
    from app.rosters.api import build_blueprint as rosters_api
    from app.surveys.api import build_blueprint as surveys_api

    api.spec.components.security_scheme(
        BEARER_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token created by an administrator (Staff pages > API tokens).",
        },
    )
    # Describe the error body this app really sends (app.errors.render_error).
    api.spec.components.schemas["Error"] = ERROR_BODY
    register_api_blueprint(members_api)
    register_api_blueprint(rosters_api())
    register_api_blueprint(representation_api())
    register_api_blueprint(bulletins_api())
    register_api_blueprint(surveys_api())
