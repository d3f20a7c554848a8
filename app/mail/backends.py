"""Delivery backends: outbox (a folder, the embedded default), SMTP and SendGrid."""

import json
import logging
import os
import smtplib
import time
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import current_app

from app.mail.message import Message

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The provider refused or failed; `retry` says whether trying again may help."""

    def __init__(self, message: str, retry: bool = True, wait_seconds: float | None = None):
        super().__init__(message)
        self.retry = retry
        self.wait_seconds = wait_seconds


def _sender() -> tuple[str, str]:
    cfg = current_app.config
    return cfg["MAIL_FROM_ADDRESS"], cfg["MAIL_FROM_NAME"] or cfg["ORGANISATION_NAME"]


class OutboxBackend:
    """Writes each message as an .eml file, for the embedded default and the Outbox page."""

    name = "outbox"

    def __init__(self, directory: str):
        self.directory = Path(directory)

    def send(self, message: Message) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        address, name = _sender()
        email = message.to_email_message(address, name)
        message_id = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        tmp = self.directory / f".{message_id}.tmp"
        tmp.write_bytes(bytes(email))
        # Rename is atomic: the Outbox page never sees half a message.
        os.replace(tmp, self.directory / f"{message_id}.eml")
        return message_id


class SmtpBackend:
    name = "smtp"

    def send(self, message: Message) -> str:
        cfg = current_app.config
        address, name = _sender()
        email = message.to_email_message(address, name)
        try:
            with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30) as smtp:
                if cfg["SMTP_STARTTLS"]:
                    smtp.starttls()
                if cfg["SMTP_USERNAME"]:
                    smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError("recipient refused by the mail server", retry=False) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"mail server error: {type(exc).__name__}") from exc
        return email["Message-ID"]


class SendGridBackend:
    name = "sendgrid"

    def send(self, message: Message) -> str:
        from python_http_client.exceptions import HTTPError
        from sendgrid import SendGridAPIClient

        cfg = current_app.config
        address, name = _sender()
        body = {
            "from": {"email": address, "name": name},
            "subject": message.subject,
            "personalizations": [{"to": [{"email": message.to}], "custom_args": message.custom_args}],
            "content": [{"type": "text/plain", "value": message.text}]
            + ([{"type": "text/html", "value": message.html}] if message.html else []),
            "categories": [message.category],
        }
        if message.headers:
            body["headers"] = message.headers
        client = SendGridAPIClient(cfg["SENDGRID_API_KEY"], host=cfg["SENDGRID_HOST"])
        try:
            response = client.client.mail.send.post(request_body=body)
        except HTTPError as exc:
            status = getattr(exc, "status_code", 0)
            if status == 429:
                reset = (getattr(exc, "headers", None) or {}).get("X-RateLimit-Reset")
                wait = max(0.0, float(reset) - time.time()) if reset else 1.0
                raise DeliveryError("rate limited by SendGrid", retry=True, wait_seconds=wait) from exc
            raise DeliveryError(f"SendGrid answered {status}", retry=status >= 500) from exc
        return response.headers.get("X-Message-Id", "") if response.headers else ""


def backend():
    kind = current_app.config["MAIL_BACKEND"]
    if kind == "outbox":
        return OutboxBackend(current_app.config["OUTBOX_DIR"])
    if kind == "smtp":
        return SmtpBackend()
    if kind == "sendgrid":
        return SendGridBackend()
    raise RuntimeError(f"MAIL_BACKEND must be outbox, smtp or sendgrid, not {kind!r}")


def read_outbox(directory: str, limit: int = 200) -> list[dict]:
    """The newest messages in the outbox folder, parsed for display."""
    folder = Path(directory)
    if not folder.exists():
        return []
    files = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [read_outbox_message(directory, f.stem) for f in files]


def read_outbox_message(directory: str, message_id: str) -> dict | None:
    if not message_id.replace("-", "").isalnum():
        return None
    path = Path(directory) / f"{message_id}.eml"
    if not path.exists():
        return None
    email = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    text = email.get_body(preferencelist=("plain",))
    html = email.get_body(preferencelist=("html",))
    return {
        "id": message_id,
        "to": email["To"],
        "from": email["From"],
        "subject": email["Subject"],
        "date": email["Date"],
        "headers": {k: str(v) for k, v in email.items()},
        "text": text.get_content() if text else "",
        "html": html.get_content() if html else "",
    }


def outbox_json(directory: str) -> str:
    return json.dumps(read_outbox(directory))
