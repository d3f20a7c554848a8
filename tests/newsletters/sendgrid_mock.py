"""A local HTTP server that speaks the SendGrid v3 Mail Send shape and checks every request.

It records each recipient it accepted, can answer 429 / 500 / slowly on demand (`script`)
or for a random share of requests (`fault_rate`, drawn from `fault_rng`; every fault given
is counted in `faults`), and posts signed `processed` events back to an Event Webhook URL
as SendGrid does. A slow answer comes after `slow_seconds`, once the messages are taken:
longer than the client's SENDGRID_TIMEOUT, it leaves the client in doubt.
Run standalone (for benchmarks): python -m tests.newsletters.sendgrid_mock PORT
"""

import base64
import json
import random
import threading
import time
import urllib.request
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

API_KEY = "SG.test-key"


def make_key_pair() -> tuple[ec.EllipticCurvePrivateKey, str]:
    """A P-256 key and its public half as SendGrid shows it (base64 DER)."""
    private = ec.generate_private_key(ec.SECP256R1())
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, base64.b64encode(der).decode()


def sign_webhook(private: ec.EllipticCurvePrivateKey, body: bytes, timestamp: str | None = None) -> dict:
    timestamp = timestamp or str(int(time.time()))
    signature = private.sign(timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {
        "X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(signature).decode(),
        "X-Twilio-Email-Event-Webhook-Timestamp": timestamp,
        "Content-Type": "application/json",
    }


class SendGridMock:
    def __init__(self, webhook_url: str | None = None, private_key=None, delay: float = 0.0, check: bool = True):
        self.webhook_url = webhook_url
        self.private_key = private_key
        self.delay = delay
        self.check = check
        self.lock = threading.Lock()
        self.accepted: list[tuple[str, str]] = []  # (recipient, delivery id)
        self.problems: list[str] = []
        self.requests = 0
        self.personalization_counts: list[int] = []
        self.last_body: dict | None = None  # the last request accepted, as parsed
        self.script: list = []  # answers to give before accepting: 429, 500, "slow"
        self.fault_rate = 0.0  # the share of other requests answered 429, 500 or slowly, at random
        self.fault_rng = random.Random()
        self.faults: Counter = Counter()  # faults given, by kind: "429", "500", "slow"
        self.slow_seconds = 6.0
        self.webhook_threads: list[threading.Thread] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "SendGridMock":
        self.thread.start()
        return self

    def stop(self) -> None:
        for thread in self.webhook_threads:
            thread.join(timeout=10)
        self.server.shutdown()
        self.server.server_close()

    def counts(self) -> Counter:
        with self.lock:
            return Counter(to for to, _ in self.accepted)

    def _check(self, body: dict, headers) -> list[str]:
        problems = []
        if headers.get("Authorization") != f"Bearer {API_KEY}":
            problems.append("missing or wrong API key")
        media_type, _, parameters = (headers.get("Content-Type") or "").partition(";")
        if media_type.strip() != "application/json" or parameters.strip() not in ("", "charset=utf-8"):
            problems.append(f"content type {headers.get('Content-Type')!r}")
        personalizations = body.get("personalizations") or []
        if not 1 <= len(personalizations) <= 1000:
            problems.append(f"{len(personalizations)} personalizations")
        if "bulletin" not in (body.get("categories") or []):
            return problems  # a transactional message: one recipient, no list headers
        if (body.get("headers") or {}).get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click":
            problems.append("no List-Unsubscribe-Post header")
        types = [c.get("type") for c in body.get("content") or []]
        if types[:1] != ["text/plain"] or "text/html" not in types:
            problems.append(f"content types {types}")
        for p in personalizations:
            if len(p.get("to") or []) != 1 or p.get("cc") or p.get("bcc"):
                problems.append("a personalization with other than one recipient")
            args = p.get("custom_args") or {}
            if not all(isinstance(v, str) and "@" not in v for v in args.values()) or "delivery_id" not in args:
                problems.append(f"custom_args {args}")
            unsubscribe = (p.get("headers") or {}).get("List-Unsubscribe", "")
            if "<http" not in unsubscribe or "<mailto:" not in unsubscribe:
                problems.append("no List-Unsubscribe with https and mailto")
        return problems

    def _handler(self):
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                # For benchmarks running the server in another process.
                if self.path != "/stats":
                    return self._answer(404)
                with mock.lock:
                    stats = {
                        "requests": mock.requests,
                        "accepted": len(mock.accepted),
                        "unique": len({to for to, _ in mock.accepted}),
                        "problems": mock.problems[:10],
                    }
                    if "reset" in self.headers.get("X-Reset", ""):
                        mock.accepted, mock.problems, mock.requests = [], [], 0
                self._answer(200, json.dumps(stats).encode(), {"Content-Type": "application/json"})

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.path != "/v3/mail/send":
                    return self._answer(404)
                with mock.lock:
                    mock.requests += 1
                    step = mock.script.pop(0) if mock.script else None
                    if step is None and mock.fault_rate and mock.fault_rng.random() < mock.fault_rate:
                        step = mock.fault_rng.choice((429, 500, "slow"))
                    if step is not None:
                        mock.faults[str(step)] += 1
                if step == 429:
                    reset = str(int(time.time()) + 1)
                    return self._answer(429, b'{"errors":[{"message":"too many"}]}', {"X-RateLimit-Reset": reset})
                if step == 500:
                    return self._answer(500, b'{"errors":[{"message":"internal error"}]}')
                if mock.check:
                    try:
                        body = json.loads(raw.decode("utf-8"))
                    except ValueError:
                        return self._answer(400, b'{"errors":[{"message":"bad json"}]}')
                    problems = mock._check(body, self.headers)
                    if problems:
                        with mock.lock:
                            mock.problems.extend(problems)
                        return self._answer(400, json.dumps({"errors": [{"message": problems[0]}]}).encode())
                    people = [
                        (p["to"][0]["email"], (p.get("custom_args") or {}).get("delivery_id"))
                        for p in body["personalizations"]
                    ]
                    # SendGrid repeats every custom arg on each event, as Involve's webhook expects.
                    custom_args = [p.get("custom_args") or {} for p in body["personalizations"]]
                    mock.last_body = body
                else:
                    people = [(None, None)] * raw.count(b'"to"')
                    custom_args = [{}] * len(people)
                if mock.delay:
                    time.sleep(mock.delay)
                message_id = uuid.uuid4().hex[:22]
                with mock.lock:
                    mock.accepted.extend(people)
                    mock.personalization_counts.append(len(people))
                if mock.webhook_url and mock.check:
                    # Like SendGrid, events follow acceptance whether or not the client hears the answer.
                    thread = threading.Thread(
                        target=mock._post_processed, args=(people, custom_args, message_id), daemon=True
                    )
                    with mock.lock:
                        mock.webhook_threads.append(thread)
                    thread.start()
                if step == "slow":
                    # Accepted, but the answer comes too late for the client: an in-doubt batch.
                    time.sleep(mock.slow_seconds)
                try:
                    self._answer(202, b"", {"X-Message-Id": message_id})
                except OSError:
                    pass  # the client gave up waiting

        return Handler

    def _post_processed(self, people, custom_args, message_id):
        events = [
            {
                "email": to,
                "timestamp": int(time.time()),
                "event": "processed",
                "sg_event_id": uuid.uuid4().hex,
                "sg_message_id": f"{message_id}.filter0001",
                **args,
            }
            for (to, delivery_id), args in zip(people, custom_args, strict=True)
            if delivery_id
        ]
        if not events:
            return
        body = json.dumps(events).encode()
        for _ in range(20):
            try:
                request = urllib.request.Request(
                    self.webhook_url, data=body, headers=sign_webhook(self.private_key, body), method="POST"
                )
                with urllib.request.urlopen(request, timeout=10) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)


if __name__ == "__main__":
    import sys

    mock = SendGridMock(check="--no-check" not in sys.argv)
    mock.server.server_close()
    mock.server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), mock._handler())
    mock.server.serve_forever()
