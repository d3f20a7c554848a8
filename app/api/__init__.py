"""The JSON API under /api/v1: bearer-token authentication and the pieces every API blueprint shares.

API clients send `Authorization: Bearer <token>`; the token's role is checked against the
same permission table as staff pages. API blueprints are exempt from CSRF because they
never read the session cookie: a request is authorised by its token alone.
"""

import functools
import json

from flask import g, request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, missing, validate
from webargs.flaskparser import FlaskParser

from app.api.one_of import one_of_property
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


MAX_PAGE = 100_000

PAGINATION_HEADER = {
    "X-Pagination": {
        "description": 'JSON text with the totals, like {"total": 120, "total_pages": 2, "page": 1, "page_size": 100}',
        "schema": {"type": "string"},
    }
}


def page_arguments(default_size: int, max_size: int) -> type[Schema]:
    """Query arguments ?page= and ?page_size=, both bounded, as every paged list takes them."""

    class PageArguments(Schema):
        class Meta:
            unknown = EXCLUDE

        page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
        page_size = fields.Integer(load_default=default_size, validate=validate.Range(min=1, max=max_size))

    PageArguments.__name__ = f"PageArguments{default_size}x{max_size}"
    return PageArguments


def pagination_header(found) -> dict:
    """The X-Pagination header for a Flask-SQLAlchemy page."""
    totals = {"total": found.total, "total_pages": found.pages, "page": found.page, "page_size": found.per_page}
    return {"X-Pagination": json.dumps(totals)}


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
        raise SchemaViolation("The request has invalid fields.", 400, flatten_messages(error.messages))

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise SchemaViolation("The request body is not valid JSON.", 400, {"_request": "Send a JSON object"})

    def load_json(self, req, schema):
        """A JSON body is required where one is documented, and its values have the JSON types documented."""
        data = super().load_json(req, schema)
        if data is missing:
            raise SchemaViolation("The request needs a JSON body.", 400, {"_request": "Send a JSON object"})
        errors = json_type_errors(schema, data)
        if errors:
            others = flatten_messages(schema.validate(data, partial=schema.partial))
            raise SchemaViolation("The request has invalid fields.", 400, {**others, **errors})
        return data


def _type_error(field, value) -> str | None:
    if isinstance(field, fields.Boolean) and not isinstance(value, bool):
        return "Not a valid boolean: send true or false."
    if isinstance(field, fields.Integer) and (not isinstance(value, int) or isinstance(value, bool)):
        return "Not a valid integer: send a number without quotes."
    if isinstance(field, fields.Number) and (not isinstance(value, int | float) or isinstance(value, bool)):
        return "Not a valid number: send a number without quotes."
    return None


def json_type_errors(schema, data, prefix: str = "") -> dict[str, str]:
    """Field errors for JSON values of the wrong type that marshmallow would quietly convert ("1" for 1).

    marshmallow reads form-like input and turns "12" into 12 and "yes" into True; a JSON API
    documents types, so a JSON body must send them.
    """
    if not isinstance(data, dict):
        return {}
    errors: dict[str, str] = {}
    for name, field in schema.fields.items():
        key = field.data_key or name
        value = data.get(key)
        if value is None:
            continue
        label = f"{prefix}{key}"
        if isinstance(field, fields.Nested) and not field.many:
            errors.update(json_type_errors(field.schema, value, f"{label}."))
        elif isinstance(field, fields.List) and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(field.inner, fields.Nested) and isinstance(item, dict):
                    errors.update(json_type_errors(field.inner.schema, item, f"{label}.{index}."))
                    continue
                problem = item is not None and _type_error(field.inner, item)
                if problem:
                    errors[f"{label}.{index}"] = problem
        else:
            problem = _type_error(field, value)
            if problem:
                errors[label] = problem
    return errors


class SchemaViolation(InvalidRequest):
    """A request the OpenAPI document itself rules out: 400."""


def _refusal(error: InvalidRequest) -> InvalidRequest:
    """A well-formed request the server refuses is 422, not 400.

    400 means the request breaks the OpenAPI document (wrong type, length, enum, format). A request
    the document allows but that names something that does not exist, or breaks a rule between
    fields or with what is stored, is 422 Unprocessable Content, with the same field errors.
    """
    if error.status == 400 and not isinstance(error, SchemaViolation):
        return InvalidRequest(error.message, 422, error.errors)
    return error


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
                try:
                    return view(*args, **kwargs)
                except InvalidRequest as error:
                    raise _refusal(error) from None

            wrapped.required_permission = permission
            documented = self.doc(
                security=[{BEARER_SCHEME: []}],
                description=f"Needs a token whose role has the permission `{permission}`.",
                responses={"401": "UNAUTHORIZED", "403": "FORBIDDEN", "422": "UNPROCESSABLE_ENTITY"},
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


NO_NULL_CHARACTER = "^[^\\x00]*$"


def _no_null_characters(self, field, **kwargs) -> dict:
    """Every free string says it cannot hold a NUL character, which the server refuses (app.security)."""
    ret = kwargs.get("ret", {})
    if ret.get("type") == "string" and not {"enum", "format", "pattern"} & ret.keys():
        return {"pattern": NO_NULL_CHARACTER}
    return {}


def init_api(app, blueprints) -> None:
    """Declare the bearer scheme in the OpenAPI document and register the domains' API blueprints.

    The domains' blueprints are handed in by the application factory: this package is below them.
    """
    api.spec.components.security_scheme(
        BEARER_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token created by an administrator (Staff pages > API tokens).",
        },
    )
    converter = api.ma_plugin.converter
    if _no_null_characters.__name__ not in vars(converter):
        converter.add_attribute_function(_no_null_characters)
    if one_of_property.__name__ not in vars(converter):
        converter.add_attribute_function(one_of_property)
    # Describe the error body this app really sends (app.errors.render_error).
    api.spec.components.schemas["Error"] = ERROR_BODY
    for blueprint in blueprints:
        register_api_blueprint(blueprint)
    _link_created_resources(api.spec.to_dict()["paths"])


def _pointer(path: str, method: str) -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _link_created_resources(paths: dict) -> None:
    """OpenAPI links from each 201 of a collection to what can then be done with the new resource.

    POST /campaigns answers the new campaign's id; GET, PUT, /send, /pause, /cancel ... on
    /campaigns/{campaign_id} take it. Clients (and the stateful fuzzer) follow these links.
    `paths` is the document's own paths object, so the links are added to the document itself.
    """
    for collection, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None:
            continue
        links = {}
        for path, targets in paths.items():
            if not path.startswith(collection + "/{") or "}" not in path:
                continue
            rest = path[len(collection) :]
            parameter = rest[2 : rest.index("}")]
            for method in targets:
                if method in ("get", "put", "patch", "post", "delete"):
                    words = [w for w in rest[rest.index("}") + 1 :].split("/") if w and not w.startswith("{")]
                    name = method.capitalize() + "".join(w.title().replace("-", "") for w in words) or method
                    links[f"{name}{parameter.split('_')[0].title()}"] = {
                        "operationRef": _pointer(path, method),
                        "parameters": {parameter: "$response.body#/id"},
                    }
        if links:
            created["links"] = links
