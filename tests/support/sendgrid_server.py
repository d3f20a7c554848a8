"""A local stand-in for SendGrid's v3 Mail Send API that checks every request it gets.

    server = LocalSendGrid(api_key="SG.test").start()
    app.config["SENDGRID_HOST"] = server.url
    ...
    server.requests          # every request, parsed, with any problems found
    server.accepted()        # one entry per recipient SendGrid would have taken
    server.stop()

Tell it how to answer the next requests with `server.answer(Answer.rate_limited(...))`;
with nothing queued it accepts (202). Like the real service it refuses a malformed
request with 400 and a JSON list of errors, so a test sees the same failure production would.

Given `events_url`, it posts a signed `processed` event per accepted recipient to that
URL, as SendGrid's Event Webhook does (ECDSA P-256 over timestamp + body; the public
key to verify with is `server.webhook_public_key`).
"""

import base64
import json
import re
import secrets
import threading
import time
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

MAX_PERSONALIZATIONS = 1000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOOKS_LIKE_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
# Headers SendGrid will not let a sender set.
_RESERVED_HEADERS = {
    "x-sg-id",
    "x-sg-eid",
    "received",
    "dkim-signature",
    "content-type",
    "content-transfer-encoding",
    "to",
    "from",
    "subject",
    "reply-to",
    "cc",
    "bcc",
}


@dataclass
class Answer:
    """How the server answers one request."""

    status: int = 202
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hang_seconds: float = 0.0

    @classmethod
    def accepted(cls) -> "Answer":
        return cls(202)

    @classmethod
    def bad_request(cls, message: str = "The from email does not contain a valid address.") -> "Answer":
        return cls(400, {"errors": [{"message": message, "field": "from.email", "help": None}]})

    @classmethod
    def rate_limited(cls, reset_at: float) -> "Answer":
        """429 with X-RateLimit-Reset: the Unix time when sending may resume."""
        return cls(
            429,
            {"errors": [{"message": "too many requests", "field": None, "help": None}]},
            {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(reset_at))},
        )

    @classmethod
    def server_error(cls) -> "Answer":
        return cls(500, {"errors": [{"message": "internal error", "field": None, "help": None}]})

    @classmethod
    def hang(cls, seconds: float = 30.0) -> "Answer":
        """Say nothing for `seconds` (or until the server stops): a provider that timed out."""
        return cls(202, hang_seconds=seconds)


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: dict | None
    problems: list[str]
    status: int = 0
    message_id: str = ""


def check_mail_send(headers: dict[str, str], body: bytes, api_key: str | None) -> tuple[int, list[str], dict | None]:
    """(status SendGrid would answer, problems found, parsed body) for one Mail Send request."""
    auth = headers.get("authorization", "")
    if not auth.startswith("Bearer ") or (api_key is not None and auth != f"Bearer {api_key}"):
        return 401, ["Authorization must be 'Bearer <API key>' with the right key"], None
    if not headers.get("content-type", "").startswith("application/json"):
        return 400, ["Content-Type must be application/json"], None
    try:
        data = json.loads(body)
    except ValueError:
        return 400, ["body is not JSON"], None
    if not isinstance(data, dict):
        return 400, ["body must be a JSON object"], None
    problems = []
    sender = data.get("from")
    if not isinstance(sender, dict) or not _EMAIL.match(str(sender.get("email", ""))):
        problems.append("from.email must be an email address")
    if not isinstance(data.get("subject"), str) or not data["subject"].strip():
        problems.append("subject is required")
    content = data.get("content")
    if not isinstance(content, list) or not content:
        problems.append("content must be a non-empty list")
    else:
        types = [c.get("type") if isinstance(c, dict) else None for c in content]
        if any(not isinstance(c, dict) or not isinstance(c.get("value"), str) or not c["value"] for c in content):
            problems.append("each content item needs a type and a non-empty string value")
        if "text/plain" in types and types.index("text/plain") != 0:
            problems.append("text/plain content must come first")
        if "text/html" in types and types.index("text/html") != (1 if "text/plain" in types else 0):
            problems.append("text/html content must follow text/plain")
    if "reply_to" in data and not (
        isinstance(data["reply_to"], dict) and _EMAIL.match(str(data["reply_to"].get("email", "")))
    ):
        problems.append("reply_to.email must be an email address")
    problems += _check_personalizations(data.get("personalizations"))
    problems += _check_custom_args(data.get("custom_args"), "custom_args")
    extra_headers = data.get("headers", {})
    if not isinstance(extra_headers, dict):
        problems.append("headers must be an object")
    else:
        for name, value in extra_headers.items():
            if name.lower() in _RESERVED_HEADERS:
                problems.append(f"headers.{name} is reserved")
            if not isinstance(value, str):
                problems.append(f"headers.{name} must be a string")
    categories = data.get("categories", [])
    if not isinstance(categories, list) or len(categories) > 10 or any(not isinstance(c, str) for c in categories):
        problems.append("categories must be a list of at most 10 strings")
    return (400 if problems else 202), problems, data


def _check_personalizations(items) -> list[str]:
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_PERSONALIZATIONS:
        return [f"personalizations must hold 1 to {MAX_PERSONALIZATIONS} items"]
    problems = []
    for index, item in enumerate(items):
        where = f"personalizations[{index}]"
        to = item.get("to") if isinstance(item, dict) else None
        # One message per recipient: never several people in one envelope.
        if not isinstance(to, list) or len(to) != 1:
            problems.append(f"{where}.to must hold exactly one recipient")
        elif not isinstance(to[0], dict) or not _EMAIL.match(str(to[0].get("email", ""))):
            problems.append(f"{where}.to[0].email must be an email address")
        if isinstance(item, dict):
            for copy in ("cc", "bcc"):
                if item.get(copy):
                    problems.append(f"{where}.{copy} is not allowed: one recipient per message")
            problems += _check_custom_args(item.get("custom_args"), f"{where}.custom_args")
    return problems


def _check_custom_args(args, where: str) -> list[str]:
    if args is None:
        return []
    if not isinstance(args, dict):
        return [f"{where} must be an object"]
    problems = []
    for key, value in args.items():
        if not isinstance(value, str):
            problems.append(f"{where}.{key} must be a string")
        elif _LOOKS_LIKE_EMAIL.search(value):
            problems.append(f"{where}.{key} holds an email address: custom_args carry opaque ids only")
    return problems


class LocalSendGrid:
    def __init__(self, api_key: str | None = "SG.test-key", events_url: str | None = None):
        self.api_key = api_key
        self.events_url = events_url
        self.requests: list[ReceivedRequest] = []
        self.events_posted: list[dict] = []
        self.event_errors: list[str] = []
        self._answers: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._signing_key = ec.generate_private_key(ec.SECP256R1())

    # ----- lifecycle -------------------------------------------------------

    def start(self) -> "LocalSendGrid":
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._released.clear()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-sendgrid", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "LocalSendGrid":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """What SENDGRID_HOST should be set to."""
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # ----- behaviour and what happened ------------------------------------

    def answer(self, *answers: Answer) -> None:
        """Answer the next requests like this, in order; afterwards accept again."""
        with self._lock:
            self._answers.extend(answers)

    def next_answer(self) -> Answer:
        with self._lock:
            return self._answers.popleft() if self._answers else Answer.accepted()

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def accepted(self) -> list[dict]:
        """One entry per recipient of every accepted request: to, subject, custom_args, message id."""
        with self._lock:
            requests = [r for r in self.requests if r.status == 202 and r.json]
        out = []
        for request in requests:
            for item in request.json["personalizations"]:
                args = {**request.json.get("custom_args", {}), **item.get("custom_args", {})}
                out.append(
                    {
                        "to": item["to"][0]["email"],
                        "subject": item.get("subject", request.json["subject"]),
                        "custom_args": args,
                        "message_id": request.message_id,
                        "body": request.json,
                    }
                )
        return out

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return [p for r in self.requests for p in r.problems]

    # ----- the Event Webhook ----------------------------------------------

    @property
    def webhook_public_key(self) -> str:
        """The verification key as SendGrid shows it (base64 DER, no PEM armour)."""
        der = self._signing_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode()

    def sign(self, payload: str, timestamp: str) -> str:
        signature = self._signing_key.sign((timestamp + payload).encode(), ec.ECDSA(hashes.SHA256()))
        return base64.b64encode(signature).decode()

    def post_events(self, events: list[dict]) -> int:
        """POST events to events_url, signed as SendGrid signs them; returns the status."""
        payload = json.dumps(events)
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            self.events_url,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Twilio-Email-Event-Webhook-Signature": self.sign(payload, timestamp),
                "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            status = response.status
        with self._lock:
            self.events_posted.extend(events)
        return status

    def _post_quietly(self, events: list[dict]) -> None:
        try:
            self.post_events(events)
        except OSError as exc:  # the app under test may be down: that is its problem to show
            with self._lock:
                self.event_errors.append(f"{type(exc).__name__}: {exc}")

    def _processed_events(self, data: dict, message_id: str) -> list[dict]:
        events = []
        for index, item in enumerate(data["personalizations"]):
            args = {**data.get("custom_args", {}), **item.get("custom_args", {})}
            events.append(
                {
                    "email": item["to"][0]["email"],
                    "timestamp": int(time.time()),
                    "event": "processed",
                    "sg_event_id": secrets.token_urlsafe(16),
                    "sg_message_id": f"{message_id}.filter0001.{index}",
                    **args,
                }
            )
        return events


class _Handler(BaseHTTPRequestHandler):
    owner: LocalSendGrid
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        if self.path.rstrip("/") != "/v3/mail/send":
            self._respond(404, {"errors": [{"message": "not found", "field": None, "help": None}]})
            return
        status, problems, data = check_mail_send(headers, body, self.owner.api_key)
        answer = self.owner.next_answer()
        record = ReceivedRequest("POST", self.path, headers, body, data, problems)
        self.owner.record(record)
        if answer.hang_seconds:
            self.owner._released.wait(answer.hang_seconds)
            record.status = 0
            self.close_connection = True
            return
        if status != 202:
            record.status = status
            self._respond(status, {"errors": [{"message": p, "field": None, "help": None} for p in problems]})
            return
        record.status = answer.status
        headers_out = dict(answer.headers)
        if answer.status == 202:
            record.message_id = secrets.token_urlsafe(16)
            headers_out["X-Message-Id"] = record.message_id
        self._respond(answer.status, answer.body, headers_out)
        if answer.status == 202 and self.owner.events_url:
            events = self.owner._processed_events(data, record.message_id)
            threading.Thread(target=self.owner._post_quietly, args=(events,), daemon=True).start()

    def _respond(self, status: int, body: dict | None, headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if raw:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)
