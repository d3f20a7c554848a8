"""Readership: classification of raw events, summary rows, and the figures staff see.

Reports read CampaignStats and per-group aggregates; refresh_stats (a job) is the
only thing that reads the raw event table in bulk. The figures per group of people
are in app/newsletters/readership.py.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import case, func, select, update

from app.clock import in_uk, now
from app.extensions import db
from app.newsletters.models import Campaign, CampaignStats, Delivery, Link, TrackingEvent
from app.newsletters.tracking import classify
from app.transactions import transactional

# UK government sector click-rate benchmark shown beside every campaign.
SECTOR_CLICK_RATE = (3.7, 4.1)


@transactional
def refresh_stats(campaign_id: int) -> CampaignStats | None:
    """Classify new opens and clicks, then rewrite the campaign's summary row from the raw data."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return None
    _classify_new(campaign)
    _forget_people(campaign)
    stats = db.session.get(CampaignStats, campaign_id) or CampaignStats(campaign_id=campaign_id)
    db.session.add(stats)
    counts = dict(
        db.session.execute(
            select(Delivery.status, func.count()).where(Delivery.campaign_id == campaign_id).group_by(Delivery.status)
        ).all()
    )
    stats.recipients = sum(counts.values())
    stats.sent = counts.get("sent", 0)
    stats.failed = counts.get("failed", 0)
    per_delivery = db.session.execute(
        select(
            func.count(Delivery.delivered_at),
            func.count(Delivery.bounced_at),
            func.count(Delivery.first_open_at),
            func.count(Delivery.first_click_at),
        ).where(Delivery.campaign_id == campaign_id)
    ).one()
    delivered, bounced, human_opens, human_clicks = (int(v or 0) for v in per_delivery)
    stats.bounced = bounced
    # Outbox and SMTP report no deliveries: count what left us and did not bounce.
    stats.delivered = delivered if delivered else max(0, stats.sent - bounced)
    events = {
        (kind, bool(machine)): n
        for kind, machine, n in db.session.execute(
            select(TrackingEvent.kind, TrackingEvent.is_machine, func.count())
            .where(TrackingEvent.campaign_id == campaign_id)
            .group_by(TrackingEvent.kind, TrackingEvent.is_machine)
        ).all()
    }

    def events_of(kind: str, machine: bool) -> int:
        return events.get((kind, machine), 0)

    if campaign.anonymous_tracking:
        stats.human_opens = events_of("open", False)
        stats.human_clicks = events_of("click", False)
    else:
        stats.human_opens, stats.human_clicks = human_opens, human_clicks
    stats.machine_opens = events_of("open", True)
    stats.machine_clicks = events_of("click", True)
    stats.unsubscribes = _unique_deliveries(campaign_id, ("unsubscribe", "group_unsubscribe"))
    stats.complaints = _unique_deliveries(campaign_id, ("spamreport",))
    stats.updated_at = now()
    return stats


# Campaigns whose figures the periodic job keeps up to date: sending, or finished this recently.
REFRESH_DAYS = 30


def refresh_recent(days: int = REFRESH_DAYS) -> int:
    """Refresh the figures of every campaign sending or sent in the last `days` days that has news; returns how many."""
    since = now() - timedelta(days=days)
    ids = db.session.scalars(
        select(Campaign.id).where(
            Campaign.status.in_(("sending", "paused", "sent")),
            Campaign.started_at.is_not(None),
            Campaign.finished_at.is_(None) | (Campaign.finished_at >= since),
        )
    ).all()
    quiet_for = timedelta(seconds=current_app.config["REPORT_QUIET_REFRESH_SECONDS"])
    refreshed = 0
    for campaign_id in ids:
        stats = db.session.get(CampaignStats, campaign_id)
        # Every minute for a campaign with opens or clicks not yet counted; the others now and then.
        if (
            stats is None
            or stats.updated_at is None
            or _uncounted(campaign_id)
            or now() - stats.updated_at >= quiet_for
        ):
            refresh_stats(campaign_id)
            refreshed += 1
    return refreshed


def request_refresh(campaign_id: int) -> bool:
    """Refresh one campaign's figures as a job; True when a worker will do it, False when done already."""
    from app import jobs

    return jobs.enqueue("bulletins.refresh_stats", campaign_id) is not None


def _unique_deliveries(campaign_id: int, kinds) -> int:
    return db.session.scalar(
        select(func.count(func.distinct(TrackingEvent.delivery_id))).where(
            TrackingEvent.campaign_id == campaign_id, TrackingEvent.kind.in_(kinds)
        )
    ) + db.session.scalar(
        select(func.count()).where(
            TrackingEvent.campaign_id == campaign_id,
            TrackingEvent.kind.in_(kinds),
            TrackingEvent.delivery_id.is_(None),
        )
    )


_EVENT_FIELDS = (
    TrackingEvent.id,
    TrackingEvent.delivery_id,
    TrackingEvent.link_id,
    TrackingEvent.kind,
    TrackingEvent.source,
    TrackingEvent.occurred_at,
    TrackingEvent.user_agent,
    TrackingEvent.is_machine,
    TrackingEvent.reason,
)


def _classify_new(campaign: Campaign) -> None:
    hidden = set(db.session.scalars(select(Link.id).where(Link.campaign_id == campaign.id, Link.hidden)))
    scanner_seconds = current_app.config["SCANNER_SECONDS_AFTER_DELIVERY"]
    unclassified = (
        TrackingEvent.campaign_id == campaign.id,
        TrackingEvent.kind.in_(("open", "click")),
        TrackingEvent.reason == "",
        TrackingEvent.delivery_id.is_not(None),
    )
    # A fixed number of statements per campaign, however many events: one query per recipient
    # took close to a minute for 20,000 opens. Plain rows, not ORM objects, keep it cheap.
    db.session.flush()
    new = [SimpleNamespace(**row._mapping) for row in db.session.execute(select(*_EVENT_FIELDS).where(*unclassified))]
    if not new:
        return
    by_delivery: dict[int, list] = defaultdict(list)
    for event in new:
        by_delivery[event.delivery_id].append(event)
    with_new = select(TrackingEvent.delivery_id).where(*unclassified)
    delivered = dict(
        db.session.execute(
            select(Delivery.id, func.coalesce(Delivery.delivered_at, Delivery.sent_at)).where(
                Delivery.campaign_id == campaign.id, Delivery.id.in_(with_new)
            )
        ).all()
    )
    # Earlier clicks of the same recipient take part in burst detection too.
    earlier: dict[int, list] = defaultdict(list)
    for row in db.session.execute(
        select(*_EVENT_FIELDS).where(
            TrackingEvent.campaign_id == campaign.id,
            TrackingEvent.delivery_id.in_(with_new.where(TrackingEvent.kind == "click")),
            TrackingEvent.kind == "click",
            TrackingEvent.reason != "",
        )
    ):
        earlier[row.delivery_id].append(SimpleNamespace(**row._mapping))
    for delivery_id, events in by_delivery.items():
        classify(events + earlier.get(delivery_id, []), delivered.get(delivery_id), hidden, scanner_seconds)
    by_outcome: dict[tuple[bool, str], list[int]] = defaultdict(list)
    for event in new:
        by_outcome[(event.is_machine, event.reason)].append(event.id)
    for (machine, reason), ids in by_outcome.items():
        for chunk in _chunks(ids):
            db.session.execute(
                update(TrackingEvent)
                .where(TrackingEvent.id.in_(chunk))
                .values(is_machine=machine, reason=reason)
                .execution_options(synchronize_session=False)
            )
    _set_first_human_times(campaign.id, [d for d in by_delivery if d in delivered])


def _set_first_human_times(campaign_id: int, delivery_ids: list[int]) -> None:
    """Each delivery's first human open and click: the earliest of what it had and its human events."""

    def first(kinds):
        earliest = (
            select(func.min(TrackingEvent.occurred_at))
            .where(
                TrackingEvent.delivery_id == Delivery.id,
                TrackingEvent.kind.in_(kinds),
                TrackingEvent.is_machine.is_(False),
                TrackingEvent.reason != "",
            )
            .scalar_subquery()
        )
        return earliest

    opened, clicked = first(("open", "click")), first(("click",))
    for chunk in _chunks(delivery_ids):
        db.session.execute(
            update(Delivery)
            .where(Delivery.campaign_id == campaign_id, Delivery.id.in_(chunk))
            .values(
                first_open_at=case(
                    (Delivery.first_open_at.is_(None) | (opened < Delivery.first_open_at), opened),
                    else_=Delivery.first_open_at,
                ),
                first_click_at=case(
                    (Delivery.first_click_at.is_(None) | (clicked < Delivery.first_click_at), clicked),
                    else_=Delivery.first_click_at,
                ),
            )
            .execution_options(synchronize_session=False)
        )
    db.session.expire_all()


def _forget_people(campaign: Campaign) -> None:
    """Anonymous totals only: events recorded before that was enforced at write time lose their link to a person."""
    if not campaign.anonymous_tracking:
        return
    # Keep the totals, drop the link to a person.
    db.session.execute(
        update(TrackingEvent)
        .where(TrackingEvent.campaign_id == campaign.id, TrackingEvent.kind.in_(("open", "click")))
        .values(delivery_id=None, user_agent="")
    )
    db.session.execute(
        update(Delivery).where(Delivery.campaign_id == campaign.id).values(first_open_at=None, first_click_at=None)
    )


def _chunks(ids: list[int], size: int = 5000):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


# ----- what staff see -------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _uncounted(campaign_id: int) -> bool:
    """Whether opens or clicks have arrived that the figures do not count yet."""
    return (
        db.session.scalar(
            select(TrackingEvent.id)
            .where(
                TrackingEvent.campaign_id == campaign_id,
                TrackingEvent.kind.in_(("open", "click")),
                TrackingEvent.reason == "",
                TrackingEvent.delivery_id.is_not(None),
            )
            .limit(1)
        )
        is not None
    )


def summary(campaign: Campaign) -> dict:
    """The headline figures for one campaign, with rates and the sector benchmark."""
    stats = db.session.get(CampaignStats, campaign.id) or refresh_stats(campaign.id)
    return {
        "recipients": stats.recipients,
        "sent": stats.sent,
        "failed": stats.failed,
        "delivered": stats.delivered,
        "bounced": stats.bounced,
        "human_opens": stats.human_opens,
        "machine_opens": stats.machine_opens,
        "human_clicks": stats.human_clicks,
        "machine_clicks": stats.machine_clicks,
        "open_rate": rate(stats.human_opens, stats.delivered),
        "click_rate": rate(stats.human_clicks, stats.delivered),
        "click_to_open_rate": rate(stats.human_clicks, stats.human_opens),
        "unsubscribes": stats.unsubscribes,
        "complaints": stats.complaints,
        "benchmark_click_rate": SECTOR_CLICK_RATE,
        "updated_at": stats.updated_at,
    }


def link_clicks(campaign_id: int) -> list[dict]:
    """Human and machine clicks per visible link, as the summary counts them."""
    rows = db.session.execute(
        select(Link.id, Link.url, Link.position, TrackingEvent.is_machine, func.count(TrackingEvent.id))
        .outerjoin(TrackingEvent, (TrackingEvent.link_id == Link.id) & (TrackingEvent.kind == "click") & _COUNTED)
        .where(Link.campaign_id == campaign_id, ~Link.hidden)
        .group_by(Link.id, Link.url, Link.position, TrackingEvent.is_machine)
        .order_by(Link.position)
    ).all()
    links: dict[int, dict] = {}
    for link_id, url, position, machine, n in rows:
        entry = links.setdefault(link_id, {"url": url, "position": position, "human": 0, "machine": 0})
        if machine is not None and n:
            entry["machine" if machine else "human"] += n
    return list(links.values())


# Events the summary has counted: classified human or machine when the figures were last brought up to date.
_COUNTED = TrackingEvent.reason != ""


def activity(campaign_id: int, per: str = "hour") -> list[dict]:
    """Human opens and clicks per hour (or per minute) since the send began, as the summary counts them."""
    rows = db.session.execute(
        select(TrackingEvent.occurred_at, TrackingEvent.kind).where(
            TrackingEvent.campaign_id == campaign_id,
            TrackingEvent.kind.in_(("open", "click")),
            ~TrackingEvent.is_machine,
            _COUNTED,
        )
    ).all()
    buckets: dict[datetime, dict] = defaultdict(lambda: {"open": 0, "click": 0})
    for at, kind in rows:
        start = (
            at.replace(second=0, microsecond=0) if per == "minute" else at.replace(minute=0, second=0, microsecond=0)
        )
        buckets[start][kind] += 1
    return [{"hour": start, **counts} for start, counts in sorted(buckets.items())]


def report_activity(campaign_id: int) -> tuple[list[dict], dict]:
    """The hourly table and the chart, whose buckets follow the span of the data: minutes, hours or days."""
    hourly = activity(campaign_id)
    if hourly and hourly[-1]["hour"] - hourly[0]["hour"] <= timedelta(hours=1):
        return hourly, activity_chart(activity(campaign_id, per="minute"), unit="minute")
    return hourly, activity_chart(hourly)


def activity_chart(points: list[dict], width: int = 640, height: int = 180, unit: str | None = None) -> dict:
    """Geometry for the activity chart: every hour from the first to the last (every day past three days;
    every minute, or five, when `unit` is "minute" and the points are per minute).

    Buckets without activity are drawn as gaps, so the shape of the chart is true to time.
    """
    if not points:
        return {"bars": [], "width": width, "height": height, "peak": 0}
    first, last = points[0]["hour"], points[-1]["hour"]
    if unit == "minute":
        unit = "minute" if last - first <= timedelta(minutes=30) else "5 minutes"
        step = timedelta(minutes=1 if unit == "minute" else 5)
    else:
        unit = "day" if (last - first) > timedelta(days=3) else "hour"
        step = timedelta(days=1) if unit == "day" else timedelta(hours=1)

    def slot(at):
        if unit == "day":
            return at.replace(hour=0)
        if unit == "5 minutes":
            return at.replace(minute=at.minute - at.minute % 5)
        return at

    label_format = {"day": "%-d %b", "hour": "%-d %b %H:00"}.get(unit, "%-d %b %H:%M")

    totals: dict[datetime, list[int]] = {}
    at = slot(first)
    while at <= slot(last):
        totals[at] = [0, 0]
        at += step
    for point in points:
        entry = totals[slot(point["hour"])]
        entry[0] += point["open"]
        entry[1] += point["click"]
    peak = max(max(v[0], v[1]) for v in totals.values()) or 1
    slot_width = width / len(totals)
    bars = []
    for i, (at, (opens, clicks)) in enumerate(totals.items()):
        x = i * slot_width
        open_h = round(opens / peak * height, 1)
        click_h = round(clicks / peak * height, 1)
        bars.append(
            {
                "at": at,
                "label": in_uk(at).strftime(label_format),
                "open": opens,
                "click": clicks,
                "x": round(x, 1),
                "w": round(max(slot_width * 0.8, 1), 1),
                "open_y": round(height - open_h, 1),
                "open_h": open_h,
                "click_x": round(x + slot_width * 0.2, 1),
                "click_w": round(max(slot_width * 0.4, 1), 1),
                "click_y": round(height - click_h, 1),
                "click_h": click_h,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "peak": peak,
        "unit": unit,
        # Axes: a count scale up the left (0, half and the peak) and the first, middle and last times along the foot.
        "y_ticks": [{"value": v, "y": round(height - v / peak * height, 1)} for v in sorted({0, peak // 2, peak})],
        "x_ticks": [
            {"label": bars[i]["label"], "x": round(bars[i]["x"] + slot_width * 0.4, 1)}
            for i in sorted({0, len(bars) // 2, len(bars) - 1})
        ],
    }


def trends(limit: int = 12) -> list[dict]:
    """The latest sent campaigns' rates side by side, oldest first."""
    rows = db.session.execute(
        select(Campaign, CampaignStats)
        .join(CampaignStats, CampaignStats.campaign_id == Campaign.id)
        .where(Campaign.status == "sent")
        .order_by(Campaign.finished_at.desc())
        .limit(limit)
    ).all()
    return [
        {
            "campaign": c,
            "recipients": s.recipients,
            "open_rate": rate(s.human_opens, s.delivered),
            "click_rate": rate(s.human_clicks, s.delivered),
        }
        for c, s in reversed(rows)
    ]
