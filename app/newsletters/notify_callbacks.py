"""GOV.UK Notify's delivery receipts: POST /notify/callbacks, one notification's status per request.

Notify sends the bearer token set on its callbacks page; anything else is refused before a
byte is written. Each receipt names our delivery id as its `reference` and Notify's id for
the notification, which must be the one we stored (or the row must still be in doubt), so
a receipt cannot be pointed at someone else's delivery. Receipts are kept as tracking
events (the same receipt twice is kept once), and the sweeper reads them as evidence:

- delivered: the delivery is marked delivered;
- permanent-failure: the address or number does not exist; that channel is suppressed for
  the member (an email address goes on the suppression list, a mobile is marked failed);
- temporary-failure: Notify gave up after trying for days (inbox full, phone off);
- technical-failure: Notify could not send it: the delivery failed, nothing is suppressed.
"""

import hmac
import json
import logging
import uuid

from flask import current_app

from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.newsletters.models import Delivery, TrackingEvent
from app.transactions import transactional

log = logging.getLogger(__name__)

# Notify's status -> the tracking event kind the rest of Involve reads (reports, the sweeper).
KINDS = {
    "delivered": "delivered",
    "permanent-failure": "bounce",
    "temporary-failure": "deferred",
    "technical-failure": "dropped",
}
REASONS = {
    "permanent-failure": "GOV.UK Notify: the address or number does not exist",
    "temporary-failure": "GOV.UK Notify: could not deliver it for days (inbox full or phone off)",
    "technical-failure": "GOV.UK Notify could not send it (a technical failure at Notify)",
}
_MAX_ID = 2**31 - 1


class Unauthorised(Exception):
    pass


def check_token(header: str | None) -> None:
    """The request carries the configured callback token; compared in constant time."""
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN") or ""
    given = header or ""
    if not given.startswith("Bearer "):
        raise Unauthorised("missing bearer token")
    # Constant time whatever the length or the content: nothing is learned from how long a refusal takes.
    matches = hmac.compare_digest(given[len("Bearer ") :].encode(), expected.encode())
    if not expected or not matches:
        raise Unauthorised("wrong bearer token")


def _bad(message: str) -> InvalidRequest:
    return InvalidRequest(f"This is not a GOV.UK Notify delivery receipt: {message}.", 400)


def parse(body: bytes) -> dict:
    """The receipt's fields we use, checked; a bad body is a clear 400."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _bad("the body is not JSON") from None
    if not isinstance(data, dict):
        raise _bad("the body must be a JSON object")
    status = data.get("status")
    if status not in KINDS:
        raise _bad("status must be delivered, permanent-failure, temporary-failure or technical-failure")
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference.isdecimal() or not 1 <= int(reference) <= _MAX_ID:
        raise _bad("reference must be the delivery id Involve sent")
    try:
        notification_id = str(uuid.UUID(str(data.get("id"))))
    except ValueError:
        raise _bad("id must be Notify's notification id") from None
    kind = data.get("notification_type", "email")
    if kind not in ("email", "sms"):
        raise _bad("notification_type must be email or sms")
    return {"status": status, "delivery_id": int(reference), "notification_id": notification_id, "type": kind}


@transactional
def record(receipt: dict) -> bool:
    """Apply one receipt; False when it names no delivery of ours (kept nowhere)."""
    delivery = db.session.get(Delivery, receipt["delivery_id"])
    if delivery is None:
        return False
    stored = delivery.provider_message_id
    if stored and stored != receipt["notification_id"]:
        # Not the notification we sent for this row: it must not move anyone's delivery.
        return False
    if not stored and delivery.status not in ("sending", "in_doubt", "sent"):
        return False
    event_key = f"notify:{receipt['notification_id']}:{receipt['status']}"[:100]
    if db.session.scalar(db.select(TrackingEvent.id).where(TrackingEvent.sg_event_id == event_key)):
        return True  # the same receipt again
    status = receipt["status"]
    moment = now()
    db.session.add(
        TrackingEvent(
            campaign_id=delivery.campaign_id,
            delivery_id=delivery.id,
            kind=KINDS[status],
            source="notify",
            occurred_at=moment,
            sg_event_id=event_key,
            raw={"status": status, "notification_type": receipt["type"], "id": receipt["notification_id"]},
        )
    )
    if status == "delivered":
        delivery.delivered_at = delivery.delivered_at or moment
    elif status == "permanent-failure":
        delivery.bounced_at = moment
        delivery.reason = REASONS[status]
        _suppress_channel(delivery, receipt["type"])
    elif status == "temporary-failure":
        delivery.reason = REASONS[status]
    elif delivery.status in ("sent", "sending", "in_doubt"):
        delivery.status = "failed"
        delivery.reason = REASONS[status]
    log.info("delivery %s: Notify says %s", delivery.id, status)
    return True


def _suppress_channel(delivery: Delivery, channel: str) -> None:
    from app.newsletters.webhooks import suppress_member

    if channel == "sms":
        member = db.session.get(Member, delivery.member_id)
        if member is not None and member.mobile_failed_at is None:
            member.mobile_failed_at = now()
    else:
        suppress_member(delivery.member_id, "bounce", delivery.campaign_id)
