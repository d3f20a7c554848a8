"""Delivery backends: outbox (a folder, the embedded default), SMTP and SendGrid."""

import contextlib
import json
import logging
import os
import smtplib
import time
import uuid
from email import policy
from email.parser import BytesParser
from http.client import HTTPException
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
        address, name = _sender()
        email = message.to_email_message(address, name)
        message_id = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        tmp = self.directory / f".{message_id}.tmp"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                handle.write(bytes(email))
                handle.flush()
                # On disk before it is visible: after a crash a listed message is a whole message.
                os.fsync(handle.fileno())
            # Rename is atomic: the Outbox page never sees half a message.
            os.replace(tmp, self.directory / f"{message_id}.eml")
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            raise DeliveryError(f"could not write to the outbox: {type(exc).__name__}") from exc
        return message_id


def _smtp_code_error(what: str, code: int) -> DeliveryError:
    # 4xx is temporary (try later); 5xx is permanent for this message.
    return DeliveryError(f"{what} ({code})", retry=not 500 <= code < 600)


class SmtpBackend:
    name = "smtp"

    def send(self, message: Message) -> str:
        cfg = current_app.config
        address, name = _sender()
        email = message.to_email_message(address, name)
        try:
            with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg.get("SMTP_TIMEOUT", 30)) as smtp:
                if cfg["SMTP_STARTTLS"]:
                    smtp.starttls()
                if cfg["SMTP_USERNAME"]:
                    smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()] or [550]
            raise _smtp_code_error("recipient refused by the mail server", max(codes)) from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise _smtp_code_error(f"mail server refused the message: {type(exc).__name__}", exc.smtp_code) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"mail server error: {type(exc).__name__}") from exc
        return email["Message-ID"]


def _wait_from_reset(reset: str | None) -> float:
    """Seconds to wait, from SendGrid's X-RateLimit-Reset (Unix time of the reset)."""
    try:
        value = float(reset)
    except (TypeError, ValueError):
        return 1.0
    # A small number is already a delay in seconds rather than a moment in time.
    return max(0.0, value - time.time()) if value > 1_000_000_000 else max(0.0, value)


def _custom_args(message: Message) -> dict[str, str]:
    args = {str(k): str(v) for k, v in message.custom_args.items()}
    if any("@" in v for v in args.values()):
        # custom_args come back in every webhook event and are kept by SendGrid: ids only.
        raise DeliveryError("custom_args must carry opaque ids, never email addresses", retry=False)
    return args


class SendGridBackend:
    name = "sendgrid"

    def send(self, message: Message) -> str:
        from python_http_client.exceptions import HTTPError
        from sendgrid import SendGridAPIClient

        cfg = current_app.config
        address, name = _sender()
        personalization = {"to": [{"email": message.to}]}
        custom_args = _custom_args(message)
        if custom_args:
            personalization["custom_args"] = custom_args
        body = {
            "from": {"email": address, "name": name},
            "subject": message.subject,
            "personalizations": [personalization],
            "content": [{"type": "text/plain", "value": message.text}]
            + ([{"type": "text/html", "value": message.html}] if message.html else []),
            "categories": [message.category],
        }
        if message.headers:
            body["headers"] = {str(k): str(v) for k, v in message.headers.items()}
        client = SendGridAPIClient(cfg["SENDGRID_API_KEY"], host=cfg["SENDGRID_HOST"])
        try:
            response = client.client.mail.send.post(request_body=body, timeout=cfg.get("SENDGRID_TIMEOUT", 30))
        except HTTPError as exc:
            status = getattr(exc, "status_code", 0) or 0
            if status == 429:
                reset = (getattr(exc, "headers", None) or {}).get("X-RateLimit-Reset")
                raise DeliveryError(
                    "rate limited by SendGrid", retry=True, wait_seconds=_wait_from_reset(reset)
                ) from exc
            raise DeliveryError(f"SendGrid answered {status}", retry=status >= 500 or status == 408) from exc
        except (OSError, HTTPException) as exc:
            # Refused, reset or timed out: SendGrid may or may not have the message; the caller decides.
            raise DeliveryError(f"SendGrid did not answer: {type(exc).__name__}", retry=True) from exc
        return (response.headers.get("X-Message-Id") if response.headers else None) or ""


# Backends that live in modules of their own (GOV.UK Notify) register here: name -> (single, bulk) factories.
REGISTERED: dict[str, tuple] = {}


def register(name: str, single, bulk) -> None:
    REGISTERED[name] = (single, bulk)


def backend():
    kind = current_app.config["MAIL_BACKEND"]
    if kind in REGISTERED:
        return REGISTERED[kind][0]()
    if kind == "outbox":
        return OutboxBackend(current_app.config["OUTBOX_DIR"])
    if kind == "smtp":
        return SmtpBackend()
    if kind == "sendgrid":
        return SendGridBackend()
    raise RuntimeError(f"MAIL_BACKEND must be outbox, smtp, sendgrid or notify, not {kind!r}")


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
