"""A local stand-in for GOV.UK Notify's v2 API that checks every request it gets.

    server = LocalNotify().start()
    app.config.update(NOTIFY_BASE_URL=server.url, NOTIFY_API_KEY=server.api_key, ...)
    server.notifications     # every notification it took, with its reference
    server.stop()

Every request must carry `Authorization: Bearer <JWT>` signed (HS256) with the secret
part of the service's API key, `iss` the service id and `iat` within 30 seconds, as the
real service checks; anything else gets 403 and the same error body Notify sends.
It answers POST /v2/notifications/email and /sms (201 with the notification), POST
/v2/notifications/letter with a precompiled letter (`content` a base64 PDF, `reference`,
`postage`: it checks the PDF is one, A4, and keeps its bytes),
GET /v2/notifications?reference=... and GET /v2/notifications/<id>.

Tell it how to answer the next POSTs with `server.answer(...)`: RATE_LIMITED (429),
SERVER_ERROR (500), HANG (says nothing: nothing taken) or TAKE_THEN_HANG (takes the
notification, then says nothing: the client times out with the message sent). With a
callback URL it posts delivery receipts as Notify does, with the callback bearer token.
"""

import base64
import binascii
import io
import json
import random
import re
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter, deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

ACCEPT = "accept"
RATE_LIMITED = "rate_limited"
SERVER_ERROR = "server_error"
HANG = "hang"
TAKE_THEN_HANG = "take_then_hang"
BAD_REQUEST = "bad_request"

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_UK_MOBILE = re.compile(r"^\+447\d{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
POSTAGES = ("first", "second", "economy")
# A4 in points, and how far off Notify lets a page be (2 mm).
A4_POINTS = (595.28, 841.89)
A4_TOLERANCE = 2 * 72 / 25.4


def _error(status: int, kind: str, message: str) -> tuple[int, dict]:
    return status, {"status_code": status, "errors": [{"error": kind, "message": message}]}


class LocalNotify:
    def __init__(self, service_id: str | None = None, secret: str | None = None, templates=None):
        self.service_id = service_id or str(uuid.uuid4())
        self.secret = secret or str(uuid.uuid4())
        self.email_template_id = str(uuid.uuid4())
        self.sms_template_id = str(uuid.uuid4())
        self.notifications: list[dict] = []
        self.requests: list[dict] = []
        self.refusals: list[str] = []
        self.callback_url: str | None = None
        self.callback_token: str = ""
        self._answers: deque[str] = deque()
        # For chaos runs (tests/support/send_chaos.py): a share of requests answered 429, 500 or too late.
        self.fault_rate = 0.0
        self.fault_rng = random.Random(0)
        self.faults: Counter = Counter()
        self.delay = 0.0
        self.slow_seconds = 6.0
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def api_key(self) -> str:
        """The key as Notify's API keys page shows it: name, service id, secret."""
        return f"involve_test-{self.service_id}-{self.secret}"

    # ----- lifecycle -------------------------------------------------------

    def start(self) -> "LocalNotify":
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._released.clear()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
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

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def config(self) -> dict:
        """App settings that point at this server."""
        return {
            "MAIL_BACKEND": "notify",
            "NOTIFY_BASE_URL": self.url,
            "NOTIFY_API_KEY": self.api_key,
            "NOTIFY_EMAIL_TEMPLATE_ID": self.email_template_id,
            "NOTIFY_SMS_TEMPLATE_ID": self.sms_template_id,
            "NOTIFY_TIMEOUT": 2,
        }

    # ----- behaviour and what happened ------------------------------------

    def answer(self, *answers: str) -> None:
        with self._lock:
            self._answers.extend(answers)

    def next_answer(self) -> str:
        with self._lock:
            return self._answers.popleft() if self._answers else ACCEPT

    def by_reference(self, reference: str) -> list[dict]:
        with self._lock:
            return [n for n in self.notifications if n["reference"] == reference]

    def counts(self) -> Counter:
        """How many notifications each recipient (address or number) was sent."""
        with self._lock:
            return Counter(n["to"] for n in self.notifications)

    def references(self) -> list[str]:
        with self._lock:
            return [n["reference"] for n in self.notifications]

    # ----- checks ----------------------------------------------------------

    def check_auth(self, header: str) -> str | None:
        """None when the bearer token is a JWT signed with this service's secret; else why not."""
        if not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        token = header[len("Bearer ") :]
        try:
            claims = jwt.decode(token, key=self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        if claims.get("iss") != self.service_id:
            return "Invalid token: service not found"
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def take_letter(self, data: dict) -> tuple[int, dict]:
        """A precompiled letter: a reference, a base64 PDF of A4 pages, and a postage Notify knows."""
        reference = data.get("reference")
        if not isinstance(reference, str) or not reference or "@" in reference:
            return _error(400, "ValidationError", "reference is a required property")
        postage = data.get("postage", "second")
        if postage not in POSTAGES:
            return _error(400, "ValidationError", "postage invalid. It must be first, second or economy.")
        content = data.get("content")
        if not isinstance(content, str) or not content:
            return _error(400, "ValidationError", "content is a required property")
        try:
            pdf = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            return _error(400, "ValidationError", "Incorrect padding: content is not base64")
        problem = _pdf_problem(pdf)
        if problem:
            return _error(400, "ValidationError", problem)
        notification = {
            "id": str(uuid.uuid4()),
            "reference": reference,
            "type": "letter",
            "to": f"letter:{reference}",
            "personalisation": {},
            "postage": postage,
            "pdf": pdf,
            "status": "pending-virus-check",
            "created_at": datetime.now(UTC).isoformat(),
            "template": {"id": str(uuid.UUID(int=0)), "version": 1},
        }
        with self._lock:
            self.notifications.append(notification)
        return 201, {"id": notification["id"], "reference": reference, "postage": postage}

    def letters(self) -> list[dict]:
        with self._lock:
            return [n for n in self.notifications if n["type"] == "letter"]

    def take(self, kind: str, data: dict) -> tuple[int, dict]:
        template_id = data.get("template_id")
        expected = self.email_template_id if kind == "email" else self.sms_template_id
        if not isinstance(template_id, str) or not _UUID.match(template_id):
            return _error(400, "ValidationError", "template_id is not a valid UUID")
        if template_id != expected:
            return _error(400, "BadRequestError", "Template not found")
        personalisation = data.get("personalisation") or {}
        if not isinstance(personalisation, dict):
            return _error(400, "ValidationError", "personalisation should be a dict")
        if kind == "email":
            to = data.get("email_address", "")
            if not _EMAIL.match(str(to)):
                return _error(400, "ValidationError", "email_address Not a valid email address")
            missing = [p for p in ("subject", "body") if p not in personalisation]
        else:
            to = data.get("phone_number", "")
            if not _UK_MOBILE.match(str(to)):
                return _error(400, "ValidationError", "phone_number Not a UK mobile number")
            missing = [p for p in ("body",) if p not in personalisation]
        if missing:
            return _error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        reference = data.get("reference")
        if reference is not None and (not isinstance(reference, str) or "@" in reference):
            return _error(400, "ValidationError", "reference must be a string without personal data")
        notification = {
            "id": str(uuid.uuid4()),
            "reference": reference,
            "type": kind,
            "to": to,
            "personalisation": personalisation,
            "status": "created",
            "created_at": datetime.now(UTC).isoformat(),
            "template": {"id": template_id, "version": 1},
        }
        with self._lock:
            self.notifications.append(notification)
        content = {"body": personalisation.get("body", "")}
        if kind == "email":
            content.update(subject=personalisation["subject"], from_email="involve.test@notifications.service.gov.uk")
        return 201, {
            "id": notification["id"],
            "reference": reference,
            "content": content,
            "uri": f"{self.url}/v2/notifications/{notification['id']}",
            "template": {"id": template_id, "version": 1, "uri": f"{self.url}/v2/template/{template_id}"},
        }

    # ----- delivery receipts ----------------------------------------------

    def post_callback(self, notification: dict, status: str, token: str | None = None) -> int:
        """POST a delivery receipt for `notification` with `status` to the callback URL."""
        notification["status"] = status
        body = {
            "id": notification["id"],
            "reference": notification["reference"],
            "to": notification["to"],
            "status": status,
            "created_at": notification["created_at"],
            "completed_at": datetime.now(UTC).isoformat(),
            "sent_at": datetime.now(UTC).isoformat(),
            "notification_type": notification["type"],
            "template_id": notification["template"]["id"],
            "template_version": 1,
        }
        request = urllib.request.Request(
            self.callback_url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.callback_token if token is None else token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code


class _Handler(BaseHTTPRequestHandler):
    owner: LocalNotify
    protocol_version = "HTTP/1.1"
    # Headers and body go in separate writes: without this each answer waits out a delayed ACK (40 ms).
    disable_nagle_algorithm = True

    def log_message(self, *args) -> None:
        pass

    def _refuse_auth(self) -> bool:
        problem = self.owner.check_auth(self.headers.get("Authorization", ""))
        if problem:
            with self.owner._lock:
                self.owner.refusals.append(problem)
            self._respond(*_error(403, "AuthError", problem))
        return bool(problem)

    def do_GET(self) -> None:
        if self._refuse_auth():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/v2/notifications":
            query = urllib.parse.parse_qs(url.query)
            reference = (query.get("reference") or [None])[0]
            with self.owner._lock:
                found = [n for n in self.owner.notifications if reference is None or n["reference"] == reference]
            self._respond(200, {"notifications": [_public(n) for n in reversed(found)], "links": {}})
            return
        match = re.match(r"^/v2/notifications/([0-9a-f-]{36})$", url.path)
        if match:
            with self.owner._lock:
                found = [n for n in self.owner.notifications if n["id"] == match.group(1)]
            if found:
                self._respond(200, _public(found[0]))
            else:
                self._respond(*_error(404, "NoResultFound", "No result found"))
            return
        self._respond(*_error(404, "NotFound", "Not found"))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        kind = {
            "/v2/notifications/email": "email",
            "/v2/notifications/sms": "sms",
            "/v2/notifications/letter": "letter",
        }.get(self.path)
        if kind is None:
            self._respond(*_error(404, "NotFound", "Not found"))
            return
        if self._refuse_auth():
            return
        try:
            data = json.loads(body)
        except ValueError:
            self._respond(*_error(400, "ValidationError", "body is not JSON"))
            return
        with self.owner._lock:
            self.owner.requests.append({"kind": kind, "json": data})
        answer = self.owner.next_answer()
        owner = self.owner
        if answer == ACCEPT and owner.fault_rate:
            with owner._lock:
                if owner.fault_rng.random() < owner.fault_rate:
                    answer = owner.fault_rng.choice((RATE_LIMITED, SERVER_ERROR, "slow"))
                    owner.faults[{RATE_LIMITED: "429", SERVER_ERROR: "500"}.get(answer, "slow")] += 1
        if owner.delay:
            time.sleep(owner.delay)
        if answer == RATE_LIMITED:
            self._respond(*_error(429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests"))
            return
        if answer == SERVER_ERROR:
            self._respond(*_error(500, "Exception", "Internal server error"))
            return
        if answer == HANG:
            self.owner._released.wait(10)
            self.close_connection = True
            return
        if answer == BAD_REQUEST:
            self._respond(*_error(400, "BadRequestError", "Can't send to this recipient using a team-only API key"))
            return
        data = data if isinstance(data, dict) else {}
        status, out = self.owner.take_letter(data) if kind == "letter" else self.owner.take(kind, data)
        if answer == TAKE_THEN_HANG and status == 201:
            self.owner._released.wait(10)
            self.close_connection = True
            return
        if status != 201:
            with owner._lock:
                owner.problems.append(out["errors"][0]["message"])
        if answer == "slow" and status == 201:
            # Taken, but the answer comes too late for the client.
            time.sleep(owner.slow_seconds)
        self._respond(status, out)

    def _respond(self, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        try:
            self.wfile.write(raw)
        except OSError:
            pass


def _pdf_problem(pdf: bytes) -> str | None:
    """Why these bytes are not a letter Notify would print (a PDF of A4 portrait pages), or None."""
    import pypdf

    if not pdf.startswith(b"%PDF-"):
        return "Letter content is not a valid PDF"
    try:
        pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
        sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in pages]
    except Exception:  # noqa: BLE001 - any failure to read it is "not a PDF"
        return "Letter content is not a valid PDF"
    if not sizes:
        return "Letter content is not a valid PDF"
    if len(sizes) > 10:
        return "Letter too long: letters must be 10 pages or less"
    for width, height in sizes:
        if abs(width - A4_POINTS[0]) > A4_TOLERANCE or abs(height - A4_POINTS[1]) > A4_TOLERANCE:
            return "Your letter is not A4 portrait size"
    return None


def _public(notification: dict) -> dict:
    return {
        "id": notification["id"],
        "reference": notification["reference"],
        "type": notification["type"],
        "status": notification["status"],
        "email_address": notification["to"] if notification["type"] == "email" else None,
        "phone_number": notification["to"] if notification["type"] == "sms" else None,
        "postage": notification.get("postage"),
        "body": notification["personalisation"].get("body", ""),
        "subject": notification["personalisation"].get("subject"),
        "created_at": notification["created_at"],
        "template": notification["template"],
    }
