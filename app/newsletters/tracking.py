"""Opens, clicks and one-click unsubscribes from the links in a bulletin.

The open and click endpoints do the least possible work: verify the token, append
the raw event, answer. Classification (human or machine, and why) runs later on
the raw events, in reports.refresh_stats, where bursts can be seen.
"""

import logging
import re
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select

from app import tokens
from app.clock import now
from app.extensions import db
from app.members import services as members
from app.newsletters.models import Link, TrackingEvent
from app.newsletters.webhooks import suppress_member
from app.transactions import transactional

log = logging.getLogger(__name__)

# 1x1 transparent GIF.
PIXEL = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")

PROXY_AGENTS = ("yahoomailproxy",)
# Gmail fetches images through its proxy when the reader opens the message: a person's open.
GMAIL_PROXY_AGENTS = ("googleimageproxy", "ggpht.com")
SCANNER_AGENTS = (
    "barracuda",
    "mimecast",
    "proofpoint",
    "safelinks",
    "safe links",
    "bingpreview",
    "symantec",
    "forcepoint",
    "ironport",
    "fireeye",
    "trendmicro",
    "sophos",
    "python-requests",
    "python-urllib",
    "curl/",
    "wget/",
    "go-http-client",
    "headlesschrome",
)
# Generic robot words, as whole words or as a product name before its version ("Googlebot/2.1"):
# a plain substring would take phones such as "CUBOT X30" for robots.
BOT_WORDS = re.compile(r"\b(?:\w*bot|spider|crawler|scanner)(?=[/;)\-]|$)|\b(?:bot|spider|crawler|scanner)\b")
# Apple Mail Privacy Protection fetches every image through its proxy with this bare agent.
APPLE_PROXY_AGENT = "mozilla/5.0"


def _recipient(token: str) -> tuple[int, int, int] | None:
    """(campaign, delivery, member) from a recipient token, or None."""
    try:
        data = tokens.verify("recipient", token)
    except tokens.BadToken:
        return None
    if not (isinstance(data, list) and len(data) == 3 and all(type(v) is int for v in data)):
        return None
    return data[0], data[1], data[2]


def _ids(purpose: str, token: str) -> tuple[int, int] | None:
    """(campaign, delivery) from a recipient token, or from an older open/click token."""
    own = _recipient(token)
    if own is not None:
        return own[0], own[1]
    try:
        data = tokens.verify(purpose, token)
    except tokens.BadToken:
        return None
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(v, int) for v in data)):
        return None
    return data[0], data[1]


@transactional
def record_open(token: str, user_agent: str) -> bool:
    """Append one raw open; a bad token records nothing."""
    ids = _ids("open", token)
    if ids is None:
        return False
    _append(campaign_id=ids[0], delivery_id=ids[1], link_id=None, kind="open", source="pixel", user_agent=user_agent)
    return True


@transactional
def record_click(token: str, link_id: int, user_agent: str) -> str | None:
    """The registered URL to redirect to, after appending one raw click; None records nothing."""
    ids = _ids("click", token)
    if ids is None:
        return None
    url = _link_url(ids[0], link_id)
    if url is None:
        return None
    _append(
        campaign_id=ids[0], delivery_id=ids[1], link_id=link_id, kind="click", source="redirect", user_agent=user_agent
    )
    return url


def _append(**values) -> None:
    # One plain INSERT on the table, one statement compiled once: these endpoints take every
    # open and click, and must stay cheap.
    values["user_agent"] = values["user_agent"][:500]
    row = {"occurred_at": now(), "is_machine": False, "reason": "", **values}
    if _anonymous(values["campaign_id"]):
        # Anonymous totals only: nothing that ties the event to a person is ever written. The user
        # agent is judged now, while it is in hand, so human and machine totals still count apart.
        reason = agent_reason(row["user_agent"])
        row.update(
            delivery_id=None,
            user_agent="",
            is_machine=bool(reason),
            reason=reason or human_reason(SimpleNamespace(**row)),
        )
    db.session.connection().execute(_INSERT_EVENT, row)


def _anonymous(campaign_id: int) -> bool:
    # The setting is frozen once a campaign is sent, so a copy per app process stays true.
    cache = current_app.extensions.setdefault("involve.bulletin_anonymous", {})
    anonymous = cache.get(campaign_id)
    if anonymous is None:
        from app.newsletters.models import Campaign

        anonymous = bool(db.session.scalar(select(Campaign.anonymous_tracking).where(Campaign.id == campaign_id)))
        if len(cache) < 10_000:
            cache[campaign_id] = anonymous
    return anonymous


_INSERT_EVENT = TrackingEvent.__table__.insert()


def _link_url(campaign_id: int, link_id: int) -> str | None:
    # A campaign's links are frozen when it is sent, so a copy per app process stays true.
    cache = current_app.extensions.setdefault("involve.bulletin_links", {})
    key = (campaign_id, link_id)
    url = cache.get(key)
    if url is None:
        url = db.session.scalar(select(Link.url).where(Link.id == link_id, Link.campaign_id == campaign_id))
        if url is not None and len(cache) < 10_000:
            cache[key] = url
    return url


def agent_reason(user_agent: str) -> str:
    """Why a user agent is a machine, or "" when it looks like a person's mail client or browser."""
    agent = (user_agent or "").strip().lower()
    if not agent:
        return "no user agent"
    if agent == APPLE_PROXY_AGENT:
        return "privacy proxy (Apple Mail Privacy Protection)"
    for name in PROXY_AGENTS:
        if name in agent:
            return f"privacy proxy ({name})"
    for name in SCANNER_AGENTS:
        if name in agent:
            return f"mail scanner or bot ({name.strip('/')})"
    match = BOT_WORDS.search(agent)
    if match:
        return f"mail scanner or bot ({match.group(0)})"
    return ""


def human_reason(event) -> str:
    """Why an event not judged a machine counts as a person's."""
    agent = (event.user_agent or "").lower()
    if event.kind == "open" and any(name in agent for name in GMAIL_PROXY_AGENTS):
        return "human (Gmail image proxy, which fetches images when the reader opens the message)"
    return "human"


def classify(events: list[TrackingEvent], delivered_at, hidden_link_ids: set[int], scanner_seconds: int) -> None:
    """Mark each of one recipient's events human or machine, with the reason, in place."""
    clicks = sorted((e for e in events if e.kind == "click"), key=lambda e: e.occurred_at)
    burst: set[int] = set()
    for i, first in enumerate(clicks):
        window = [e for e in clicks[i:] if (e.occurred_at - first.occurred_at).total_seconds() < 1.0]
        if len({e.link_id for e in window}) >= 3:
            burst.update(id(e) for e in window)
    hidden_hit_at = [e.occurred_at for e in clicks if e.link_id in hidden_link_ids]
    for event in events:
        if event.kind not in ("open", "click"):
            continue
        reason = event.reason if event.is_machine else ""
        if not reason:
            reason = agent_reason(event.user_agent) if event.source != "sendgrid" else ""
        if not reason and event.kind == "click":
            if event.link_id in hidden_link_ids:
                reason = "clicked a hidden link no person can see"
            elif id(event) in burst:
                reason = "burst: many links within a second"
            elif any(abs((event.occurred_at - t).total_seconds()) < 2.0 for t in hidden_hit_at):
                reason = "same moment as a hidden-link click"
            elif delivered_at and 0 <= (event.occurred_at - delivered_at).total_seconds() < scanner_seconds:
                reason = f"within {scanner_seconds} seconds of delivery"
        event.is_machine = bool(reason)
        event.reason = reason or human_reason(event)


def unsubscribe_target(token: str) -> tuple[int, int | None] | None:
    """(member id, campaign id) from an unsubscribe token, or None for a bad one."""
    own = _recipient(token)
    if own is not None:
        return own[2], own[0]
    # Tokens in mail sent before recipient tokens: they never expire (RFC 8058).
    try:
        data = tokens.verify("unsubscribe", token)
    except tokens.BadToken:
        return None
    if isinstance(data, int):
        return data, None
    if isinstance(data, list) and len(data) == 2 and all(isinstance(v, int) for v in data):
        return data[0], data[1]
    return None


def unsubscribe_purpose(target) -> str:
    """What an unsubscribe link stops: the consent its campaign needed (the e-bulletin for a bare member link)."""
    from app.newsletters import audiences
    from app.newsletters.models import Campaign

    campaign = db.session.get(Campaign, target[1]) if target and target[1] is not None else None
    return audiences.purpose_of(campaign)


def unsubscribe(token: str) -> bool:
    """Stop what the campaign was about to this member at once; False for a bad token.

    From the e-bulletin: its consent is withdrawn and the address suppressed. From a survey
    invitation or involvement news: only the consent for that is withdrawn.
    """
    target = unsubscribe_target(token)
    if target is None:
        return False
    member = members.get_member(target[0])
    if member is None or member.status == "erased":
        return True
    purpose = unsubscribe_purpose(target)
    others = [c.purpose for c in member.consents if c.withdrawn_at is None and c.purpose != purpose]
    members.set_consents(member, others, "web_form")
    # Every unsubscribe counts in the campaign's report; only the e-bulletin's suppresses the address.
    _record_unsubscribe(member.id, target[1], suppress=purpose == "bulletin")
    log.info("member %s unsubscribed from %s (campaign %s)", member.id, purpose, target[1])
    return True


@transactional
def _record_unsubscribe(member_id: int, campaign_id: int | None, suppress: bool) -> None:
    if suppress:
        suppress_member(member_id, "unsubscribe", campaign_id)
    if campaign_id is not None:
        from app.newsletters.models import Campaign, Delivery

        if db.session.get(Campaign, campaign_id) is None:
            return
        delivery_id = db.session.scalar(
            select(Delivery.id).where(Delivery.campaign_id == campaign_id, Delivery.member_id == member_id)
        )
        db.session.add(
            TrackingEvent(
                campaign_id=campaign_id,
                delivery_id=delivery_id,
                kind="unsubscribe",
                source="one-click",
                occurred_at=now(),
            )
        )
