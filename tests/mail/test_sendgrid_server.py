"""The local SendGrid server refuses what the real one would, so tests cannot pass on a bad request."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.eventwebhook import EventWebhook

from tests.support.sendgrid_server import LocalSendGrid


def _body(personalizations, **extra):
    return {
        "from": {"email": "involve@example.nhs.uk"},
        "subject": "Bulletin",
        "content": [{"type": "text/plain", "value": "Hello"}, {"type": "text/html", "value": "<p>Hello</p>"}],
        "personalizations": personalizations,
        **extra,
    }


def _post(server, body, key="SG.test-key"):
    client = SendGridAPIClient(key, host=server.url)
    return client.client.mail.send.post(request_body=body, timeout=5)


def _one(n, **args):
    return {"to": [{"email": f"person{n}@example.org"}], "custom_args": {"delivery_id": str(n), **args}}


def test_a_batch_of_a_thousand_is_accepted_and_recorded_per_recipient(sendgrid_server):
    response = _post(sendgrid_server, _body([_one(n) for n in range(1000)]))

    assert response.status_code == 202
    assert response.headers["X-Message-Id"]
    accepted = sendgrid_server.accepted()
    assert len(accepted) == 1000
    assert {a["custom_args"]["delivery_id"] for a in accepted} == {str(n) for n in range(1000)}


@pytest.mark.parametrize(
    "body, problem",
    [
        (_body([_one(n) for n in range(1001)]), "1 to 1000"),
        (_body([]), "1 to 1000"),
        (_body([{"to": [{"email": "a@example.org"}, {"email": "b@example.org"}]}]), "exactly one recipient"),
        (_body([{"to": [{"email": "a@example.org"}], "bcc": [{"email": "b@example.org"}]}]), "bcc is not allowed"),
        (_body([_one(1, member="a@example.org")]), "holds an email address"),
        (_body([{"to": [{"email": "a@example.org"}], "custom_args": {"delivery_id": 1}}]), "must be a string"),
        (_body([_one(1)], subject=""), "subject is required"),
        (_body([_one(1)], content=[]), "content must be a non-empty list"),
        (
            _body(
                [_one(1)], content=[{"type": "text/html", "value": "<p>x</p>"}, {"type": "text/plain", "value": "x"}]
            ),
            "text/plain content must come first",
        ),
        (_body([_one(1)], headers={"Subject": "sneaky"}), "reserved"),
    ],
)
def test_malformed_requests_get_400_with_the_reason(sendgrid_server, body, problem):
    with pytest.raises(HTTPError) as error:
        _post(sendgrid_server, body)

    assert error.value.status_code == 400
    assert any(problem in p for p in sendgrid_server.problems)
    assert any(problem in e["message"] for e in json.loads(error.value.body)["errors"])
    assert sendgrid_server.accepted() == []


def test_missing_or_wrong_key_gets_401(sendgrid_server):
    with pytest.raises(HTTPError) as error:
        _post(sendgrid_server, _body([_one(1)]), key="SG.other")

    assert error.value.status_code == 401
    assert sendgrid_server.accepted() == []


class _Receiver(BaseHTTPRequestHandler):
    received: list

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.received.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_accepted_messages_post_signed_processed_events():
    received = []
    handler = type("Receiver", (_Receiver,), {"received": received})
    webhook = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=webhook.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    server = LocalSendGrid(events_url=f"http://127.0.0.1:{webhook.server_address[1]}/webhooks/sendgrid").start()
    try:
        _post(server, _body([_one(1), _one(2)]))
        for _ in range(100):
            if received:
                break
            threading.Event().wait(0.05)
    finally:
        server.stop()
        webhook.shutdown()
        webhook.server_close()

    [(headers, payload)] = received
    events = json.loads(payload)
    assert [(e["event"], e["delivery_id"]) for e in events] == [("processed", "1"), ("processed", "2")]
    assert len({e["sg_event_id"] for e in events}) == 2
    verifier = EventWebhook(server.webhook_public_key)
    signature = headers["X-Twilio-Email-Event-Webhook-Signature"]
    timestamp = headers["X-Twilio-Email-Event-Webhook-Timestamp"]
    assert verifier.verify_signature(payload, signature, timestamp)
    assert not verifier.verify_signature(payload.replace("processed", "delivered"), signature, timestamp)
