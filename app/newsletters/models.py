"""E-bulletins: templates, audiences, campaigns, one delivery per recipient, tracking.

A Delivery row is the unit of "sent exactly once": UNIQUE(campaign_id, member_id)
freezes the recipient list, and its status moves queued -> sending -> sent | failed
only through conditional updates in app/newsletters/batches.py.
"""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import now
from app.extensions import db

CAMPAIGN_STATUSES = ("draft", "scheduled", "sending", "paused", "sent", "cancelled")
# in_doubt: the claim lease expired and nothing says whether the provider took the
# message (SMTP leaves no trace); the sender decides to resend or drop.
DELIVERY_STATUSES = ("queued", "sending", "sent", "failed", "skipped", "cancelled", "in_doubt", "held")


class Template(db.Model):
    """A reusable bulletin design: Markdown or block content wrapped in the branded layout."""

    __tablename__ = "bulletin_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(200))
    body_markdown: Mapped[str] = mapped_column(db.Text, default="")
    # As a campaign's: "markdown" (body_markdown) or "blocks" (`blocks`). A campaign started from
    # the template starts with a copy of its content; the branding is read from the template at render.
    editor: Mapped[str] = mapped_column(db.String(10), default="markdown", server_default="markdown")
    blocks: Mapped[list | None] = mapped_column(db.JSON)
    # Branding: the header band and buttons (white text on them), and a logo in the header.
    # Unset means the NHS blue and green. A sent bulletin keeps the branding it was sent with.
    brand_colour: Mapped[str | None] = mapped_column(db.String(7))
    button_colour: Mapped[str | None] = mapped_column(db.String(7))
    logo_image_id: Mapped[int | None] = mapped_column(db.ForeignKey("bulletin_image.id", ondelete="SET NULL"))
    logo_alt: Mapped[str | None] = mapped_column(db.String(200))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    logo = relationship("BulletinImage")


class Audience(db.Model):
    """A list or saved segment: a JSON filter over an allow-list of member fields."""

    __tablename__ = "audience"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(200))
    kind: Mapped[str] = mapped_column(db.String(10), default="segment")  # list | segment
    filter: Mapped[dict] = mapped_column(db.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Campaign(db.Model):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(db.String(200))
    subject: Mapped[str] = mapped_column(db.String(200), default="")
    from_name: Mapped[str] = mapped_column(db.String(200), default="")
    from_address: Mapped[str] = mapped_column(db.String(254), default="")
    # The line an inbox shows after the subject; merge fields allowed.
    preheader: Mapped[str] = mapped_column(db.String(200), default="", server_default="")
    reply_to: Mapped[str] = mapped_column(db.String(254), default="", server_default="")
    # A subject line test (app/newsletters/subject_split.py): a second subject, each subject's sample
    # of the audience in per cent, what picks the winner and after how long; then the winner.
    subject_b: Mapped[str] = mapped_column(db.String(200), default="", server_default="")
    test_percent: Mapped[int | None]
    test_metric: Mapped[str | None] = mapped_column(db.String(10))
    test_wait_hours: Mapped[int | None]
    test_decide_at: Mapped[datetime | None]
    test_winner: Mapped[str | None] = mapped_column(db.String(1))
    test_decided_at: Mapped[datetime | None]
    body_markdown: Mapped[str] = mapped_column(db.Text, default="")
    # The text message version (app/newsletters/texts.py): offered to members who prefer texts when not blank.
    sms_text: Mapped[str] = mapped_column(db.Text, default="", server_default="")
    # How its letters go through GOV.UK Notify (app/newsletters/letters.py): first, second or economy.
    postage: Mapped[str] = mapped_column(db.String(8), default="second", server_default="second")
    # "markdown": the content is body_markdown; "blocks": it is `blocks`, a list checked by
    # app/newsletters/blocks.py (headings, paragraphs, images, buttons, dividers, columns).
    editor: Mapped[str] = mapped_column(db.String(10), default="markdown", server_default="markdown")
    blocks: Mapped[list | None] = mapped_column(db.JSON)
    # The easy read version staff wrote (app/newsletters/easy_read.py): [{"text", "image_id", "alt"}].
    easy_read: Mapped[list | None] = mapped_column(db.JSON)
    template_id: Mapped[int | None] = mapped_column(db.ForeignKey("bulletin_template.id"))
    audience_id: Mapped[int | None] = mapped_column(db.ForeignKey("audience.id"))
    status: Mapped[str] = mapped_column(db.String(20), default="draft", index=True)
    scheduled_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    is_public: Mapped[bool] = mapped_column(default=False)
    # A survey invitation or reminder: each recipient's email carries their own single-use survey link.
    survey_id: Mapped[int | None] = mapped_column(db.ForeignKey("survey.id", ondelete="SET NULL"))
    # Privacy setting: keep only anonymous totals of opens and clicks.
    anonymous_tracking: Mapped[bool] = mapped_column(default=False)
    send_rate: Mapped[int | None]  # messages per second across all workers; None = the organisation's rate
    # The consent every recipient must have given, and what its unsubscribe link stops:
    # "bulletin" (the e-bulletin) or "involvement" (involvement opportunities). Survey
    # invitations always need "surveys", whatever this says.
    purpose: Mapped[str] = mapped_column(db.String(20), default="bulletin", server_default="bulletin")
    error_count: Mapped[int] = mapped_column(default=0)
    status_reason: Mapped[str] = mapped_column(db.String(500), default="")
    # Frozen at start of send: the content every recipient gets, with merge placeholders.
    prepared_html: Mapped[str | None] = mapped_column(db.Text)
    prepared_text: Mapped[str | None] = mapped_column(db.Text)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

    template = relationship("Template")
    audience = relationship("Audience")
    created_by = relationship("StaffUser")


class Delivery(db.Model):
    """One recipient of one campaign."""

    __tablename__ = "delivery"
    __table_args__ = (
        db.UniqueConstraint("campaign_id", "member_id", name="uq_delivery_campaign_member"),
        db.Index("ix_delivery_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("campaign.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(db.ForeignKey("member.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(db.String(12), default="queued")
    # Which subject of a subject line test it carries: "a", "b", or None when there is no test.
    variant: Mapped[str | None] = mapped_column(db.String(1))
    # email, sms or post: the one channel this recipient gets the campaign on.
    channel: Mapped[str] = mapped_column(db.String(5), default="email", server_default="email")
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(db.String(40))
    worker_id: Mapped[str | None] = mapped_column(db.String(100))
    attempts: Mapped[int] = mapped_column(default=0)
    provider_message_id: Mapped[str | None] = mapped_column(db.String(200))
    reason: Mapped[str] = mapped_column(db.String(500), default="")
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    bounced_at: Mapped[datetime | None]
    first_open_at: Mapped[datetime | None]  # human opens only
    first_click_at: Mapped[datetime | None]  # human clicks only

    campaign = relationship("Campaign")
    member = relationship("Member")


class Link(db.Model):
    """A link in a campaign; click redirects go only to these."""

    __tablename__ = "campaign_link"
    __table_args__ = (db.Index("ix_campaign_link_campaign", "campaign_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("campaign.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(db.String(2000))
    position: Mapped[int] = mapped_column(default=0)
    # A link no person can see: whatever follows it is a machine.
    hidden: Mapped[bool] = mapped_column(default=False)


class TrackingEvent(db.Model):
    """A raw open, click or provider event, with its human/machine classification and why."""

    __tablename__ = "tracking_event"
    __table_args__ = (
        db.Index("ix_tracking_event_campaign_kind", "campaign_id", "kind"),
        db.Index("ix_tracking_event_delivery", "delivery_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(db.ForeignKey("campaign.id", ondelete="CASCADE"))
    # Null when the campaign keeps anonymous totals only.
    delivery_id: Mapped[int | None] = mapped_column(db.ForeignKey("delivery.id", ondelete="CASCADE"))
    link_id: Mapped[int | None] = mapped_column(db.ForeignKey("campaign_link.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(db.String(20))  # open, click, processed, delivered, bounce, ...
    source: Mapped[str] = mapped_column(db.String(20))  # pixel, redirect, sendgrid
    occurred_at: Mapped[datetime] = mapped_column(default=now)
    user_agent: Mapped[str] = mapped_column(db.String(500), default="")
    is_machine: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(db.String(200), default="")
    sg_event_id: Mapped[str | None] = mapped_column(db.String(100), unique=True)
    raw: Mapped[dict | None] = mapped_column(db.JSON)


class WebhookBatch(db.Model):
    """A verified provider webhook body, stored at once and processed by a job."""

    __tablename__ = "webhook_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(db.String(20), default="sendgrid")
    received_at: Mapped[datetime] = mapped_column(default=now)
    body: Mapped[str] = mapped_column(db.Text)
    # SHA-256 of the signed body as received: a body SendGrid sends again is stored once.
    body_sha256: Mapped[str | None] = mapped_column(db.String(64), unique=True)
    processed_at: Mapped[datetime | None] = mapped_column(index=True)


class CampaignStats(db.Model):
    """Summary figures for reports, recomputed by a job from deliveries and events."""

    __tablename__ = "campaign_stats"

    campaign_id: Mapped[int] = mapped_column(db.ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True)
    recipients: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    delivered: Mapped[int] = mapped_column(default=0)
    bounced: Mapped[int] = mapped_column(default=0)
    human_opens: Mapped[int] = mapped_column(default=0)  # unique recipients
    machine_opens: Mapped[int] = mapped_column(default=0)  # events
    human_clicks: Mapped[int] = mapped_column(default=0)  # unique recipients
    machine_clicks: Mapped[int] = mapped_column(default=0)  # events
    unsubscribes: Mapped[int] = mapped_column(default=0)
    complaints: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=now)


class Suppression(db.Model):
    """An address that must never be sent a bulletin: hard bounce, complaint, unsubscribe."""

    __tablename__ = "suppression"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_normalised: Mapped[str] = mapped_column(db.String(254), unique=True)
    reason: Mapped[str] = mapped_column(db.String(20))  # bounce, complaint, unsubscribe
    campaign_id: Mapped[int | None] = mapped_column(db.ForeignKey("campaign.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)


class BulletinImage(db.Model):
    """An uploaded picture for bulletins, re-encoded without its metadata; its alt text lives in each block."""

    __tablename__ = "bulletin_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random, so the public address tells nothing and cannot be guessed.
    file_name: Mapped[str] = mapped_column(db.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(db.String(20))
    width: Mapped[int]
    height: Mapped[int]
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now)
