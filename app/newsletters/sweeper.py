"""The sweeper: settles sends interrupted by a crash, and starts scheduled campaigns.

A row left in `sending` after its claim lease expired is in doubt. Provider
evidence decides: SendGrid processed/dropped events carrying the delivery id, or
the outbox file named after it. With no trace after a grace period the row goes
back to `queued` (SendGrid, outbox) or waits for the sender (SMTP leaves no trace).
Run it every minute (`flask bulletins sweep` from cron, or the sweep job).
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.mail.bulk import OutboxBulk
from app.newsletters import controls, subject_split
from app.newsletters.batches import _finish_if_done
from app.newsletters.models import Campaign, Delivery, TrackingEvent
from app.newsletters.sending import ACCEPTED_EVENTS, enqueue_queued, start_send
from app.transactions import transactional


def sweep() -> dict:
    """Settle expired claims from provider evidence, requeue stalled sends, start due schedules."""
    from app.newsletters import webhooks

    # The moment is taken before the stored webhook bodies are read: every event that had
    # arrived by then is recorded first, so "no trace after the grace period" holds even when
    # recording a backlog of events takes longer than the grace period itself.
    moment = now()
    webhooks.process_pending()
    cfg = current_app.config
    lease = timedelta(seconds=cfg["BULLETIN_CLAIM_LEASE_SECONDS"])
    grace = timedelta(seconds=cfg["BULLETIN_INDOUBT_GRACE_SECONDS"])
    expired = db.session.execute(
        select(Delivery.id, Delivery.claimed_at).where(
            Delivery.status == "sending", Delivery.claimed_at < moment - lease
        )
    ).all()
    settled = {"confirmed": 0, "dropped": 0, "requeued": 0, "in_doubt": 0}
    if expired:
        ids = [r.id for r in expired]
        evidence, unknown = _provider_evidence(ids)
        for row in expired:
            kind = evidence.get(row.id)
            if row.id in unknown:
                continue  # the provider could not be asked: settled at a later sweep
            # Only if the claim was not renewed since it was read: a batch still at work keeps its rows.
            query = update(Delivery).where(
                Delivery.id == row.id, Delivery.status == "sending", Delivery.claimed_at == row.claimed_at
            )
            if kind == "dropped":
                db.session.execute(query.values(status="failed", reason="dropped by the provider"))
                settled["dropped"] += 1
            elif kind:
                db.session.execute(
                    query.values(status="sent", sent_at=row.claimed_at, reason="confirmed by the provider")
                )
                settled["confirmed"] += 1
            elif row.claimed_at < moment - lease - grace:
                if cfg["MAIL_BACKEND"] == "smtp":
                    db.session.execute(query.values(status="in_doubt", reason="the send was interrupted"))
                    settled["in_doubt"] += 1
                else:
                    db.session.execute(query.values(status="queued", claim_token=None, claimed_at=None))
                    settled["requeued"] += 1
        db.session.commit()
    for campaign_id in db.session.scalars(select(Campaign.id).where(Campaign.status == "sending")).all():
        last_claim = db.session.scalar(select(func.max(Delivery.claimed_at)).where(Delivery.campaign_id == campaign_id))
        if last_claim is None or last_claim < moment - lease:
            enqueue_queued(campaign_id)
        _finish_if_done(campaign_id)
    settled["started"] = start_due_campaigns()
    settled["winners_picked"] = sum(1 for campaign_id in subject_split.due() if controls.pick_winner(campaign_id))
    return settled


def _provider_evidence(ids: list[int]) -> tuple[dict[int, str], set[int]]:
    """({delivery id: "accepted" or "dropped"} from the provider's traces, ids that could not be looked up)."""
    found: dict[int, str] = {}
    unknown: set[int] = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        for delivery_id, kind in db.session.execute(
            select(TrackingEvent.delivery_id, TrackingEvent.kind).where(
                TrackingEvent.delivery_id.in_(chunk), TrackingEvent.kind.in_((*ACCEPTED_EVENTS, "dropped"))
            )
        ):
            if found.get(delivery_id) != "dropped":
                found[delivery_id] = "dropped" if kind == "dropped" else "accepted"
    if current_app.config["MAIL_BACKEND"] == "outbox":
        on_file = OutboxBulk(current_app.config["OUTBOX_DIR"]).delivery_ids_on_file()
        for delivery_id in ids:
            if delivery_id in on_file:
                found.setdefault(delivery_id, "accepted")
    if current_app.config["MAIL_BACKEND"] == "notify":
        from app.mail.notify import NotifyBulk

        # Every row Notify has under its delivery id as the reference was taken, whatever became of it since.
        on_file, unknown = NotifyBulk().look_up([d for d in ids if d not in found])
        for delivery_id in on_file:
            found.setdefault(delivery_id, "accepted")
    return found, unknown


def start_due_campaigns() -> int:
    """Start every scheduled campaign whose time has come; each starts once."""
    due = db.session.scalars(
        select(Campaign.id).where(Campaign.status == "scheduled", Campaign.scheduled_at <= now())
    ).all()
    db.session.commit()
    started = 0
    for campaign_id in due:
        try:
            start_send(campaign_id)
            started += 1
        except InvalidRequest as exc:
            _set_reason(campaign_id, f"Could not start: {exc.message} {'; '.join(exc.errors.values())}")
    return started


@transactional
def _set_reason(campaign_id: int, reason: str) -> None:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign.status == "scheduled":
        # Back to an editable draft: nothing was frozen, so there is nothing to resume.
        campaign.status = "draft"
        campaign.scheduled_at = None
    campaign.status_reason = reason[:500]
