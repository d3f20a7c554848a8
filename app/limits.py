"""How much a request may send: refused with 413 from its Content-Length, before a byte is read.

Every request may send `MAX_CONTENT_LENGTH` (a form, an API call). A view that takes
more, a file upload or the SendGrid webhook, names its own setting:

    @bp.route("/import", methods=["GET", "POST"])
    @body_limit("UPLOAD_MAX_BYTES")
    def import_start(): ...

The limit has to be known before the view runs: CSRF protection and the null-character
check read the form in `before_request`. So `LimitedRequest` looks the setting up from
the matched view as soon as anything asks for the body, and werkzeug refuses it there:
from the Content-Length when there is one, or as soon as a streamed body passes the limit.
"""

from collections.abc import Callable

from flask import Flask, Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

ATTRIBUTE = "body_limit_setting"


def body_limit(setting: str) -> Callable:
    """Let the decorated view take up to `current_app.config[setting]` bytes instead of MAX_CONTENT_LENGTH."""

    def declare(view: Callable) -> Callable:
        setattr(view, ATTRIBUTE, setting)
        return view

    return declare


def declared_setting(app: Flask, endpoint: str | None) -> str | None:
    view = app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, ATTRIBUTE, None)


class _RefusingStream(LimitedStream):
    """A body of unknown length, refused once it passes the limit.

    werkzeug's own stream stops reading at a maximum and, read to its end, hands back
    what it has: a form or JSON body cut short, parsed as if whole.
    """

    def __init__(self, stream, limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        self._source = stream

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._source.read(1):
            raise RequestEntityTooLarge()
        return data


class LimitedRequest(Request):
    """A request whose body limit is the one its view declares with `body_limit`, else MAX_CONTENT_LENGTH."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is not None:
            return self._max_content_length
        if current_app:
            # url_rule is set when the URL is matched, before any before_request function runs.
            setting = declared_setting(current_app, self.url_rule.endpoint if self.url_rule else None)
            if setting:
                return current_app.config[setting]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @cached_property
    def stream(self):
        limit = self.max_content_length
        # Only a server that ends a chunked body itself says so (wsgi.input_terminated); without
        # that werkzeug reads nothing of a body of unknown length, which is safe as it is.
        if limit is not None and self.content_length is None and "wsgi.input_terminated" in self.environ:
            if self.shallow:
                raise RuntimeError("This request was created with shallow=True: its body may not be read.")
            return _RefusingStream(self.environ["wsgi.input"], limit)
        return super().stream


def check_settings(app: Flask) -> None:
    """Refuse to start if a view names a body limit that is not a setting (it would fail on every request)."""
    for endpoint, view in app.view_functions.items():
        setting = getattr(view, ATTRIBUTE, None)
        if setting is not None and not isinstance(app.config.get(setting), int):
            raise RuntimeError(f"{endpoint} takes bodies up to {setting}, which is not a whole-number setting")
