"""A subject line test: two subjects each go to a sample of the audience, and after a set time
the one more people opened (or clicked) goes to everyone else.

At freeze every recipient gets a delivery, as in any send (app/newsletters/sending.py): the two
samples are queued with their variant, "a" or "b", and the rest are `held`. When the wait is over
(the sweeper, or the sender pressing "Pick the winner now") one conditional UPDATE moves the
campaign's test from undecided to decided, so the winner is chosen once; the held rows then take
the winner's variant and go through the ordinary queue, so each is sent exactly once.
A batch holds one variant only, and sends that variant's subject.
"""

import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from app.clock import now
from app.extensions import db
from app.newsletters import rendering
from app.newsletters.models import Campaign, Delivery

METRICS = {"opens": "Human opens", "clicks": "Human clicks"}
MAX_PERCENT = 45  # each variant's share of the audience; the rest receive the winner
MAX_WAIT_HOURS = 72


def _whole(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def clean(data: dict, subject_problems) -> tuple[dict, dict[str, str]]:
    """The test's fields as stored, and a message for each field that cannot be.

    No second subject means no test. `subject_problems(text)` names what is wrong with a subject.
    """
    subject_b = " ".join(str(data.get("subject_b") or "").split()) if data.get("subject_b") else ""
    if not subject_b:
        return {"subject_b": "", "test_percent": None, "test_metric": None, "test_wait_hours": None}, {}
    errors = {}
    problem = subject_problems(subject_b)
    if problem:
        errors["subject_b"] = problem
    elif subject_b == " ".join(str(data.get("subject") or "").split()):
        errors["subject_b"] = "Subject B must differ from the subject, or leave it blank for no test"
    percent = _whole(data.get("test_percent") if data.get("test_percent") not in (None, "") else 10)
    if percent is None or not 1 <= percent <= MAX_PERCENT:
        errors["test_percent"] = f"Enter a whole number of per cent from 1 to {MAX_PERCENT} for each subject's sample"
    metric = data.get("test_metric") or "opens"
    if metric not in METRICS:
        errors["test_metric"] = "Choose how to pick the winner: by human opens or by human clicks"
    hours = _whole(data.get("test_wait_hours") if data.get("test_wait_hours") not in (None, "") else 4)
    if hours is None or not 1 <= hours <= MAX_WAIT_HOURS:
        errors["test_wait_hours"] = f"Enter a whole number of hours from 1 to {MAX_WAIT_HOURS} to wait for the result"
    values = {"subject_b": subject_b, "test_percent": percent, "test_metric": metric, "test_wait_hours": hours}
    return values, errors


def sample_size(total: int, percent: int) -> int:
    """Recipients per subject: at least one each, and never more than half the audience."""
    return max(1, min(total // 2, round(total * percent / 100)))


def split(campaign: Campaign, total: int) -> None:
    """Hold every frozen delivery, then queue two random samples, one per subject."""
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign.id)))
    secrets.SystemRandom().shuffle(ids)
    size = sample_size(total, campaign.test_percent or 10)
    for variant, chosen in (("a", ids[:size]), ("b", ids[size : 2 * size])):
        for start in range(0, len(chosen), 1000):
            db.session.execute(
                update(Delivery)
                .where(Delivery.id.in_(chosen[start : start + 1000]))
                .values(variant=variant, status="queued")
            )
    held = ids[2 * size :]
    for start in range(0, len(held), 1000):
        db.session.execute(update(Delivery).where(Delivery.id.in_(held[start : start + 1000])).values(status="held"))
    campaign.test_decide_at = now() + timedelta(hours=campaign.test_wait_hours or 4)


def subject_of(campaign: Campaign, variant: str | None) -> str:
    return campaign.subject_b if variant == "b" and campaign.subject_b else campaign.subject


def results(campaign_id: int) -> dict[str, dict[str, int]]:
    """Per subject: how many it was sent to, and how many people opened or clicked (human only)."""
    rows = db.session.execute(
        select(
            Delivery.variant,
            func.count().filter(Delivery.status == "sent"),
            func.count(Delivery.first_open_at),
            func.count(Delivery.first_click_at),
        )
        .where(Delivery.campaign_id == campaign_id, Delivery.variant.in_(("a", "b")))
        .group_by(Delivery.variant)
    ).all()
    found = {variant: {"sent": sent, "opens": opens, "clicks": clicks} for variant, sent, opens, clicks in rows}
    return {v: found.get(v, {"sent": 0, "opens": 0, "clicks": 0}) for v in ("a", "b")}


def _winner(campaign: Campaign, figures: dict) -> str:
    """The subject with the higher rate of the chosen measure; a tie goes to the first subject."""
    metric = campaign.test_metric or "opens"

    def rate(v):
        return figures[v][metric] / figures[v]["sent"] if figures[v]["sent"] else 0.0

    return "b" if rate("b") > rate("a") else "a"


def decide(campaign_id: int) -> str | None:
    """Pick the winner once and queue the held deliveries with its subject; None if already decided.
    The caller enqueues the queued rows (controls.pick_winner)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or not campaign.subject_b or campaign.test_winner:
        return None
    winner = _winner(campaign, results(campaign_id))
    moved = db.session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.test_winner.is_(None))
        .values(test_winner=winner, test_decided_at=now())
    ).rowcount
    if moved != 1:
        db.session.rollback()
        return None
    db.session.execute(
        update(Delivery)
        .where(Delivery.campaign_id == campaign_id, Delivery.status == "held")
        .values(status="queued", variant=winner)
    )
    db.session.commit()
    return winner


def due() -> list[int]:
    """Campaigns whose test's wait is over and whose winner is not yet picked."""
    return db.session.scalars(
        select(Campaign.id).where(
            Campaign.test_winner.is_(None),
            Campaign.test_decide_at.is_not(None),
            Campaign.test_decide_at <= now(),
            Campaign.status == "sending",
        )
    ).all()


def merge_field_problems(text: str) -> str:
    return rendering.unknown_merge_fields_message(text, "subject B")
