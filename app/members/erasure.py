"""Erasure: every holder of a member's personal data removes its part, in one transaction.

The holders are those registered with app/personal_data.py (the member record, groups and
event places, ...). What is built on the member record is erased first, while it can still
find the person as they were, and the record itself last. What a holder must tell others
(a place passed on from a waiting list) is told once the erasure is saved, so a refused
email never undoes it.
"""

import logging

from app import clock
from app.audit import services as audit
from app.extensions import db
from app.members.models import ErasureRecord, Member, MemberEvent
from app.personal_data import holders
from app.transactions import transactional

log = logging.getLogger(__name__)


def erase_member(member: Member, reason: str, staff_user_id: int | None = None) -> str:
    """Remove every piece of personal data, keeping an anonymous row so counts still add up.

    Whoever must be told is told once the erasure is saved (a place at an event still to come,
    passed to the first person waiting, say); a refused email never undoes it. Returns sentences
    for staff on what was told, "" if nothing."""
    to_tell = _erase_member(member, reason, staff_user_id)
    return "".join(holder.tell(outcome) for holder, outcome in to_tell)


@transactional
def _erase_member(member: Member, reason: str, staff_user_id: int | None) -> list:
    if member.status == "erased":
        return []
    to_tell = []
    for holder in reversed(holders()):
        if holder.erase is None:
            continue
        outcome = holder.erase(member)
        if holder.tell is not None:
            to_tell.append((holder, outcome))
    member.set_status("erased")
    member.erased_at = clock.now()
    db.session.add(ErasureRecord(reason=reason))
    db.session.add(MemberEvent(member_id=member.id, kind="erased", detail=f"Personal data erased ({reason})"))
    audit.record("erase", "member", member.id, f"reason: {reason}")
    log.info("member %s erased (%s)", member.id, reason)
    return to_tell
