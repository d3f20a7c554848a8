"""The SendGrid Event Webhook: verify, store the body, answer; a job does the rest.

SendGrid signs timestamp + raw body with ECDSA (P-256, SHA-256) and may repeat an
event; each event is recorded once, keyed on sg_event_id.
"""

import base64
import binascii
import hashlib
import json
import logging
import time
from datetime import UTC, datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from app import jobs
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.newsletters.batches import INTERRUPTIONS
from app.newsletters.models import Campaign, Delivery, Suppression, TrackingEvent, WebhookBatch
from app.transactions import transactional

log = logging.getLogger(__name__)

# Appended to a batch that failed: not a SendGrid event, so reprocessing skips it.
NOTE_EVENT = "involve_processing_error"

KNOWN_EVENTS = {
    "processed",
    "dropped",
    "delivered",
    "deferred",
    "bounce",
    "open",
    "click",
    "spamreport",
    "unsubscribe",
    "group_unsubscribe",
    "group_resubscribe",
}


def verify_signature(public_key_b64: str, signature_b64: str, timestamp: str, body: bytes) -> bool:
    """True when SendGrid's key signed timestamp + body; false for anything else, never an exception."""
    try:
        key = load_der_public_key(base64.b64decode(public_key_b64))
        if not isinstance(key, ec.EllipticCurvePublicKey):
            return False
        key.verify(base64.b64decode(signature_b64, validate=True), timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError, TypeError, binascii.Error, UnicodeError):
        return False


def receive(body: bytes, signature: str | None, timestamp: str | None) -> int:
    """Store a verified webhook body for processing; forged or stale -> 403, malformed -> 400."""
    cfg = current_app.config
    key = cfg["SENDGRID_WEBHOOK_PUBLIC_KEY"]
    if not key or not signature or not timestamp:
        raise InvalidRequest("Signature missing.", 403)
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        raise InvalidRequest("Bad timestamp.", 403) from None
    if age > cfg["SENDGRID_WEBHOOK_MAX_AGE_SECONDS"]:
        raise InvalidRequest("Timestamp outside the replay window.", 403)
    if not verify_signature(key, signature, timestamp, body):
        raise InvalidRequest("Signature does not match.", 403)
    events = parse(body)
    digest = hashlib.sha256(body).hexdigest()
    already = _received(digest)
    if already is not None:
        # SendGrid repeats a body it thinks we missed: answer as before, keep it once.
        log.info("webhook batch %s received again; not stored twice", already)
        return already
    try:
        batch = _store(body.decode("utf-8"), len(events), digest)
    except IntegrityError:
        # The same body, arriving at the same moment on another worker, was stored first.
        db.session.rollback()
        return _received(digest)
    try:
        jobs.enqueue("bulletins.process_webhook_batch", batch)
    except Exception:
        # Stored safely: the sweeper processes it later. SendGrid must not be told to retry.
        log.exception("webhook batch %s left for the sweeper", batch)
    return batch


def parse(body: bytes) -> list[dict]:
    """The events in a body: a JSON array of objects each with an event name, or InvalidRequest 400."""
    try:
        events = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequest("The body is not JSON.", 400) from None
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise InvalidRequest("The body must be a JSON array of event objects.", 400)
    for number, event in enumerate(events):
        if not isinstance(event.get("event"), str) or not isinstance(event.get("sg_event_id", ""), str):
            raise InvalidRequest(
                "An event has no event name.", 400, {str(number): "event and sg_event_id must be strings"}
            )
    return events


def _received(digest: str) -> int | None:
    return db.session.scalar(select(WebhookBatch.id).where(WebhookBatch.body_sha256 == digest))


@transactional
def _store(body: str, count: int, digest: str | None = None) -> int:
    digest = digest or hashlib.sha256(body.encode("utf-8")).hexdigest()
    batch = WebhookBatch(provider="sendgrid", body=body, body_sha256=digest)
    db.session.add(batch)
    db.session.flush()
    log.info("webhook batch %s stored with %s events", batch.id, count)
    return batch.id


def process_pending() -> int:
    """Process every stored batch not yet processed; a batch that fails is set aside, never blocks the rest."""
    ids = db.session.scalars(select(WebhookBatch.id).where(WebhookBatch.processed_at.is_(None))).all()
    db.session.commit()
    recorded = 0
    for batch_id in ids:
        try:
            recorded += process_batch(batch_id)
        except INTERRUPTIONS:
            # The database or Redis went away: the batch is fine and stays pending for the next
            # run. Set aside, its processed events would be lost as evidence of what was sent.
            db.session.rollback()
            raise
        except Exception as error:
            db.session.rollback()
            log.exception("webhook batch %s failed and is set aside", batch_id)
            _set_aside(batch_id, type(error).__name__)
    return recorded


@transactional
def _set_aside(batch_id: int, error: str) -> None:
    # Marked processed so the sweeper does not fail on it every minute; the note says why.
    batch = db.session.get(WebhookBatch, batch_id)
    if batch is None:
        return
    try:
        events = json.loads(batch.body)
    except ValueError:
        events = []
    note = {"event": NOTE_EVENT, "error": error, "noted_at": now().isoformat()}
    batch.body = json.dumps([*(_without_personal_data(e) for e in events if isinstance(e, dict)), note])
    batch.processed_at = batch.processed_at or now()


def process_batch(batch_id: int) -> int:
    """Record each new event once and apply it; a batch processed twice changes nothing."""
    batch = db.session.get(WebhookBatch, batch_id)
    if batch is None or batch.processed_at is not None:
        return 0
    events = [e for e in parse(batch.body.encode("utf-8")) if e.get("event") in KNOWN_EVENTS and _ours(e)]
    ids = [e["sg_event_id"] for e in events if e.get("sg_event_id")]
    seen = set()
    for start in range(0, len(ids), 500):
        seen.update(
            db.session.scalars(
                select(TrackingEvent.sg_event_id).where(TrackingEvent.sg_event_id.in_(ids[start : start + 500]))
            )
        )
    fresh = []
    for event in events:
        event_id = event.get("sg_event_id")
        if event_id and event_id not in seen:
            seen.add(event_id)
            fresh.append(event)
    try:
        applied = [event for event in fresh if _apply(event)]
        batch.processed_at = now()
        batch.body = _strip_body(batch.body)
        db.session.commit()
        _withdraw_consents(applied)
        return len(applied)
    except IntegrityError:
        # Another job recorded some of these a moment ago: go one by one.
        db.session.rollback()
    applied = []
    for event in fresh:
        try:
            if _apply(event):
                applied.append(event)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
    batch = db.session.get(WebhookBatch, batch_id)
    batch.processed_at, batch.body = now(), _strip_body(batch.body)
    db.session.commit()
    _withdraw_consents(applied)
    return len(applied)


def _withdraw_consents(events: list[dict]) -> None:
    """Unsubscribes made at the provider withdraw the bulletin consent too, as our own link does.

    Then giving consent again later is a new consent, which lifts the unsubscribe suppression.
    """
    from app.members import services as members

    ids = {_int(e.get("delivery_id")) for e in events if e.get("event") in ("unsubscribe", "group_unsubscribe")}
    ids.discard(None)
    if not ids:
        return
    member_ids = db.session.scalars(select(Delivery.member_id).where(Delivery.id.in_(ids))).all()
    db.session.commit()
    for member_id in set(member_ids):
        member = members.get_member(member_id)
        if member is None or member.status == "erased" or member.live_consent("bulletin") is None:
            continue
        others = [c.purpose for c in member.consents if c.withdrawn_at is None and c.purpose != "bulletin"]
        members.set_consents(member, others, "web_form")


# Ids are database integers; anything else was not sent by Involve.
_MAX_ID = 2**31 - 1


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 1 <= number <= _MAX_ID else None


def _ours(event: dict) -> bool:
    # Another system on the same SendGrid account may send its own custom args: both ids must be plausible.
    return _int(event.get("delivery_id")) is not None and _int(event.get("campaign_id")) is not None


def _apply(event: dict) -> bool:
    kind = event["event"]
    delivery = db.session.get(Delivery, _int(event.get("delivery_id")))
    if delivery is None or delivery.campaign_id != _int(event.get("campaign_id")):
        # Not a message Involve sent (or a forged pairing): recording it would credit the wrong person.
        return False
    campaign_id = delivery.campaign_id
    occurred = _occurred_at(event, delivery)
    machine, reason = False, ""
    if kind == "open" and event.get("sg_machine_open"):
        machine, reason = True, "sg_machine_open (privacy proxy prefetch)"
    row = TrackingEvent(
        campaign_id=campaign_id,
        delivery_id=delivery.id,
        kind=kind,
        source="sendgrid",
        occurred_at=occurred,
        user_agent=str(event.get("useragent", ""))[:500],
        is_machine=machine,
        reason=reason,
        sg_event_id=event["sg_event_id"][:100],
        raw=_without_personal_data(event),
    )
    db.session.add(row)
    db.session.flush()
    if kind == "delivered":
        delivery.delivered_at = delivery.delivered_at or occurred
    elif kind == "dropped" and delivery.status in ("sent", "sending"):
        delivery.status = "failed"
        delivery.reason = f"dropped by SendGrid: {event.get('reason', '')}"[:500]
    elif kind == "deferred":
        delivery.reason = f"deferred: {event.get('response', '')}"[:500]
    elif kind == "bounce":
        delivery.bounced_at = occurred
        if event.get("type", "bounce") == "bounce":
            suppress_member(delivery.member_id, "bounce", campaign_id)
    elif kind == "spamreport":
        suppress_member(delivery.member_id, "complaint", campaign_id)
    elif kind in ("unsubscribe", "group_unsubscribe"):
        suppress_member(delivery.member_id, "unsubscribe", campaign_id)
    return True


# SendGrid's clock and ours may differ a little; beyond this either way it is not a real event time.
_FUTURE_ALLOWANCE = timedelta(minutes=5)


def _occurred_at(event: dict, delivery: Delivery) -> datetime:
    # SendGrid posts late and in batches: the event's own time, not ours, says when it happened.
    moment = now()
    try:
        occurred = datetime.fromtimestamp(int(event.get("timestamp")), UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return moment
    campaign = db.session.get(Campaign, delivery.campaign_id)
    started = campaign.started_at if campaign else None
    if occurred > moment + _FUTURE_ALLOWANCE or (started is not None and occurred < started - _FUTURE_ALLOWANCE):
        return moment
    return occurred


# Fields of a SendGrid event that can identify a person: the address, where and with what they read it,
# and the provider's free text, which often quotes the address.
PERSONAL_FIELDS = frozenset({"email", "ip", "useragent", "reason", "response", "smtp-id", "attempt_email"})


def _without_personal_data(event: dict) -> dict:
    # The address is already on the member record; stored events keep ids and facts only.
    return {k: v for k, v in event.items() if k not in PERSONAL_FIELDS}


def _strip_body(body: str) -> str:
    # What dedup (sg_event_id) and reprocessing need stays: event, ids, timestamp, type.
    try:
        events = json.loads(body)
    except ValueError:
        return "[]"
    return json.dumps([_without_personal_data(e) for e in events if isinstance(e, dict)])


def suppress_member(member_id: int, reason: str, campaign_id: int | None = None) -> None:
    """Add the member's address to the suppression list (inside the caller's transaction), once, even under races."""
    member = db.session.get(Member, member_id)
    if member is None or not member.email_normalised:
        return
    email = member.email_normalised
    # Two unsubscribe clicks at once both try to insert: the database decides, and the loser updates instead.
    inserted = db.session.scalar(
        _insert(Suppression)
        .values(email_normalised=email, reason=reason, campaign_id=campaign_id, created_at=now())
        .on_conflict_do_nothing(index_elements=["email_normalised"])
        .returning(Suppression.id)
    )
    if inserted is not None:
        return
    existing = db.session.scalar(
        select(Suppression).where(Suppression.email_normalised == email).execution_options(populate_existing=True)
    )
    if existing is None:
        return
    if _STRENGTH[reason] > _STRENGTH.get(existing.reason, 0):
        existing.reason, existing.campaign_id, existing.created_at = reason, campaign_id, now()
    elif reason == existing.reason == "unsubscribe":
        # A fresh unsubscribe after re-subscribing counts from now, not from the first one.
        existing.campaign_id, existing.created_at = campaign_id, now()


def _insert(table):
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)


# A stronger reason replaces a weaker one; only an unsubscribe can be lifted (app.newsletters.audiences).
_STRENGTH = {"unsubscribe": 1, "bounce": 2, "complaint": 3}
