"""GOV.UK Notify: emails, text messages and precompiled letters through the official notifications-python-client.

Notify sends from templates: the email template has ((subject)) as its subject and
((body)) as its content, the text message template is ((body)) alone; their ids are
configured (NOTIFY_EMAIL_TEMPLATE_ID, NOTIFY_SMS_TEMPLATE_ID); a letter is a PDF of our own
(a precompiled letter) with its postage. Notify takes one
notification per request, each with our delivery id as its `reference`, so a send cut
off by a crash or a timeout can be looked up afterwards (`look_up`) and
never sent twice. A 429 is waited out and a 5xx tried again, as for SendGrid; a
request whose answer never came is left for the sweeper to look up.
"""

import logging
import re
import uuid

from flask import current_app

from app.mail.backends import DeliveryError, register
from app.mail.bulk import BulkMessage, BulkRecipient, BulkResult, InDoubt, StillOurs, _fill, _subject
from app.mail.message import Message

log = logging.getLogger(__name__)

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# "{key name}-{service id}-{secret}", as Notify's API keys page shows it.
API_KEY = re.compile(rf"^[A-Za-z0-9_ -]+-({_UUID})-({_UUID})$")
TEMPLATE_ID = re.compile(rf"^{_UUID}$")
DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
# Notify's limit is 3,000 messages a minute for a service.
NOTIFY_MAX_RATE = 50
# A Notify 429 says nothing of when to come back: a minute is its window.
RATE_LIMIT_WAIT = 60.0
# A precompiled letter's postage, as Notify names it.
POSTAGES = ("first", "second", "economy")


def config_problems(config) -> list[str]:
    """Everything wrong with the Notify settings, in words for whoever set them."""
    problems = []
    key = (config.get("NOTIFY_API_KEY") or "").strip()
    if not key:
        problems.append("NOTIFY_API_KEY must be set when MAIL_BACKEND is notify")
    elif not API_KEY.match(key):
        problems.append(
            "NOTIFY_API_KEY is not a GOV.UK Notify API key: copy the whole key from Notify's API integration page "
            "(its name, then the service id and the secret, each a lower-case UUID, joined by dashes)"
        )
    for setting, what in (("NOTIFY_EMAIL_TEMPLATE_ID", "email"), ("NOTIFY_SMS_TEMPLATE_ID", "text message")):
        value = (config.get(setting) or "").strip()
        if setting == "NOTIFY_EMAIL_TEMPLATE_ID" and not value:
            problems.append(f"{setting} must be set to the id of the Notify {what} template")
        elif value and not TEMPLATE_ID.match(value):
            problems.append(f"{setting} must be the id of a Notify {what} template, a lower-case UUID")
    callback = config.get("NOTIFY_CALLBACK_TOKEN") or ""
    if callback and len(callback) < 32:
        problems.append("NOTIFY_CALLBACK_TOKEN must be at least 32 characters: Notify sends it with every callback")
    return problems


def check_config(config) -> None:
    """Refuse to start with Notify settings that cannot work, saying what to fix."""
    if config.get("MAIL_BACKEND") != "notify":
        return
    problems = config_problems(config)
    if problems:
        raise RuntimeError("GOV.UK Notify is not set up correctly: " + "; ".join(problems))


def _client():
    from notifications_python_client.notifications import NotificationsAPIClient

    cfg = current_app.config
    return NotificationsAPIClient(
        cfg["NOTIFY_API_KEY"].strip(),
        base_url=cfg.get("NOTIFY_BASE_URL") or DEFAULT_BASE_URL,
        timeout=cfg.get("NOTIFY_TIMEOUT", 30),
    )


def _never_sent(exc) -> bool:
    """The request could not have reached Notify (refused, or no connection made in time)."""
    import requests

    cause = exc.__cause__
    if isinstance(cause, requests.ConnectTimeout):
        return True
    return isinstance(cause, requests.ConnectionError) and "refused" in str(cause).lower()


def _error(exc) -> DeliveryError | InDoubt:
    """What a failed Notify request means for the message."""
    from notifications_python_client.errors import HTTPError

    if isinstance(exc, HTTPError) and exc.response is None:
        if _never_sent(exc):
            return DeliveryError(f"cannot reach GOV.UK Notify: {type(exc.__cause__).__name__}")
        # A timeout or a reset after the request went: Notify may have it.
        return InDoubt(f"GOV.UK Notify did not answer: {type(exc.__cause__).__name__}")
    status = getattr(exc, "status_code", 0) or 0
    if status == 429:
        return DeliveryError("rate limited by GOV.UK Notify", retry=True, wait_seconds=RATE_LIMIT_WAIT)
    detail = _detail(exc)
    return DeliveryError(f"GOV.UK Notify answered {status}{detail}", retry=status >= 500)


def _detail(exc) -> str:
    message = getattr(exc, "message", "")
    if isinstance(message, list):
        message = "; ".join(str(m.get("message", "")) for m in message[:3] if isinstance(m, dict))
    # Notify's messages name the field at fault, never the recipient.
    return f": {str(message)[:200]}" if message else ""


def send_letter(client, pdf_file, postage: str, reference: str) -> str:
    """One precompiled letter (a PDF); returns Notify's id for it."""
    from notifications_python_client.errors import APIError

    if postage not in POSTAGES:
        raise DeliveryError(f"postage must be one of {', '.join(POSTAGES)}, not {postage!r}", retry=False)
    try:
        response = client.send_precompiled_letter_notification(reference=reference, pdf_file=pdf_file, postage=postage)
    except APIError as exc:
        raise _error(exc) from exc
    return str((response or {}).get("id") or "")


def send_one(client, channel: str, to: str, personalisation: dict, reference: str) -> str:
    """One notification; returns Notify's id for it."""
    from notifications_python_client.errors import APIError

    cfg = current_app.config
    try:
        if channel == "sms":
            response = client.send_sms_notification(
                phone_number=to,
                template_id=cfg["NOTIFY_SMS_TEMPLATE_ID"],
                personalisation=personalisation,
                reference=reference,
            )
        else:
            response = client.send_email_notification(
                email_address=to,
                template_id=cfg["NOTIFY_EMAIL_TEMPLATE_ID"],
                personalisation=personalisation,
                reference=reference,
            )
    except APIError as exc:
        raise _error(exc) from exc
    return str((response or {}).get("id") or "")


class NotifyBackend:
    """A single transactional email (confirmations, links) through Notify."""

    name = "notify"

    def send(self, message: Message) -> str:
        personalisation = {"subject": message.subject, "body": message.text}
        reference = message.custom_args.get("delivery_id") or f"t-{uuid.uuid4().hex}"
        try:
            return send_one(_client(), "email", message.to, personalisation, str(reference))
        except InDoubt as exc:
            raise DeliveryError(str(exc), retry=True) from exc


class NotifyBulk:
    """One notification per recipient, each with its delivery id as the reference."""

    name = "notify"
    channels = ("email", "sms", "post")

    def personalisation(self, message: BulkMessage, recipient: BulkRecipient) -> dict:
        body = _fill(message.text, recipient.substitutions)
        if message.channel == "sms":
            return {"body": body}
        return {"subject": _subject(message, recipient), "body": body}

    def send(self, message: BulkMessage, recipients: list[BulkRecipient], still_ours: StillOurs = None) -> BulkResult:
        if message.channel == "sms" and not current_app.config.get("NOTIFY_SMS_TEMPLATE_ID"):
            raise DeliveryError("NOTIFY_SMS_TEMPLATE_ID is not set: text messages cannot be sent", retry=False)
        client = _client()
        result = BulkResult()
        for recipient in recipients:
            if still_ours is not None and not still_ours(recipient.delivery_id):
                continue  # settled by the sweeper while this batch was slow: not ours to send
            try:
                if message.channel == "post":
                    # The PDF is made as its turn comes: a batch never holds every letter at once.
                    try:
                        pdf = recipient.letter()
                    except Exception as exc:  # noqa: BLE001 - one letter that cannot be made stops no other
                        log.warning("letter for delivery %s not made: %s", recipient.delivery_id, type(exc).__name__)
                        why = getattr(exc, "message", "") or type(exc).__name__
                        result.refused[recipient.delivery_id] = f"the letter could not be made: {why}"[:500]
                        continue
                    result.accepted[recipient.delivery_id] = send_letter(
                        client, pdf, message.postage, str(recipient.delivery_id)
                    )
                    continue
                result.accepted[recipient.delivery_id] = send_one(
                    client,
                    message.channel,
                    recipient.to,
                    self.personalisation(message, recipient),
                    str(recipient.delivery_id),
                )
            except InDoubt as exc:
                # Settled by looking the reference up, never by sending again.
                log.warning("delivery %s in doubt: %s", recipient.delivery_id, exc)
                result.unsettled.add(recipient.delivery_id)
            except DeliveryError as exc:
                if exc.retry or exc.wait_seconds is not None:
                    if not result.accepted and not result.unsettled and not result.refused:
                        raise  # nothing of this batch went: the batch waits or tries again as a whole
                    break  # the rest were never handed over: back to the queue
                if _whole_batch(exc) and not result.accepted and not result.unsettled:
                    raise
                result.refused[recipient.delivery_id] = str(exc)[:500]
        return result

    def look_up(self, ids) -> tuple[dict[int, str], set[int]]:
        """({delivery id: Notify's status} for those Notify has, the ids whose lookup failed).

        A failed lookup proves nothing either way: those rows must wait for the next sweep."""
        client = _client()
        found: dict[int, str] = {}
        unknown: set[int] = set()
        for delivery_id in ids:
            try:
                answer = client.get_all_notifications(reference=str(delivery_id))
            except Exception as exc:  # noqa: BLE001 - any failure is "not known yet"
                log.warning("could not look up delivery %s at Notify: %s", delivery_id, type(exc).__name__)
                unknown.add(delivery_id)
                continue
            notifications = [
                n for n in (answer or {}).get("notifications", []) if n.get("reference") == str(delivery_id)
            ]
            if notifications:
                found[delivery_id] = str(notifications[0].get("status") or "created")
        return found, unknown


def _whole_batch(exc: DeliveryError) -> bool:
    """A refusal about our service (the key, the template), not about one recipient."""
    text = str(exc)
    return text.startswith(("GOV.UK Notify answered 401", "GOV.UK Notify answered 403")) or "template" in text.lower()


register("notify", NotifyBackend, NotifyBulk)
