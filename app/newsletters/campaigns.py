"""Templates and campaigns: writing, scheduling, test sends, the web version and archive."""

import copy
import html
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.mail.backends import DeliveryError, backend
from app.mail.message import Message
from app.members.schemas import MAX_ID
from app.newsletters import audiences, blocks, branding, content, letters, rendering, subject_split, texts
from app.newsletters.models import Audience, Campaign, Template
from app.transactions import transactional
from app.validation import FieldError, normalise_email


def get_campaign(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id) if 1 <= campaign_id <= MAX_ID else None
    if campaign is None:
        raise InvalidRequest("There is no such campaign.", 404)
    return campaign


def list_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())))


def list_templates() -> list[Template]:
    return list(db.session.scalars(select(Template).order_by(Template.name)))


def _check_body(body: str) -> dict[str, str]:
    problem = rendering.unknown_merge_fields_message(body)
    return {"body_markdown": problem} if problem else {}


@transactional
def save_template(
    name: str,
    body_markdown: str,
    template: Template | None = None,
    brand: dict | None = None,
    editor: str | None = None,
) -> Template:
    """A template whose merge fields are all known; its HTML is sanitised whenever it is rendered.

    `brand` holds its colours and logo (app/newsletters/branding.py); None keeps them as they are.
    `editor` is how its content is written, "markdown" or "blocks"; None keeps it as it is.
    """
    errors = {}
    if editor is not None and editor not in EDITORS:
        errors["editor"] = "Choose how to write the content: in Markdown or as blocks"
    if not (name or "").strip():
        errors["name"] = "Enter a name"
    elif len(name.strip()) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    errors.update(_check_body(body_markdown))
    brand_values, brand_errors = branding.clean(brand) if brand is not None else ({}, {})
    errors.update(brand_errors)
    if errors:
        raise InvalidRequest("There is a problem with the template.", 400, errors)
    if template is None:
        template = Template()
        db.session.add(template)
    template.name = name.strip()
    template.body_markdown = body_markdown
    template.editor = editor or template.editor or "markdown"
    for field, value in brand_values.items():
        setattr(template, field, value)
    template.updated_at = now()
    db.session.flush()
    return template


EDITABLE = ("draft", "scheduled")
# How the content is written: Markdown in one box, or a list of blocks (app/newsletters/blocks.py).
EDITORS = {"markdown": "In Markdown", "blocks": "As blocks: headings, paragraphs, images and buttons"}
# Far beyond any provider's rate; a bigger number is a typing slip.
MAX_SEND_RATE = 100_000


@transactional
def save_campaign(data: dict, campaign: Campaign | None = None, staff_user_id: int | None = None) -> Campaign:
    """Create or edit a draft; every field is checked and nothing is saved if one is wrong."""
    if campaign is not None and campaign.status not in EDITABLE:
        raise InvalidRequest("A campaign cannot be changed once it has started sending.", 409)
    errors = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = "Enter a name for the campaign"
    elif len(name) > 200:
        errors["name"] = "Name must be 200 characters or fewer"
    subject = (data.get("subject") or "").strip()
    if len(subject) > 200:
        errors["subject"] = "Subject must be 200 characters or fewer"
    from_name = (data.get("from_name") or "").strip()
    if len(from_name) > 200:
        errors["from_name"] = "From name must be 200 characters or fewer"
    errors.update(header_problems(subject, from_name))
    problem = rendering.unknown_merge_fields_message(subject, "the subject")
    if problem and "subject" not in errors:
        errors["subject"] = problem
    from_address = (data.get("from_address") or "").strip()
    if from_address:
        try:
            from_address = normalise_email(from_address)
        except FieldError as exc:
            errors["from_address"] = str(exc)
    preheader = " ".join((data.get("preheader") or "").split())
    if len(preheader) > 200:
        errors["preheader"] = "Preheader must be 200 characters or fewer"
    elif rendering.invalid_merge_fields(preheader):
        errors["preheader"] = rendering.unknown_merge_fields_message(preheader, "the preheader")
    reply_to = (data.get("reply_to") or "").strip()
    if reply_to:
        try:
            reply_to = normalise_email(reply_to)
        except FieldError:
            errors["reply_to"] = "Enter the reply-to address in the correct format, like name@example.org"
    body = data.get("body_markdown") or ""
    template_id = _id(data.get("template_id"))
    if template_id and db.session.get(Template, template_id) is None:
        errors["template_id"] = "Choose a template from the list"
    starting_blocks = None
    if template_id and not errors.get("template_id"):
        chosen = db.session.get(Template, template_id)
        fresh = campaign is None or (not campaign.blocks and not (campaign.body_markdown or "").strip())
        if chosen.editor == "blocks" and fresh and not body.strip():
            # A campaign started from a block template starts with its own copy of the blocks.
            starting_blocks = copy.deepcopy(chosen.blocks or [])
        elif not body.strip():
            body = chosen.body_markdown
    errors.update(_check_body(body))
    audience_id = _id(data.get("audience_id"))
    if audience_id and db.session.get(Audience, audience_id) is None:
        errors["audience_id"] = "Choose an audience from the list"
    send_rate = data.get("send_rate")
    if send_rate not in (None, ""):
        send_rate = _int(send_rate)
        if send_rate is None or not 1 <= send_rate <= MAX_SEND_RATE:
            errors["send_rate"] = (
                f"Enter a whole number of messages per second up to {MAX_SEND_RATE:,}, or leave it blank"
            )
    else:
        send_rate = None
    purpose = data.get("purpose") or (campaign.purpose if campaign is not None else "bulletin")
    if purpose not in audiences.CAMPAIGN_PURPOSES:
        errors["purpose"] = "Choose who may receive it: people who asked for the e-bulletin or for involvement news"
    editor = data.get("editor") or (campaign.editor if campaign is not None else "markdown")
    if editor not in EDITORS:
        errors["editor"] = "Choose how to write the content: in Markdown or as blocks"
    test, test_errors = subject_split.clean(data, _subject_b_problem)
    errors.update(test_errors)
    sms_text = (data.get("sms_text") or "").replace("\r\n", "\n").strip()
    sms_problem = texts.problem(sms_text)
    if sms_problem:
        errors["sms_text"] = sms_problem
    try:
        postage = letters.check_postage(data.get("postage") or (campaign.postage if campaign is not None else None))
    except FieldError as error:
        errors["postage"], postage = str(error), None
    if errors:
        raise InvalidRequest("There is a problem with the campaign.", 400, errors)
    if campaign is None:
        campaign = Campaign(created_by_id=staff_user_id)
        db.session.add(campaign)
    campaign.name = name
    campaign.subject = subject
    campaign.from_name = from_name
    campaign.from_address = from_address
    campaign.preheader = preheader
    campaign.reply_to = reply_to
    campaign.body_markdown = body
    campaign.template_id = template_id
    campaign.audience_id = audience_id
    campaign.is_public = bool(data.get("is_public"))
    campaign.anonymous_tracking = bool(data.get("anonymous_tracking"))
    campaign.send_rate = send_rate
    campaign.purpose = purpose
    campaign.editor = editor
    campaign.sms_text = sms_text
    campaign.postage = postage
    if starting_blocks is not None:
        campaign.editor, campaign.blocks = "blocks", starting_blocks
    for field, value in test.items():
        setattr(campaign, field, value)
    db.session.flush()
    return campaign


@transactional
def save_blocks(campaign: Campaign, raw) -> Campaign:
    """Replace a draft's content with these blocks, all of them checked first; nothing changes if one is wrong."""
    if campaign.status not in EDITABLE:
        raise InvalidRequest("A campaign cannot be changed once it has started sending.", 409)
    campaign.editor = "blocks"
    campaign.blocks = checked_blocks(raw)
    db.session.flush()
    return campaign


@transactional
def save_template_blocks(template: Template, raw) -> Template:
    """Replace a template's content with these blocks, all checked first; nothing changes if one is wrong."""
    template.blocks = checked_blocks(raw)
    template.editor = "blocks"
    template.updated_at = now()
    db.session.flush()
    return template


def checked_blocks(raw) -> list[dict]:
    """The blocks cleaned, or InvalidRequest naming every refused field, merge fields included."""
    clean, errors = blocks.check(raw)
    for key, text in blocks.written(clean if not errors else []):
        unknown = rendering.invalid_merge_fields(text)
        if unknown:
            number = int(key.split("-")[1]) + 1
            errors[key] = f"Block {number}: unknown merge fields: " + ", ".join("{{ " + n + " }}" for n in unknown)
    if errors:
        raise InvalidRequest("There is a problem with the content.", 400, errors)
    return clean


def _has_control(value: str) -> bool:
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value)


def _subject_b_problem(text: str) -> str:
    if len(text) > 200:
        return "Subject B must be 200 characters or fewer"
    if _has_control(text):
        return "Subject B must be one line of text, without line breaks or control characters"
    return subject_split.merge_field_problems(text)


def header_problems(subject: str, from_name: str) -> dict[str, str]:
    """Field errors for a subject or from name that cannot go in an email header (line breaks, control characters)."""
    return {
        key: f"{label} must be one line of text, without line breaks or control characters"
        for key, label, value in (("subject", "Subject", subject), ("from_name", "From name", from_name))
        if _has_control(value or "")
    }


def _id(value) -> int | None:
    """None when blank; -1 (which names nothing) when not a whole number a database id could be."""
    number = _int(value)
    if value not in (None, "") and (number is None or not 1 <= number <= MAX_ID):
        return -1
    return number


def _int(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@transactional
def schedule(campaign_id: int, at: datetime) -> None:
    """Schedule a draft that passes the checklist for a time in the future."""
    campaign = get_campaign(campaign_id)
    if campaign.status not in EDITABLE:
        raise InvalidRequest("Only a draft can be scheduled.", 409)
    if at <= now():
        raise InvalidRequest("Choose a time in the future.", 400, {"scheduled_at": "Choose a time in the future"})
    problems = content.problems(campaign)
    if problems:
        raise InvalidRequest("This campaign cannot be sent yet.", 400, problems)
    campaign.status = "scheduled"
    campaign.scheduled_at = at
    campaign.status_reason = ""


@dataclass
class Confirmation:
    """What a comms officer is asked to confirm before a campaign goes out."""

    campaign: Campaign
    audience_name: str
    recipients: int
    excluded: list[tuple[str, int]]  # (why, how many), only reasons that leave someone out
    from_name: str
    from_address: str
    problems: dict[str, str]  # what stops it being sent; empty when it can go
    at: datetime | None = None  # None: now
    # How many get it on each channel, and why some who prefer another channel get email.
    channels: list[tuple[str, int]] | None = None
    channel_notes: list[tuple[str, int]] | None = None
    # Who would rather have letters that this mail service cannot post: on the print formats page instead.
    letters_to_print: int = 0


def confirmation(campaign_id: int, at: datetime | None = None) -> Confirmation:
    """Who would receive the campaign now (or at `at`), who is left out and why, and what stops it."""
    campaign = get_campaign(campaign_id)
    if campaign.status not in EDITABLE:
        raise InvalidRequest("This campaign has already started sending.", 409)
    if at is not None and at <= now():
        raise InvalidRequest("Choose a time in the future.", 400, {"scheduled_at": "Choose a time in the future"})
    problems = content.problems(campaign)
    recipients, excluded = 0, []
    if campaign.audience is not None:
        counted = audiences.count(campaign.audience.filter or {}, audiences.purpose_of(campaign))
        recipients = counted.recipients
        excluded = [
            (why, n)
            for why, n in (
                ("no longer active (unsubscribed, moved away or asked to be erased)", counted.not_active),
                ("have not agreed to receive this kind of email", counted.no_consent),
                ("emails bounced or were reported as spam", counted.suppressed),
            )
            if n
        ]
    channels, channel_notes, letters_to_print = texts.channel_counts(campaign, recipients)
    return Confirmation(
        campaign=campaign,
        audience_name=campaign.audience.name if campaign.audience else "",
        recipients=recipients,
        excluded=excluded,
        from_name=campaign.from_name or current_app.config["MAIL_FROM_NAME"] or current_app.config["ORGANISATION_NAME"],
        from_address=campaign.from_address or current_app.config["MAIL_FROM_ADDRESS"],
        problems=problems,
        at=at,
        channels=channels,
        channel_notes=channel_notes,
        letters_to_print=letters_to_print,
    )


@transactional
def unschedule(campaign_id: int) -> None:
    campaign = get_campaign(campaign_id)
    if campaign.status != "scheduled":
        raise InvalidRequest("This campaign is not scheduled.", 409)
    campaign.status = "draft"
    campaign.scheduled_at = None


def test_send(campaign_id: int, address: str) -> str:
    """Send one preview copy (sample merge values, untracked links) to a staff address."""
    campaign = get_campaign(campaign_id)
    try:
        address = normalise_email(address)
    except FieldError as exc:
        raise InvalidRequest("Enter the address to send the test to.", 400, {"address": str(exc)}) from None
    written = rendering.source_text(campaign)
    if rendering.invalid_merge_fields(written):
        raise InvalidRequest("The content has unknown merge fields.", 400, _check_body(written))
    problems = header_problems(campaign.subject, campaign.from_name)
    if problems:
        raise InvalidRequest("Edit the campaign: its subject or from name cannot be sent.", 400, problems)
    html, text = content.preview(campaign)
    values = rendering.sample_values(campaign.id)
    # A subject line test sends one copy with each subject.
    subjects = [("[Test]", campaign.subject)]
    if campaign.subject_b:
        subjects = [("[Test, subject A]", campaign.subject), ("[Test, subject B]", campaign.subject_b)]
    sent = []
    for label, written_subject in subjects:
        subject = rendering.personalise(rendering.subject_template(written_subject), values)
        message = Message(to=address, subject=f"{label} {subject}", text=text, html=html, category="bulletin_test")
        try:
            sent.append(backend().send(message))
        except DeliveryError as exc:
            raise InvalidRequest(f"The test could not be sent: {exc}", 502) from None
    return sent[0]


def web_version(campaign_id: int, token: str | None) -> tuple[Campaign, str] | None:
    """The accessible web version of a sent bulletin: public ones to all, others with their link."""
    from app import tokens

    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in ("sending", "paused", "sent"):
        return None
    if not campaign.is_public:
        try:
            if tokens.verify("open", token or "") != ["w", campaign_id]:
                return None
        except tokens.BadToken:
            return None
    return campaign, readable_html(campaign)


def readable_html(campaign: Campaign, first_name: str = "reader") -> str:
    """The content as a reader sees it on the web version and in print: nobody's own links."""
    values = {**_web_values(campaign.id), "first_name": first_name, "first_name_html": html.escape(first_name)}
    if rendering.is_blocks(campaign):
        return rendering.clean_html(rendering.personalise(rendering.body_html(campaign), values))
    return rendering.sanitise_html(rendering.personalise(rendering.content_html(campaign.body_markdown), values))


def _web_values(campaign_id: int) -> dict:
    base = current_app.config["PUBLIC_BASE_URL"]
    return {
        "first_name": "reader",
        "first_name_html": "reader",
        # Nobody's own links: the page that emails a reader a link to their own preferences.
        "unsubscribe_url": f"{base}/preferences/new-link",
        "preferences_url": f"{base}/preferences/new-link",
        "web_version_url": rendering.web_version_url(campaign_id),
        # Nobody's own: a survey invitation's link is the survey's start page, which tells an
        # invitation-only reader to use the link in their email.
        **rendering.kind_samples(campaign_id),
    }


def archive() -> list[Campaign]:
    """Sent bulletins marked public, newest first."""
    return list(
        db.session.scalars(
            select(Campaign).where(Campaign.is_public, Campaign.status == "sent").order_by(Campaign.finished_at.desc())
        )
    )


def record_export(campaign_id: int, kind: str) -> None:
    audit.record("export", "campaign_report", campaign_id, kind)
    db.session.commit()
