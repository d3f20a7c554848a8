"""The text message version of a campaign: its length in fragments, the links added, the hours texts may go.

A text is written by the comms team; Involve adds a short tracked link to the web version
and how to stop texts. A text in the GSM 7-bit alphabet takes 160 characters in one
fragment or 153 in each of several (the characters of the extension table count twice);
one character outside it (an emoji, a curly quote) makes the whole text Unicode: 70, or 67
each. More than MAX_FRAGMENTS is refused. Texts go only from 8 am to 8 pm UK time.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from app.clock import from_uk, in_uk, now
from app.extensions import db
from app.mail.bulk import BulkMessage, BulkRecipient
from app.newsletters.models import Delivery

MAX_FRAGMENTS = 3
# The GSM 03.38 basic character set, and its extension table (each of those takes two septets).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")
FIRST_HOUR = 8
LAST_HOUR = 20  # texts stop at 8 pm
# The placeholder each recipient's own short code fills in.
CODE = "%%x%%"
# The longest code: a delivery id up to 2^31 in base 36 (6 characters) and an 8-character tag.
LONGEST_CODE = "z" * 14


@dataclass(frozen=True)
class Length:
    characters: int  # in the encoding's units (septets for GSM, UTF-16 units for Unicode)
    fragments: int
    unicode: bool
    per_fragment: int  # the most one fragment of this text can hold

    @property
    def encoding(self) -> str:
        return "Unicode" if self.unicode else "GSM 7-bit"

    def describe(self) -> str:
        fragments = f"{self.fragments} text message{'s' if self.fragments != 1 else ''}"
        return f"{self.characters} characters ({self.encoding}): {fragments}"


def measure(text: str) -> Length:
    """How many characters and fragments `text` takes."""
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text):
        units = sum(2 if c in GSM_EXTENSION else 1 for c in text)
        single, multi, uni = 160, 153, False
    else:
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
        single, multi, uni = 70, 67, True
    if units <= single:
        return Length(units, 1 if units else 0, uni, single)
    return Length(units, -(-units // multi), uni, multi)


def _base() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def template(sms_text: str) -> str:
    """The text every recipient gets, with CODE where their own short link goes."""
    link = f"{_base()}/x/{CODE}"
    return f"{sms_text.strip()}\nRead more: {link}\nStop texts: {link}/s"


def measure_as_sent(sms_text: str) -> Length:
    """The length of the text with the links added, counted with the longest code any recipient can have."""
    return measure(template(sms_text).replace(CODE, LONGEST_CODE))


def form_figures(sms_text: str) -> dict:
    """What the campaign form says of the text: its length with the links added (counted here, so it
    shows without script), and what the page's script needs to count it as it is typed."""
    return {
        "length": measure_as_sent(sms_text) if sms_text.strip() else None,
        "added": measure_as_sent("").characters,
        "max_fragments": MAX_FRAGMENTS,
    }


def problem(sms_text: str) -> str | None:
    """Why the text cannot be saved, or None."""
    if not sms_text.strip():
        return None
    if "{{" in sms_text or "%%" in sms_text:
        return "A text message cannot have merge fields: every recipient gets the same words"
    length = measure_as_sent(sms_text)
    if length.fragments > MAX_FRAGMENTS:
        return (
            f"The text message is too long: with the links added it is {length.describe()}, "
            f"and at most {MAX_FRAGMENTS} are allowed. Shorten it"
            + (
                " or take out characters outside the GSM alphabet (such as emoji or curly quotes)"
                if length.unicode
                else ""
            )
        )
    return None


def can_send() -> bool:
    """Whether the configured mail service sends text messages (GOV.UK Notify with a text template)."""
    cfg = current_app.config
    return cfg["MAIL_BACKEND"] == "notify" and bool(cfg.get("NOTIFY_SMS_TEMPLATE_ID"))


# ----- short links ----------------------------------------------------------


def _tag(delivery_id: int) -> str:
    key = hashlib.sha256(("sms-link:" + current_app.config["SECRET_KEY"]).encode()).digest()
    digest = hmac.new(key, str(delivery_id).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def code_for(delivery_id: int) -> str:
    """A short code naming one delivery: its id in base 36 and a keyed tag, so no other can be guessed."""
    return _base36(delivery_id) + _tag(delivery_id)


def delivery_of(code: str) -> int | None:
    """The delivery id a code names, or None for a code that was changed or made up."""
    if not 9 <= len(code) <= 14:
        return None
    head, tag = code[:-8], code[-8:]
    try:
        delivery_id = int(head, 36)
    except ValueError:
        return None
    if not 1 <= delivery_id <= 2**31 - 1 or _base36(delivery_id) != head:
        return None
    return delivery_id if hmac.compare_digest(_tag(delivery_id), tag) else None


# ----- sending ---------------------------------------------------------------


def message(campaign) -> BulkMessage:
    """The one text every recipient of a campaign's text version gets, their own code to fill in."""
    return BulkMessage(subject="", text=template(campaign.sms_text), html="", channel="sms", category="bulletin")


def recipients(rows) -> list[BulkRecipient]:
    """Rows of a batch's claimed deliveries (id, member id, ..., mobile) as text recipients."""
    return [
        BulkRecipient(row.id, row.mobile, {CODE: code_for(row.id)}, {}, {"delivery_id": str(row.id)}) for row in rows
    ]


def held_until(campaign_id: int, batch) -> datetime | None:
    """When a batch of texts may go, if not now (8 am UK time); None for emails, or texts in the day."""
    moment = next_allowed(now())
    if moment is None:
        return None
    texting = db.session.scalar(
        select(
            select(Delivery.id)
            .where(batch, Delivery.campaign_id == campaign_id, Delivery.channel == "sms", Delivery.status == "queued")
            .exists()
        )
    )
    db.session.commit()
    return moment if texting else None


# ----- who gets which ---------------------------------------------------------


def channel_counts(campaign, recipients: int) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """([(channel, how many)], [(why someone who would rather not have email gets it, how many)],
    how many would rather have letters that this mail service cannot post) among the campaign's recipients now."""
    from sqlalchemy import and_, func

    from app.members.models import Member
    from app.newsletters import audiences, letters

    if campaign.audience is None:
        return [], [], 0
    ids = audiences.recipients_query(campaign.audience.filter or {}, audiences.purpose_of(campaign)).subquery()
    among = Member.id.in_(select(ids.c.id))
    reachable = audiences.reachable_by_text()
    prefers = Member.preferred_channel == "sms"
    texts_offered = bool(campaign.sms_text) and can_send()
    wants_post = letters.prefers_post()
    row = db.session.execute(
        select(
            func.count().filter(reachable),
            func.count().filter(and_(prefers, ~reachable)),
            func.count().filter(and_(Member.preferred_channel == "post", ~wants_post)),
        )
        .select_from(Member)
        .where(among)
    ).one()
    by_text, cannot_text, cannot_post = (int(v or 0) for v in row)
    postable, unfit = letters.postable(db.session.scalars(select(Member).where(among, wants_post)).all())
    sms = by_text if texts_offered else 0
    posted = len(postable) if letters.can_send() else 0
    channels = [("Email", recipients - sms - posted), ("Text message", sms), ("Letter", posted)]
    notes = [
        (
            "would rather have texts, but this campaign has no text message version"
            if not campaign.sms_text
            else "would rather have texts, but texts cannot be sent with this mail service (GOV.UK Notify is needed)",
            by_text if not texts_offered else 0,
        ),
        (
            "would rather have texts, but have no mobile number, have not agreed to texts or texts to them failed",
            cannot_text,
        ),
        (
            "would rather have post, but letters cannot be posted by this mail service (GOV.UK Notify is needed): "
            "print their letters from the print formats page",
            len(postable) if not letters.can_send() else 0,
        ),
        ("would rather have post, but have no postal address or have not agreed to letters", cannot_post),
        *((f"would rather have post, but their address {why}", n) for why, n in sorted(unfit.items())),
    ]
    return channels, [(why, n) for why, n in notes if n], 0 if letters.can_send() else len(postable)


# ----- when texts may go ------------------------------------------------------


def next_allowed(moment: datetime) -> datetime | None:
    """None when a text may go at `moment` (naive UTC); else the UTC moment it may (8 am UK time)."""
    local = in_uk(moment)
    if FIRST_HOUR <= local.hour < LAST_HOUR:
        return None
    day = local.date() if local.hour < FIRST_HOUR else local.date() + timedelta(days=1)
    return from_uk(datetime.combine(day, time(FIRST_HOUR)))
