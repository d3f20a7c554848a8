"""One batch of a send: claim its queued deliveries, make one provider request, mark what came of it.

A batch claims its rows with a conditional UPDATE (queued -> sending, stamped with a claim
token and the worker's id) and touches only the rows of its own claim from then on: sent
with the provider's message id, queued again with an attempt spent, failed with the reason,
or left `sending` for the sweeper when the provider may have taken them. The last batch to
finish marks the campaign sent.
"""

import logging
import os
import socket
import time
import uuid

import redis.exceptions
from flask import current_app
from sqlalchemy import ColumnElement, bindparam, false, or_, select, update
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from app import jobs
from app.clock import now
from app.extensions import db
from app.mail.backends import DeliveryError
from app.mail.bulk import BulkMessage, BulkRecipient, InDoubt, bulk_backend
from app.members.models import Member
from app.newsletters import audiences, letter_pdf, letters, subject_split, texts
from app.newsletters.claim import ClaimKeeper
from app.newsletters.models import Campaign, Delivery
from app.newsletters.rendering import batch_values, placeholders, send_template, subject_template

log = logging.getLogger(__name__)

# Deliveries whose fate is not settled yet: a campaign with any of these left is still sending.
UNFINISHED = ("queued", "sending", "in_doubt", "held")
# The database or Redis went away under a batch (a restart, a dropped connection, a lock held
# too long): nothing can be written until it is back, so the batch stops where it is.
INTERRUPTIONS = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def job_timeout() -> int:
    """Seconds a batch job may run: its claim lease, and a minute to finish in."""
    return int(current_app.config["BULLETIN_CLAIM_LEASE_SECONDS"]) + 60


def _pace(campaign_id: int, ids: list[int]) -> dict | None:
    """Wait for this batch's turn under the send rate, or queue it again for its time when that is far off."""
    from app.newsletters import pacing

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "sending":
        return None  # the claim below finds nothing to do
    key, rate = pacing.rate_for(campaign)
    db.session.commit()
    if not rate:
        return None
    wait = pacing.reserve(key, len(ids), rate)
    if wait > MAX_PACING_SLEEP and current_app.config.get("REDIS_URL"):
        jobs.enqueue_in(wait, "bulletins.send_batch", campaign_id, ids, paced=True, job_timeout=job_timeout())
        return {"deferred": len(ids), "wait_seconds": round(wait, 1)}
    time.sleep(wait)
    return None


def _among(ids) -> ColumnElement[bool]:
    """`Delivery.id` is one of `ids` (a range or a list), as runs of consecutive ids: a batch is
    usually one run, and a range is far cheaper for the database than a list of a thousand values."""
    if not ids:
        return false()
    if isinstance(ids, range) and ids.step == 1:
        return Delivery.id.between(ids.start, ids.stop - 1)
    runs: list[list[int]] = []
    for i in sorted(set(ids)):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    if len(runs) > 20:
        return Delivery.id.in_([i for lo, hi in runs for i in range(lo, hi + 1)])
    return or_(*(Delivery.id == lo if lo == hi else Delivery.id.between(lo, hi) for lo, hi in runs))


def _core(statement, parameters=None):
    """Run a statement on the session's connection, in its transaction, without the ORM layer:
    a batch's statements touch a thousand rows each and need none of the ORM's bookkeeping."""
    return db.session.connection().execute(statement, parameters)


def _claim(campaign_id: int, batch: ColumnElement[bool], token: str) -> int:
    claimed = _core(
        update(Delivery)
        .where(
            batch,
            Delivery.campaign_id == campaign_id,
            Delivery.status == "queued",
            # Pause and cancel stop claiming at once.
            select(Campaign.id).where(Campaign.id == campaign_id, Campaign.status == "sending").exists(),
        )
        .values(
            status="sending",
            claim_token=token,
            claimed_at=now(),
            worker_id=_worker_id(),
            attempts=Delivery.attempts + 1,
        )
    ).rowcount
    db.session.commit()
    return claimed


def _mark(token: str, among: ColumnElement[bool], status: str, **values) -> None:
    """Move the rows of this claim that are `among` (its batch, or some of its ids) on from `sending`."""
    _core(
        update(Delivery)
        .where(among, Delivery.claim_token == token, Delivery.status == "sending")
        .values(status=status, **values)
    )


# A batch whose turn under the send rate is further off than this is put back on the
# queue for its time rather than holding a worker.
MAX_PACING_SLEEP = 20.0


def send_batch(campaign_id: int, ids, paced: bool = False) -> dict:
    """Send the queued deliveries among `ids` (a range or a list) once each; rows another job claimed are left alone.

    Every statement names the batch's ids as well as the claim token, so the database
    reads the batch by its primary key rather than through an index of tokens.
    """
    token = uuid.uuid4().hex
    batch = _among(ids)
    held = texts.held_until(campaign_id, batch)
    if held is not None:
        # Texts wait for 8 am UK time, queued: the sweeper hands them to a batch again then.
        return {"held_until": held.isoformat()}
    try:
        if not paced:
            deferred = _pace(campaign_id, ids)
            if deferred:
                return deferred
        claimed = _claim(campaign_id, batch, token)
    except INTERRUPTIONS as exc:
        # A claim whose commit was cut off may still have landed: the sweeper requeues such rows.
        return _interrupted(campaign_id, token, 0, exc)
    if not claimed:
        return {"claimed": 0}
    try:
        return _send_claimed(campaign_id, token, batch)
    except INTERRUPTIONS as exc:
        return _interrupted(campaign_id, token, claimed, exc)
    except Exception as exc:  # noqa: BLE001 - a claimed row must never stay `sending` for ever
        db.session.rollback()
        where = exc.__traceback__
        while where.tb_next is not None:
            where = where.tb_next
        # The type and place only: an exception's text may carry an address or a name.
        log.error(
            "campaign %s batch %s (%s rows) failed: %s at %s:%s",
            campaign_id,
            token,
            claimed,
            type(exc).__name__,
            where.tb_frame.f_code.co_filename.rsplit("/", 1)[-1],
            where.tb_lineno,
        )
        reason = f"could not be sent: an unexpected error ({type(exc).__name__})"
        _mark(token, batch, "failed", reason=reason)
        _count_error(campaign_id, reason)
        db.session.commit()
        _finish_if_done(campaign_id)
        return {"claimed": claimed, "failed": claimed}


def _interrupted(campaign_id: int, token: str, claimed: int, exc: Exception) -> dict:
    """Stop a batch whose database or Redis went away, leaving its claimed rows `sending`.

    The provider may already have taken them, so marking them failed would hide a sent
    message and queueing them again would repeat it. Once the claim lease has passed, the
    sweeper settles them as it settles any interrupted send: sent where the provider's
    evidence says so, queued again where there is none after the grace period, and put to
    the sender (in doubt) for SMTP, which leaves no evidence.
    """
    db.session.rollback()
    # The type only: a database error's text may quote an address.
    log.warning(
        "campaign %s batch %s (%s rows) interrupted by %s; left for the sweeper",
        campaign_id,
        token,
        claimed,
        type(exc).__name__,
    )
    return {"interrupted": claimed}


def _send_claimed(campaign_id: int, token: str, batch: ColumnElement[bool]) -> dict:
    campaign = db.session.get(Campaign, campaign_id)
    rows = _core(
        select(
            Delivery.id,
            Delivery.member_id,
            Member.email,
            Member.first_name,
            audiences.may_receive(audiences.purpose_of(campaign)),
            Delivery.variant,
            Delivery.channel,
            Member.mobile,
            audiences.reachable_by_text(),
            letters.prefers_post(),
        )
        .join(Member, Member.id == Delivery.member_id)
        .where(batch, Delivery.claim_token == token, Delivery.status == "sending")
        .order_by(Delivery.id)
    ).all()
    channel = rows[0].channel if rows else "email"
    texting, posting = channel == "sms", channel == "post"
    # A text goes only while they still take texts (the number has not failed, consent not withdrawn),
    # a letter while they still take letters.
    gone = [r.id for r in rows if not (r[4] and (r[8] or not texting) and (r[9] or not posting))]
    if gone:
        # Unsubscribed, bounced or withdrew consent since the send began: honoured at once.
        _mark(token, _among(gone), "skipped", reason="no longer subscribed when their turn came")
        db.session.commit()
    left_out = set(gone)
    kept = [r for r in rows if r.id not in left_out]
    if texting:
        message, recipients = texts.message(campaign), texts.recipients(kept)
    elif posting:
        message, (recipients, unfit) = letter_pdf.message(campaign), letter_pdf.recipients(campaign, kept)
        for delivery_id, reason in unfit.items():
            # An address changed since the send began and no longer fits: nothing goes to Notify for it.
            _mark(token, Delivery.id == delivery_id, "failed", reason=reason[:500])
        db.session.commit()
    else:
        # A batch holds one subject's deliveries on one channel (sending.enqueue_queued).
        message = bulk_message(campaign, rows[0].variant if rows else None)
        recipients = _recipients(campaign, kept, placeholders(message.subject, message.text, message.html))
    if not recipients:
        _finish_if_done(campaign_id)
        return {"claimed": len(rows), "sent": 0}
    outcome = _deliver(campaign_id, token, batch, message, recipients)
    _finish_if_done(campaign_id)
    return {"claimed": len(rows), **outcome}


def bulk_message(campaign: Campaign, variant: str | None = None) -> BulkMessage:
    """The one message of a campaign (of one subject of a subject line test) that every recipient's values fill in."""
    return BulkMessage(
        subject=subject_template(subject_split.subject_of(campaign, variant)),
        text=send_template(campaign.prepared_text),
        html=send_template(campaign.prepared_html),
        from_address=campaign.from_address,
        from_name=campaign.from_name,
        headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        reply_to=campaign.reply_to,
    )


def _recipients(campaign: Campaign, rows, used: set[str]) -> list[BulkRecipient]:
    """Rows of (delivery id, member id, email, first name) as recipients with their own values."""
    values = batch_values(campaign.id, [(d, m, name) for d, m, _, name, *_ in rows], used)
    mailto = current_app.config["UNSUBSCRIBE_MAILTO"] or current_app.config["MAIL_FROM_ADDRESS"]
    unsubscribe = current_app.config["PUBLIC_BASE_URL"] + "/unsubscribe/"
    campaign_id = str(campaign.id)
    return [
        BulkRecipient(
            d,
            email,
            v,
            {"List-Unsubscribe": f"<{unsubscribe}{t}>, <mailto:{mailto}?subject=unsubscribe-{t}>"},
            {"delivery_id": str(d), "campaign_id": campaign_id},
        )
        for (d, _, email, *_), v in zip(rows, values, strict=True)
        for t in (v["%%t%%"],)
    ]


def _deliver(
    campaign_id: int, token: str, batch: ColumnElement[bool], message: BulkMessage, recipients: list[BulkRecipient]
) -> dict:
    cfg = current_app.config
    backend = bulk_backend()
    keeper = ClaimKeeper(token, batch)
    failures = 0
    limited = 0
    waited = 0.0
    while True:
        try:
            result = backend.send(message, recipients, still_ours=keeper)
            break
        except InDoubt as exc:
            # The provider may have taken them: leave the rows claimed for the sweeper to settle.
            log.warning("campaign %s batch %s in doubt: %s", campaign_id, token, exc)
            return {"in_doubt": len(recipients)}
        except DeliveryError as exc:
            if exc.wait_seconds is not None:
                # A reset already past, or a clock behind SendGrid's, must not become a tight loop.
                wait = max(RATE_LIMIT_MIN_WAIT, exc.wait_seconds)
                limited += 1
                if limited > RATE_LIMIT_MAX_RETRIES or waited + wait > cfg["BULLETIN_MAX_RATE_LIMIT_WAIT_SECONDS"]:
                    # Not failed, and no attempt spent: the batch goes again when the limit resets.
                    again = _claimed_ids(token, batch)
                    _mark(token, batch, "queued", claim_token=None, claimed_at=None)
                    db.session.commit()
                    _schedule_again(campaign_id, again, wait, inline_now=False)
                    return {"rate_limited": len(recipients), "wait_seconds": round(wait, 1)}
                waited += wait
                time.sleep(wait)
            else:
                failures += 1
                if not exc.retry or failures >= cfg["BULLETIN_MAX_ATTEMPTS"]:
                    _mark(token, batch, "failed", reason=str(exc)[:500])
                    _count_error(campaign_id, str(exc))
                    db.session.commit()
                    return {"failed": len(recipients)}
                time.sleep(cfg["BULLETIN_RETRY_BACKOFF_SECONDS"] * 2 ** (failures - 1))
            stopped = _stopped(campaign_id, token, batch)
            if stopped is not None:
                return stopped
            keeper.renew()
    _record_result(token, batch, result, len(recipients))
    if result.in_doubt:
        # The relay may have taken these: never resent blindly; the sender decides.
        _mark(token, _among(result.in_doubt), "in_doubt", reason="the connection dropped while the message was going")
    if result.unsettled:
        log.warning(
            "campaign %s batch %s: %s left for the sweeper to look up", campaign_id, token, len(result.unsettled)
        )
    settled = set(result.accepted) | set(result.refused) | result.in_doubt | set(result.deferred) | result.unsettled
    # The connection dropped part-way: these were never handed over, so they can go again.
    leftover = {r.delivery_id for r in recipients if keeper(r.delivery_id)} - settled
    again = _requeue(
        campaign_id, token, {**dict.fromkeys(leftover, "never handed to the mail server"), **result.deferred}
    )
    db.session.commit()
    _schedule_again(campaign_id, again)
    return {"sent": len(result.accepted), "failed": len(result.refused), "requeued": len(again)}


# A 429 is waited out for at least this long, and at most this many times in one batch.
RATE_LIMIT_MIN_WAIT = 1.0
RATE_LIMIT_MAX_RETRIES = 10


def _claimed_ids(token: str, batch: ColumnElement[bool]) -> list[int]:
    return list(
        _core(select(Delivery.id).where(batch, Delivery.claim_token == token, Delivery.status == "sending")).scalars()
    )


def _stopped(campaign_id: int, token: str, batch: ColumnElement[bool]) -> dict | None:
    """If the sender paused or cancelled while this batch waited, give its rows back and say so; else None."""
    status = _core(select(Campaign.status).where(Campaign.id == campaign_id)).scalar()
    if status == "sending":
        return None
    if status == "cancelled":
        _mark(token, batch, "cancelled", reason="campaign cancelled")
    else:
        _mark(token, batch, "queued", claim_token=None, claimed_at=None)
    db.session.commit()
    log.info("campaign %s is %s: batch %s handed back before retrying", campaign_id, status, token)
    return {"stopped": status}


def _requeue(campaign_id: int, token: str, reasons: dict[int, str]) -> list[int]:
    """Put these claimed rows back in the queue, or fail those that have had all their attempts; returns the requeued."""
    if not reasons:
        return []
    attempts = dict(
        _core(select(Delivery.id, Delivery.attempts).where(_among(list(reasons)), Delivery.claim_token == token)).all()
    )
    spent = [d for d in reasons if attempts.get(d, 0) >= current_app.config["BULLETIN_MAX_ATTEMPTS"]]
    for delivery_id in spent:
        _mark(token, Delivery.id == delivery_id, "failed", reason=f"gave up: {reasons[delivery_id]}"[:500])
    again = sorted(set(reasons) - set(spent))
    if again:
        _mark(token, _among(again), "queued", claim_token=None, claimed_at=None)
    log.info("campaign %s: %s deliveries back in the queue, %s given up", campaign_id, len(again), len(spent))
    return again


def _schedule_again(campaign_id: int, ids: list[int], wait: float | None = None, inline_now: bool = True) -> None:
    """A job for rows put back in the queue, after `wait` seconds (a backoff by default), not at the next sweep."""
    if not ids:
        return
    if current_app.config.get("REDIS_URL"):
        delay = wait if wait is not None else current_app.config["BULLETIN_RETRY_BACKOFF_SECONDS"]
        jobs.enqueue_in(max(1.0, delay), "bulletins.send_batch", campaign_id, ids, job_timeout=job_timeout())
    elif inline_now:
        # Inline there is no scheduler: try again now; each claim spends an attempt, so this ends.
        jobs.enqueue("bulletins.send_batch", campaign_id, ids)
    # Otherwise, inline, the sweeper enqueues them once the claim lease has passed.


def _record_result(token: str, batch: ColumnElement[bool], result, claimed: int) -> None:
    sent_at = now()
    by_message_id: dict[str, list[int]] = {}
    for delivery_id, message_id in result.accepted.items():
        by_message_id.setdefault(message_id, []).append(delivery_id)
    if len(by_message_id) == 1 and len(result.accepted) == claimed:
        # One provider request took the whole claim (SendGrid): the claim token names every row.
        (message_id,) = by_message_id
        _mark(token, batch, "sent", provider_message_id=message_id[:200], sent_at=sent_at)
    elif len(by_message_id) <= 10:
        for message_id, ids in by_message_id.items():
            _mark(token, _among(ids), "sent", provider_message_id=message_id[:200], sent_at=sent_at)
    else:
        table = Delivery.__table__
        _core(
            table.update()
            .where(table.c.id == bindparam("b_id"), table.c.claim_token == token, table.c.status == "sending")
            .values(status="sent", provider_message_id=bindparam("b_mid"), sent_at=sent_at),
            [{"b_id": d, "b_mid": m[:200]} for d, m in result.accepted.items()],
        )
    for delivery_id, reason in result.refused.items():
        _mark(token, Delivery.id == delivery_id, "failed", reason=reason[:500])


def _count_error(campaign_id: int, reason: str) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    campaign.error_count += 1
    if campaign.error_count >= current_app.config["BULLETIN_MAX_ERRORS"] and campaign.status == "sending":
        campaign.status = "paused"
        campaign.status_reason = f"Paused after {campaign.error_count} failed batches. Last error: {reason}"[:500]
        db.session.commit()
        _tell_sender(campaign)


def _tell_sender(campaign: Campaign) -> None:
    from app.mail import send_transactional
    from app.mail.backends import DeliveryError as MailError

    if campaign.created_by is None:
        return
    try:
        send_transactional(
            campaign.created_by.email,
            f"Bulletin paused: {campaign.name}",
            "bulletin_paused",
            campaign=campaign,
            url=f"{current_app.config['PUBLIC_BASE_URL']}/staff/bulletins/campaigns/{campaign.id}",
        )
    except MailError:
        log.exception("could not tell the sender that campaign %s paused", campaign.id)


def _finish_if_done(campaign_id: int) -> bool:
    left = _core(
        select(select(Delivery.id).where(Delivery.campaign_id == campaign_id, Delivery.status.in_(UNFINISHED)).exists())
    ).scalar()
    if left:
        db.session.commit()
        return False
    done = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.status == "sending")
        .values(status="sent", finished_at=now())
    ).rowcount
    db.session.commit()
    if done:
        jobs.enqueue("bulletins.refresh_stats", campaign_id)
    return bool(done)
