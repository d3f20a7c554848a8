"""Bulk sending: one content, many recipients, one message per recipient.

SendGrid gets one request per batch (up to 1,000 personalizations, one recipient
each, per-recipient substitutions and headers); the outbox and SMTP backends
deliver one message per recipient themselves. Never a shared envelope.
"""

import http.client
import json
import logging
import os
import re
import smtplib
import socket
import time
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import orjson
from flask import current_app

from app.mail.backends import REGISTERED, DeliveryError, _sender, _wait_from_reset
from app.mail.message import Message

log = logging.getLogger(__name__)

SENDGRID_MAX_PERSONALIZATIONS = 1000
JSON_UTF8 = {"Content-Type": "application/json; charset=utf-8"}
_PLACEHOLDER = re.compile(r"%%([a-z_]+)%%")


@dataclass(slots=True)
class BulkRecipient:
    delivery_id: int
    to: str
    substitutions: dict[str, str]  # placeholder ("%%first_name%%") -> this recipient's value
    headers: dict[str, str] = field(default_factory=dict)
    custom_args: dict[str, str] = field(default_factory=dict)
    # A letter: makes the recipient's PDF when its turn comes (`to` is then the address, for logs never).
    letter: Callable[[], BinaryIO] | None = None


@dataclass
class BulkMessage:
    subject: str
    text: str
    html: str
    from_address: str = ""
    from_name: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    category: str = "bulletin"
    reply_to: str = ""
    # email, sms (a text message: `text` is its body) or post (a letter: each recipient's own PDF);
    # only Notify sends texts and letters.
    channel: str = "email"
    # A letter's postage: first, second or economy.
    postage: str = "second"


@dataclass
class BulkResult:
    # delivery id -> provider message id, for messages the provider accepted
    accepted: dict[int, str] = field(default_factory=dict)
    # delivery id -> reason, for recipients refused for good
    refused: dict[int, str] = field(default_factory=dict)
    # delivery ids that may or may not have been taken (a connection dropped mid-message)
    in_doubt: set[int] = field(default_factory=set)
    # delivery id -> reason, for messages the relay refused for now (4xx): they go back to the queue
    deferred: dict[int, str] = field(default_factory=dict)
    # delivery ids whose request went but whose answer never came: left `sending` for the
    # sweeper, which asks the provider (by reference) whether it has them
    unsettled: set[int] = field(default_factory=set)


# Asked before each message of a batch that goes one at a time: False when the row is no
# longer this batch's (the sweeper settled it while the batch was slow), so it is not sent.
StillOurs = Callable[[int], bool] | None


class InDoubt(Exception):
    """The request may or may not have reached the provider (e.g. a timeout)."""


def _fill(template: str, values: dict[str, str]) -> str:
    """`template` with each %%name%% replaced by values["%%name%%"]; unknown ones become empty."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(0), ""), template)


def _subject(message: BulkMessage, recipient: BulkRecipient) -> str:
    """The recipient's own subject; a value never breaks the header onto a second line."""
    if "%%" not in message.subject:
        return message.subject
    return _fill(message.subject, {k: " ".join(v.split()) for k, v in recipient.substitutions.items()})


def _one_message(message: BulkMessage, recipient: BulkRecipient) -> Message:
    return Message(
        to=recipient.to,
        subject=_subject(message, recipient),
        text=_fill(message.text, recipient.substitutions),
        html=_fill(message.html, recipient.substitutions),
        headers={
            **message.headers,
            **recipient.headers,
            **({"Reply-To": message.reply_to} if message.reply_to else {}),
        },
        custom_args=recipient.custom_args,
        category=message.category,
    )


class OutboxBulk:
    """One .eml per recipient; the file name ends with the delivery id, the evidence a sweeper reads."""

    name = "outbox"

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def send(self, message: BulkMessage, recipients: list[BulkRecipient], still_ours: StillOurs = None) -> BulkResult:
        self.directory.mkdir(parents=True, exist_ok=True)
        address, name = message.from_address or _sender()[0], message.from_name or _sender()[1]
        result = BulkResult()
        for recipient in recipients:
            if still_ours is not None and not still_ours(recipient.delivery_id):
                continue
            email = _one_message(message, recipient).to_email_message(address, name)
            message_id = f"{time.time_ns():020d}-d{recipient.delivery_id}"
            tmp = self.directory / f".{message_id}.tmp"
            tmp.write_bytes(bytes(email))
            os.replace(tmp, self.directory / f"{message_id}.eml")
            result.accepted[recipient.delivery_id] = message_id
        return result

    def delivery_ids_on_file(self) -> set[int]:
        """Delivery ids of every bulk message in the outbox folder."""
        if not self.directory.exists():
            return set()
        found = set()
        for entry in os.scandir(self.directory):
            stem, _, suffix = entry.name.rpartition(".")
            if suffix == "eml" and "-d" in stem:
                tail = stem.rsplit("-d", 1)[1]
                if tail.isdecimal():
                    found.add(int(tail))
        return found


class _Connection(smtplib.SMTP):
    """An SMTP client that remembers whether the message body has started to go."""

    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


# A relay that closes the connection (421, or a dropped socket) before DATA has not taken
# the message: reconnect and carry on. This many reconnects in one batch is an outage.
SMTP_MAX_RECONNECTS = 5


class SmtpBulk:
    """One SMTP connection reused for every message of a batch, reconnecting when the relay drops it.

    One message per recipient. A message whose DATA had begun when the connection broke
    may or may not have been taken: it is reported in doubt, never sent again blindly.
    """

    name = "smtp"

    def _connect(self) -> _Connection:
        cfg = current_app.config
        try:
            smtp = _Connection(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30)
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["SMTP_USERNAME"]:
                smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"cannot reach the mail server: {type(exc).__name__}") from exc
        return smtp

    def send(self, message: BulkMessage, recipients: list[BulkRecipient], still_ours: StillOurs = None) -> BulkResult:
        address, name = message.from_address or _sender()[0], message.from_name or _sender()[1]
        result = BulkResult()
        smtp = self._connect()
        reconnects = 0
        index = 0
        try:
            while index < len(recipients):
                recipient = recipients[index]
                if still_ours is not None and not still_ours(recipient.delivery_id):
                    index += 1
                    continue
                email = _one_message(message, recipient).to_email_message(address, name)
                smtp.data_started = False
                try:
                    smtp.send_message(email)
                except smtplib.SMTPRecipientsRefused as exc:
                    code = max((c for c, _ in exc.recipients.values()), default=550)
                    if code == 421:
                        dropped = exc  # smtplib has closed the connection; the message never went
                    else:
                        _answer(result, recipient.delivery_id, code, "recipient refused by the mail server")
                        index += 1
                        continue
                except smtplib.SMTPServerDisconnected as exc:
                    dropped = exc
                except smtplib.SMTPResponseException as exc:
                    # A reply, not a dropped line: the relay said what became of this message.
                    if exc.smtp_code == 421:
                        dropped = exc
                    elif isinstance(exc, smtplib.SMTPSenderRefused) and exc.smtp_code >= 500 and not result.accepted:
                        # Our own sender address is refused: no message of this batch can go.
                        raise DeliveryError(f"mail server refused the sender ({exc.smtp_code})", retry=False) from exc
                    else:
                        _answer(result, recipient.delivery_id, exc.smtp_code, "mail server refused the message")
                        index += 1
                        continue
                except smtplib.SMTPException as exc:
                    result.refused[recipient.delivery_id] = f"mail server error: {type(exc).__name__}"
                    index += 1
                    continue
                except OSError as exc:
                    dropped = exc
                else:
                    result.accepted[recipient.delivery_id] = email["Message-ID"]
                    index += 1
                    continue
                if smtp.data_started and not isinstance(dropped, smtplib.SMTPResponseException):
                    # Dropped mid-DATA with no reply: the relay may have it. The sender decides (in_doubt).
                    result.in_doubt.add(recipient.delivery_id)
                    index += 1
                reconnects += 1
                _close(smtp)
                if reconnects > SMTP_MAX_RECONNECTS:
                    if not result.accepted and not result.in_doubt and not result.refused and not result.deferred:
                        raise DeliveryError(f"mail server error: {type(dropped).__name__}") from dropped
                    break  # the rest were never handed over: they go back to the queue
                log.info("mail server closed the connection; reconnecting (%s)", reconnects)
                smtp = self._connect()
        finally:
            _close(smtp)
        return result


def _answer(result: BulkResult, delivery_id: int, code: int, what: str) -> None:
    """Record a relay's reply refusing one message: 4xx is "not now" (queued again), 5xx is for good."""
    if 400 <= code < 500:
        result.deferred[delivery_id] = f"{what} for now ({code})"
    else:
        result.refused[delivery_id] = f"{what} ({code})"


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class SendGridBulk:
    """One v3 Mail Send request for up to 1,000 recipients through the real sendgrid client."""

    name = "sendgrid"

    def request_body(self, message: BulkMessage, recipients: list[BulkRecipient]) -> dict:
        address, name = message.from_address or _sender()[0], message.from_name or _sender()[1]
        # A subject with merge fields is written out for each recipient in their personalization.
        personal_subject = "%%" in message.subject
        return {
            "from": {"email": address, "name": name},
            "subject": message.subject,
            "content": [{"type": "text/plain", "value": message.text}, {"type": "text/html", "value": message.html}],
            **({"reply_to": {"email": message.reply_to}} if message.reply_to else {}),
            "headers": message.headers,
            "categories": [message.category],
            "tracking_settings": {
                # Our own tracking links and pixel are in the content; SendGrid's would double-count.
                "click_tracking": {"enable": False, "enable_text": False},
                "open_tracking": {"enable": False},
            },
            "personalizations": [
                {
                    "to": [{"email": r.to}],
                    **({"subject": _subject(message, r)} if personal_subject else {}),
                    "substitutions": r.substitutions,
                    "custom_args": r.custom_args,
                    "headers": r.headers,
                }
                for r in recipients
            ],
        }

    def encoded_body(self, message: BulkMessage, recipients: list[BulkRecipient]) -> str:
        """The request body as JSON text. A thousand personalizations make half a megabyte:
        orjson writes it in a tenth of the time the standard library takes."""
        return orjson.dumps(self.request_body(message, recipients)).decode()

    def send(self, message: BulkMessage, recipients: list[BulkRecipient], still_ours: StillOurs = None) -> BulkResult:
        # One request takes the whole batch: the claim is the batch's until the answer comes.
        from python_http_client.exceptions import HTTPError
        from sendgrid import SendGridAPIClient

        if len(recipients) > SENDGRID_MAX_PERSONALIZATIONS:
            raise ValueError("SendGrid takes at most 1,000 personalizations per request")
        cfg = current_app.config
        client = SendGridAPIClient(cfg["SENDGRID_API_KEY"], host=cfg["SENDGRID_HOST"])
        client.client.timeout = cfg["SENDGRID_TIMEOUT"]
        body = self.encoded_body(message, recipients)
        try:
            # Text with a JSON media type other than the bare one is sent as it is, not encoded again.
            response = client.client.mail.send.post(request_body=body, request_headers=JSON_UTF8)
        except HTTPError as exc:
            status = getattr(exc, "status_code", 0)
            headers = getattr(exc, "headers", None) or {}
            if status == 429:
                wait = _wait_from_reset(headers.get("X-RateLimit-Reset"))
                raise DeliveryError("rate limited by SendGrid", retry=True, wait_seconds=wait) from exc
            detail = _error_detail(getattr(exc, "body", b""))
            raise DeliveryError(f"SendGrid answered {status}{detail}", retry=status >= 500) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (ConnectionRefusedError, socket.gaierror)):
                # Nothing was sent: the connection was refused or the name did not resolve.
                raise DeliveryError(f"cannot reach SendGrid: {exc.reason}") from exc
            raise InDoubt(f"SendGrid connection failed: {exc.reason}") from exc
        except (OSError, http.client.HTTPException) as exc:
            # Timeouts, resets and half-read answers: the request may have been taken.
            raise InDoubt(f"SendGrid connection failed: {type(exc).__name__}") from exc
        message_id = (response.headers or {}).get("X-Message-Id", "") if response.headers else ""
        return BulkResult(accepted={r.delivery_id: message_id for r in recipients})


def _error_detail(body) -> str:
    try:
        errors = json.loads(body or b"{}").get("errors") or []
        return ": " + "; ".join(str(e.get("message", ""))[:200] for e in errors[:3]) if errors else ""
    except (ValueError, AttributeError):
        return ""


def bulk_backend():
    kind = current_app.config["MAIL_BACKEND"]
    if kind == "outbox":
        return OutboxBulk(current_app.config["OUTBOX_DIR"])
    if kind == "smtp":
        return SmtpBulk()
    if kind == "sendgrid":
        return SendGridBulk()
    if kind in REGISTERED:
        return REGISTERED[kind][1]()
    raise RuntimeError(f"MAIL_BACKEND must be outbox, smtp, sendgrid or notify, not {kind!r}")
