"""The retention policy: lapse members with no activity, erase those lapsed long enough.

Erasing runs every registered holder of personal data (app/members/erasure.py), so a member
erased here loses their event places, say, as one erased on request does.
"""

from datetime import date, datetime

from app.clock import today
from app.extensions import db
from app.members.erasure import erase_member
from app.members.models import Member, MemberEvent
from app.members.services import get_member
from app.transactions import transactional


def retention_due(on: date | None = None) -> dict[str, list[int]]:
    """Ids the retention policy would lapse and erase on `on`; reads only, changes nothing."""
    from app.settings.services import get_setting

    on = on or today()
    lapse_months = int(get_setting("retention_lapse_months") or 0)
    erase_months = int(get_setting("retention_erase_months") or 0)
    due: dict[str, list[int]] = {"lapse": [], "erase": []}
    if lapse_months > 0:
        cutoff = _months_before(on, lapse_months)
        due["lapse"] = list(
            db.session.scalars(
                db.select(Member.id)
                .where(Member.status.in_(("active", "pending", "unsubscribed")), Member.last_activity_at < cutoff)
                .order_by(Member.id)
            )
        )
    if erase_months > 0:
        cutoff = _months_before(on, erase_months)
        due["erase"] = list(
            db.session.scalars(
                db.select(Member.id)
                .where(Member.status == "lapsed", Member.status_changed_at < cutoff)
                .order_by(Member.id)
            )
        )
    return due


def apply_retention(on: date | None = None) -> dict[str, int]:
    """Lapse members inactive for the lapse period; erase those lapsed for the erase period."""
    due = retention_due(on)
    # Erasures are chosen before lapsing so that a member lapsed today waits the full erase period.
    for member_id in due["lapse"]:
        _lapse(member_id)
    for member_id in due["erase"]:
        erase_member(get_member(member_id), "retention")
    return {"lapsed": len(due["lapse"]), "erased": len(due["erase"])}


@transactional
def _lapse(member_id: int) -> None:
    member = get_member(member_id)
    member.set_status("lapsed")
    db.session.add(MemberEvent(member=member, kind="lapsed", detail="Lapsed after a long time with no activity"))


def _months_before(on: date, months: int):
    year, month = on.year, on.month - months
    while month <= 0:
        month += 12
        year -= 1
    day = min(on.day, 28)
    return datetime(year, month, day)
