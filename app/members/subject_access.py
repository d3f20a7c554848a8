"""Subject access: everything held about a member, as the member downloads it.

Group memberships, attendance, payments, event registrations and survey responses
belong to the rosters and surveys domains;
they are only read here, so that a download holds everything kept about the person.
"""

from sqlalchemy import or_
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.members import equality
from app.members.models import EqualityAnswers, Member
from app.members.vocab import (
    COMMUNICATION_NEEDS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    CONTACT_TYPES,
    HOW_HEARD,
    SELF_REPORTED_AGE_BANDS,
)
from app.rosters.models import Attendance, Registration, RosterMembership
from app.rosters.vocab import ATTENDANCE, END_REASONS, MEMBERSHIP_STATUSES, PAYMENT_KINDS, ROLES
from app.surveys.models import Question, Response, ResponseEquality, Survey
from app.surveys.questions import CHOICE_KINDS, option_label


def export_member_data(member: Member) -> dict:
    """Everything held about a member (subject access), as plain JSON-ready data."""
    answers = db.session.get(EqualityAnswers, member.id)
    return {
        "member": {
            "id": member.id,
            "email": member.email,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "phone": member.phone,
            "postcode": member.postcode,
            "date_of_birth": member.date_of_birth.isoformat() if member.date_of_birth else None,
            "age_band": SELF_REPORTED_AGE_BANDS[member.age_band][0] if member.age_band else None,
            "gp_practice": member.practice.name if member.practice else None,
            "contact_type": CONTACT_TYPES.get(member.contact_type, member.contact_type),
            "communication_needs": [COMMUNICATION_NEEDS.get(n, n) for n in member.communication_needs or []],
            "communication_language": member.communication_language,
            "how_heard": HOW_HEARD.get(member.how_heard, member.how_heard),
            "topics": [t.name for t in member.topics],
            "status": member.status,
            "joined": member.created_at.isoformat(),
            "confirmed": member.confirmed_at.isoformat() if member.confirmed_at else None,
        },
        "consents": [
            {
                "purpose": CONSENT_PURPOSES.get(c.purpose, (c.purpose,))[0],
                "given_at": c.given_at.isoformat(),
                "method": CONSENT_METHODS.get(c.method, c.method),
                "wording": c.wording,
                "wording_version": c.wording_version,
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in member.consents
        ],
        "equality_answers": (
            {name: getattr(answers, name) for name in list(equality.QUESTIONS) + list(equality.FREE_TEXT_FIELDS)}
            if answers
            else None
        ),
        "timeline": [{"at": e.at.isoformat(), "what": e.detail or e.kind} for e in member.events],
        "group_memberships": group_memberships(member),
        "attendance": attendance(member),
        "event_registrations": event_registrations(member),
        "survey_responses": survey_responses(member),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def group_memberships(member: Member) -> list[dict]:
    """Every group (roster) the person has been invited to or served on, history included."""
    rows = db.session.scalars(
        db.select(RosterMembership)
        .options(joinedload(RosterMembership.roster))
        .where(RosterMembership.member_id == member.id)
        .order_by(RosterMembership.starts_on, RosterMembership.id)
    ).all()
    return [
        {
            "group": m.roster.name,
            "role": ROLES.get(m.role, m.role),
            "status": MEMBERSHIP_STATUSES.get(m.status, m.status),
            "starts_on": _iso(m.starts_on),
            "term_ends_on": _iso(m.term_ends_on),
            "ends_on": _iso(m.ends_on),
            "end_reason": END_REASONS.get(m.end_reason, m.end_reason) if m.end_reason else None,
        }
        for m in rows
    ]


def attendance(member: Member) -> list[dict]:
    """Meetings the person was recorded at (or sent apologies to), with any payment for each."""
    rows = db.session.scalars(
        db.select(Attendance)
        .options(joinedload(Attendance.meeting), selectinload(Attendance.payments))
        .where(Attendance.member_id == member.id)
        .order_by(Attendance.recorded_at, Attendance.id)
    ).all()
    return [
        {
            "meeting": a.meeting.title,
            "meeting_starts_at": _iso(a.meeting.starts_at),
            "recorded_as": ATTENDANCE.get(a.status, a.status),
            "payments": [
                {
                    "kind": PAYMENT_KINDS.get(p.kind, p.kind),
                    "amount": f"£{p.amount_pence / 100:.2f}",
                    "paid_on": _iso(p.paid_on),
                    "note": p.note,
                }
                for p in a.payments
            ],
        }
        for a in rows
    ]


def event_registrations(member: Member) -> list[dict]:
    """Places the person booked at public events, under their member record or their address."""
    held_by = [Registration.member_id == member.id]
    if member.email_normalised:
        held_by.append(Registration.email_normalised == member.email_normalised)
    rows = db.session.scalars(
        db.select(Registration)
        .options(joinedload(Registration.meeting))
        .where(or_(*held_by))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    return [
        {
            "id": r.id,
            "event_id": r.meeting_id,
            "event": r.meeting.title,
            "event_starts_at": _iso(r.meeting.starts_at),
            "name_given": r.name,
            "email_given": r.email,
            "access_needs": r.access_needs,
            "status": r.status,
            "registered_at": _iso(r.created_at),
            "cancelled_at": _iso(r.cancelled_at),
        }
        for r in rows
    ]


def _readable(question: Question, value):
    """An answer as the person saw it: option labels rather than codes."""
    if question.kind not in CHOICE_KINDS:
        return value
    if isinstance(value, dict):
        return {str(row): option_label(question, code) for row, code in value.items()}
    if isinstance(value, list):
        return [option_label(question, code) for code in value]
    return option_label(question, value)


def survey_responses(member: Member) -> list[dict]:
    """The person's responses to surveys that are not anonymous, with every answer they gave.

    Responses to anonymous surveys are never linked to anyone, so none can be found here."""
    responses = db.session.scalars(
        db.select(Response)
        .join(Survey, Survey.id == Response.survey_id)
        .options(selectinload(Response.answers))
        .where(Response.member_id == member.id, Survey.mode != "anonymous")
        .order_by(Response.started_at, Response.id)
    ).all()
    if not responses:
        return []
    surveys = {
        s.id: s for s in db.session.scalars(db.select(Survey).where(Survey.id.in_({r.survey_id for r in responses})))
    }
    question_ids = {a.question_id for r in responses for a in r.answers}
    questions = {q.id: q for q in db.session.scalars(db.select(Question).where(Question.id.in_(question_ids)))}
    result = []
    for response in responses:
        survey = surveys[response.survey_id]
        answers = sorted(
            response.answers, key=lambda a: (questions[a.question_id].page_id, questions[a.question_id].position)
        )
        equality_given = db.session.get(ResponseEquality, response.id)
        result.append(
            {
                "id": response.id,
                "survey_id": survey.id,
                "survey": survey.title,
                "started_at": _iso(response.started_at),
                "completed_at": _iso(response.completed_at),
                "answers": [
                    {
                        "question": questions[a.question_id].text,
                        "answer": _readable(questions[a.question_id], a.value),
                    }
                    for a in answers
                ],
                "equality_answers": (
                    {name: getattr(equality_given, name) for name in ("age_band", *equality.QUESTIONS)}
                    if equality_given
                    else None
                ),
            }
        )
    return result
