"""The sender's controls over a campaign being sent: pause, resume, cancel, settle in doubt, progress.

Each moves the campaign from the states it may be in with one conditional UPDATE, so two
officers pressing buttons at once, or a button pressed while a batch finishes, leave the
campaign in one state the other sees; the sending itself is in `sending`.
"""

from sqlalchemy import func, select, update

from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import audiences, subject_split
from app.newsletters.batches import _finish_if_done
from app.newsletters.models import DELIVERY_STATUSES, Campaign, Delivery
from app.newsletters.sending import enqueue_queued
from app.transactions import transactional


def _move(campaign_id: int, from_statuses, to_status: str, **values) -> bool:
    moved = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.status.in_(from_statuses))
        .values(status=to_status, **values)
    ).rowcount
    return moved == 1


@transactional
def pause(campaign_id: int) -> None:
    """Stop claiming new batches; messages already handed over are not recalled."""
    if not _move(campaign_id, ("sending",), "paused", status_reason="Paused by the sender"):
        raise InvalidRequest("Only a campaign that is sending can be paused.", 409)


def resume(campaign_id: int) -> int:
    """Carry on sending the deliveries still queued; returns how many."""
    started = db.session.scalar(select(Campaign.started_at).where(Campaign.id == campaign_id))
    if started is None:
        db.session.rollback()
        # Never frozen: resuming would mark it sent with nobody sent to.
        raise InvalidRequest("This campaign never started sending: send or schedule it instead.", 409)
    if not _move(campaign_id, ("paused",), "sending", status_reason="", error_count=0):
        db.session.rollback()
        raise InvalidRequest("Only a paused campaign can be resumed.", 409)
    db.session.commit()
    count = enqueue_queued(campaign_id)
    _finish_if_done(campaign_id)
    return count


@transactional
def cancel(campaign_id: int) -> int:
    """Cancel the campaign and every delivery not yet handed to the provider."""
    if not _move(campaign_id, ("draft", "scheduled", "sending", "paused"), "cancelled", finished_at=now()):
        raise InvalidRequest("This campaign can no longer be cancelled.", 409)
    return db.session.execute(
        update(Delivery)
        .where(Delivery.campaign_id == campaign_id, Delivery.status.in_(("queued", "held")))
        .values(status="cancelled", reason="campaign cancelled")
    ).rowcount


def settle_in_doubt(campaign_id: int, action: str) -> int:
    """The sender's decision on interrupted SMTP deliveries: resend them, or drop them."""
    if action not in ("resend", "drop"):
        raise InvalidRequest("Choose resend or drop.", 400, {"action": "Choose resend or drop"})
    query = update(Delivery).where(Delivery.campaign_id == campaign_id, Delivery.status == "in_doubt")
    if action == "resend":
        count = db.session.execute(query.values(status="queued", claim_token=None, claimed_at=None)).rowcount
    else:
        count = db.session.execute(
            query.values(status="failed", reason="dropped by the sender after an interrupted send")
        ).rowcount
    db.session.commit()
    if action == "resend":
        enqueue_queued(campaign_id)
    _finish_if_done(campaign_id)
    return count


def progress(campaign_id: int) -> dict[str, int]:
    """Deliveries by status, for the live progress view."""
    rows = db.session.execute(
        select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign_id).group_by(Delivery.status)
    ).all()
    counts = {status: 0 for status in DELIVERY_STATUSES}
    counts.update({status: n for status, n in rows})
    counts["total"] = sum(n for _, n in rows)
    return counts


RETRYABLE_FROM = ("sent", "paused")


def retry_failed(campaign_id: int) -> int:
    """Put the failed deliveries back in the queue once the cause is fixed; returns how many.

    Only rows still failed move, in one conditional UPDATE, so two retries at once queue
    each row once. Anyone no longer able to receive this campaign (unsubscribed, erased,
    suppressed since) is skipped with the reason, never retried.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise InvalidRequest("There is no such campaign.", 404)
    purpose = audiences.purpose_of(campaign)
    if not _move(campaign_id, RETRYABLE_FROM, "sending", status_reason="", error_count=0, finished_at=None):
        db.session.rollback()
        raise InvalidRequest("Only a campaign that has finished sending or is paused can retry failed deliveries.", 409)
    failed = (Delivery.campaign_id == campaign_id, Delivery.status == "failed")
    eligible = Delivery.member_id.in_(audiences.recipients_query({}, purpose))
    db.session.execute(
        update(Delivery)
        .where(*failed, ~eligible)
        .values(status="skipped", reason="not retried: no longer subscribed or able to receive this campaign")
        .execution_options(synchronize_session=False)
    )
    count = db.session.execute(
        update(Delivery)
        .where(*failed, eligible)
        .values(status="queued", claim_token=None, claimed_at=None, attempts=0, reason="")
        .execution_options(synchronize_session=False)
    ).rowcount
    if not count:
        db.session.rollback()
        raise InvalidRequest("There are no failed deliveries to retry.", 409)
    db.session.commit()
    enqueue_queued(campaign_id)
    _finish_if_done(campaign_id)
    return count


def retryable(campaign_id: int) -> int:
    """How many failed deliveries a retry would queue again (those still able to receive)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in RETRYABLE_FROM:
        return 0
    return db.session.scalar(
        select(func.count()).where(
            Delivery.campaign_id == campaign_id,
            Delivery.status == "failed",
            Delivery.member_id.in_(audiences.recipients_query({}, audiences.purpose_of(campaign))),
        )
    )


def pick_winner(campaign_id: int) -> str | None:
    """End a subject line test now, or when its wait is over: the winner goes to everyone held back.

    Returns "a" or "b", or None when the campaign has no test or its winner was already picked.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise InvalidRequest("There is no such campaign.", 404)
    if not campaign.subject_b:
        raise InvalidRequest("This campaign has no subject line test.", 409)
    if campaign.status not in ("sending", "paused"):
        raise InvalidRequest("The winner can be picked only while the campaign is sending or paused.", 409)
    winner = subject_split.decide(campaign_id)
    if winner and campaign.status == "sending":
        enqueue_queued(campaign_id)
    _finish_if_done(campaign_id)
    return winner
