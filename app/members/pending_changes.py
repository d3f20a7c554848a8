"""A second sign-up with an address already known: what the person chose waits for the inbox.

Whoever signs up again with a known address (pending, active, unsubscribed or lapsed) never
loses what they chose: their topics and equality answers are kept here, and applied only when
someone confirms from the email sent to that address, whose link names the change. Anyone
can type an address, so until then nothing about the member changes, and the page after
Submit is the same as for a new address. A change not confirmed within KEEP_FOR is never
applied, and is deleted by the daily tidy-up.
"""

import logging
from datetime import timedelta

from app import clock
from app.errors import InvalidRequest
from app.extensions import db
from app.members import equality
from app.members import services as members
from app.members.models import Member, MemberEvent, PendingSignUpChange, Topic
from app.personal_data import Holder, register
from app.transactions import transactional

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(days=7)


@transactional
def sign_up(
    data: members.MemberInput,
    purposes,
    equality_answers: dict | None = None,
    method: str = "web_form",
    signup_event_id: int | None = None,
) -> members.SignUpResult:
    """members.sign_up, and for an address already known, the topics and answers kept for confirmation."""
    result = members.record_sign_up(data, purposes, equality_answers, method, signup_event_id)
    if not result.created and result.member.status != "erased" and (data.topics or equality_answers):
        change = PendingSignUpChange(
            member_id=result.member.id,
            topics=[t.slug for t in members.topics_by_slug(data.topics or [])],
            equality_answers=_kept_answers(equality_answers),
            created_at=clock.now(),
            expires_at=clock.now() + KEEP_FOR,
        )
        db.session.add(change)
        db.session.flush()
        result.pending_change_id = change.id
    return result


def _kept_answers(answers: dict | None) -> dict | None:
    if not answers:
        return None
    names = (*equality.QUESTIONS, *equality.FREE_TEXT_FIELDS)
    kept = {name: answers.get(name) or "" for name in names}
    return kept if any(kept.values()) else None


def waiting(change_id: int | None, member: Member) -> PendingSignUpChange | None:
    """The change a confirm link names, if it is this member's, not applied yet and not expired."""
    if type(change_id) is not int:
        return None
    change = db.session.get(PendingSignUpChange, change_id)
    if change is None or change.member_id != member.id or change.applied_at is not None:
        return None
    return change if clock.now() < change.expires_at else None


def confirm(member_id: int, rejoin_purposes, method: str, change_id: int | None) -> Member | None:
    """Confirm the address (members.confirm_email), then apply the change the link names, if it still may be."""
    member = members.confirm_email(member_id, rejoin_purposes, method)
    if member is not None and member.status == "active":
        _apply(member, change_id)
    return member


@transactional
def _apply(member: Member, change_id: int | None) -> None:
    change = waiting(change_id, member)
    if change is None:
        return
    change.applied_at = clock.now()
    topics = list(db.session.scalars(db.select(Topic).where(Topic.slug.in_(change.topics or []), Topic.active)))
    if topics and {t.id for t in topics} != {t.id for t in member.topics}:
        member.topics = topics
        db.session.add(MemberEvent(member_id=member.id, kind="edited", detail="Changed by the member: topics"))
    if change.equality_answers:
        try:
            members.save_equality_answers(member, change.equality_answers)
        except InvalidRequest:
            # The questions changed since: nothing half-way, the rest of the change stands.
            log.info("equality answers waiting for member %s no longer fit the questions", member.id)
    log.info("applied a second sign-up's choices for member %s", member.id)


@transactional
def delete_expired() -> int:
    """Delete changes that were applied, or that waited longer than KEEP_FOR; how many went."""
    result = db.session.execute(
        db.delete(PendingSignUpChange).where(
            (PendingSignUpChange.applied_at.is_not(None)) | (PendingSignUpChange.expires_at <= clock.now())
        )
    )
    return result.rowcount or 0


def _export(member: Member) -> dict:
    changes = db.session.scalars(
        db.select(PendingSignUpChange).where(
            PendingSignUpChange.member_id == member.id, PendingSignUpChange.applied_at.is_(None)
        )
    )
    return {
        "sign_up_choices_waiting": [
            {
                "topics": change.topics,
                "equality_answers": change.equality_answers,
                "made": change.created_at.isoformat(),
                "expires": change.expires_at.isoformat(),
            }
            for change in changes
        ]
    }


def _erase(member: Member) -> None:
    db.session.execute(db.delete(PendingSignUpChange).where(PendingSignUpChange.member_id == member.id))


register(
    Holder(
        name="pending_signup_changes",
        label="Choices from signing up again that wait for you to confirm them",
        covers={"pending_signup_change": ("member_id", "topics", "equality_answers")},
        sections=("sign_up_choices_waiting",),
        export=_export,
        erase=_erase,
        after=("members",),
    )
)
