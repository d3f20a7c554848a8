"""Sending a campaign exactly once.

start_send freezes one Delivery per recipient in one transaction, then enqueues
batch jobs of delivery ids (app/newsletters/batches.py). A batch claims its rows with a conditional UPDATE
(queued -> sending, stamped with a claim token), makes one provider request and
marks only the rows it claimed. A crash between "provider accepted" and "marked
sent" leaves rows in `sending`; the sweeper settles them from provider evidence
(SendGrid processed/dropped events carrying the delivery id, or the outbox
file) and requeues them only when there is no trace after a grace period.
"""

import logging

from flask import current_app
from sqlalchemy import func, insert, literal, select, text, update

from app import jobs
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.newsletters import audiences, campaigns, content, kinds, letters, subject_split, texts
from app.newsletters.batches import job_timeout
from app.newsletters.models import Campaign, Delivery
from app.transactions import transactional

log = logging.getLogger(__name__)

# Provider events that prove the provider took the message.
ACCEPTED_EVENTS = ("processed", "delivered", "deferred", "bounce", "open", "click", "spamreport")


@transactional
def _freeze(campaign_id: int, from_statuses=("draft", "scheduled")) -> int:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise InvalidRequest("There is no such campaign.", 404)
    if content.problems(campaign, count_audience=False):
        # Every reason at once, the audience's too; a send that can go counts its audience as it freezes it.
        raise InvalidRequest("This campaign cannot be sent yet.", 400, content.problems(campaign))
    header_problems = campaigns.header_problems(campaign.subject, campaign.from_name)
    if header_problems:
        raise InvalidRequest("This campaign cannot be sent yet.", 400, header_problems)
    # Only one caller can move the campaign into `sending`: a double click starts one send.
    moved = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.status.in_(from_statuses))
        .values(status="sending", started_at=now(), status_reason="")
    ).rowcount
    if moved != 1:
        raise InvalidRequest("This campaign has already been sent or started.", 409)
    content.prepare(campaign)
    recipients = audiences.recipients_query(campaign.audience.filter or {}, audiences.purpose_of(campaign)).subquery()
    # On the session's connection, without the ORM layer: one statement for every recipient.
    total = (
        db.session.connection()
        .execute(
            insert(Delivery)
            .from_select(
                ["campaign_id", "member_id", "status", "attempts", "reason"],
                select(literal(campaign_id), recipients.c.id, literal("queued"), literal(0), literal("")),
            )
            # SQLAlchemy keeps an INSERT's row count only when asked.
            .execution_options(preserve_rowcount=True)
        )
        .rowcount
    )
    if not total:
        # Everything above is rolled back: the campaign stays as it was.
        raise InvalidRequest("This campaign cannot be sent yet.", 400, {"Audience": content.NO_RECIPIENTS})
    if campaign.subject_b:
        subject_split.split(campaign, total)
    if campaign.sms_text and texts.can_send():
        # One channel each: the text for those who prefer it and can get it, the email for everyone else.
        db.session.connection().execute(
            update(Delivery)
            .where(
                Delivery.campaign_id == campaign_id,
                Delivery.member_id.in_(select(Member.id).where(audiences.reachable_by_text())),
            )
            .values(channel="sms")
        )
    if letters.can_send():
        # Letters for those who would rather have them and whose address fits Notify's address block.
        who = select(Delivery.member_id).where(Delivery.campaign_id == campaign_id)
        wanting = db.session.scalars(select(Member).where(Member.id.in_(who), letters.prefers_post())).all()
        posted = [m.id for m in letters.postable(wanting)[0]]
        for start in range(0, len(posted), 1000):
            db.session.connection().execute(
                update(Delivery)
                .where(Delivery.campaign_id == campaign_id, Delivery.member_id.in_(posted[start : start + 1000]))
                .values(channel="post")
            )
    # What the campaign's kind records (a survey's invitations) is saved with the recipients or not at all.
    kinds.kind_of(campaign).on_freeze(campaign, select(Delivery.member_id).where(Delivery.campaign_id == campaign_id))
    log.info("campaign %s frozen with %s deliveries", campaign_id, total)
    return total


def start_send(campaign_id: int) -> int:
    """Freeze the recipients as queued deliveries, then hand them to batch jobs; returns the count."""
    total = _freeze(campaign_id)
    _refresh_statistics()
    enqueue_queued(campaign_id)
    return total


def _refresh_statistics() -> None:
    """Tell PostgreSQL's planner about the rows just frozen.

    Until it knows a campaign has 100,000 queued rows, it reads a batch through the
    (campaign, status) index and sifts a thousand ids out of all of them, rather than
    reading the thousand by primary key: several times slower for every batch.
    ANALYZE samples a fixed number of rows, so it costs the same however large the table.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE delivery"))
        db.session.commit()


def enqueue_queued(campaign_id: int) -> int:
    """Enqueue batch jobs for every queued delivery of a sending campaign (claims make repeats harmless)."""
    size = min(current_app.config["BULLETIN_BATCH_SIZE"], 1000)
    queued = (Delivery.campaign_id == campaign_id, Delivery.status == "queued")
    first, last, count = db.session.execute(
        select(func.min(Delivery.id), func.max(Delivery.id), func.count()).where(*queued)
    ).one()
    others_queued = db.session.scalar(select(select(Delivery.id).where(*queued, Delivery.channel != "email").exists()))
    if db.session.get(Campaign, campaign_id).subject_b or others_queued:
        # A subject line test's samples, and texts and letters apart from emails: each batch holds one
        # subject's deliveries on one channel; letters in small batches, each letter being its own PDF.
        batches = []
        variants = (Delivery.variant == "a", Delivery.variant == "b", Delivery.variant.is_(None))
        for variant in variants:
            for channel in ("email", "sms", "post"):
                ids = list(
                    db.session.scalars(
                        select(Delivery.id).where(*queued, variant, Delivery.channel == channel).order_by(Delivery.id)
                    )
                )
                step = min(size, letters.BATCH_SIZE) if channel == "post" else size
                batches += [ids[i : i + step] for i in range(0, len(ids), step)]
    elif count and last - first + 1 == count:
        # One unbroken run of ids, as a fresh send's are: each batch is a range, and no id need be read.
        batches = [range(lo, min(lo + size, last + 1)) for lo in range(first, last + 1, size)]
    else:
        # Plain rows, not ORM objects: a resumed send of 100,000 reads up to 100,000 ids here.
        ids = [
            row[0] for row in db.session.connection().execute(select(Delivery.id).where(*queued).order_by(Delivery.id))
        ]
        batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    db.session.commit()
    jobs.enqueue_many("bulletins.send_batch", [(campaign_id, batch) for batch in batches], job_timeout())
    return count
