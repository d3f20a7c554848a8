"""Factories for survey analysis tests: responses, answers and equality answers written directly."""

from datetime import timedelta

from app.clock import now
from app.extensions import db
from app.surveys.models import Answer, Follower, Invitation, Response, ResponseEquality


def create_response(
    survey,
    answers=None,
    equality=None,
    member=None,
    channel="online",
    completed=True,
    completed_at=None,
    invited=False,
    record_key=None,
):
    """A response with answers {question_id: value}; anonymous surveys never get a member or invitation.

    `record_key` fixes disclosure control's random key, so a test's protected figures are the same every run.
    """
    when = completed_at or now()
    invitation = None
    if member is not None and invited and not survey.anonymous:
        invitation = Invitation(survey_id=survey.id, member_id=member.id)
        db.session.add(invitation)
        db.session.flush()
    response = Response(
        survey_id=survey.id,
        member_id=None if survey.anonymous or member is None else member.id,
        invitation_id=invitation.id if invitation else None,
        channel=channel,
        consented=True,
        started_at=when - timedelta(minutes=5),
        completed_at=when if completed else None,
    )
    if record_key is not None:
        response.record_key = record_key
    db.session.add(response)
    db.session.flush()
    for question_id, value in (answers or {}).items():
        db.session.add(Answer(response_id=response.id, question_id=question_id, value=value))
    if equality:
        db.session.add(ResponseEquality(response_id=response.id, **equality))
    db.session.commit()
    return response


def create_responses(survey, count, **kwargs):
    return [create_response(survey, **kwargs) for _ in range(count)]


def invite(survey, member):
    invitation = Invitation(survey_id=survey.id, member_id=member.id)
    db.session.add(invitation)
    db.session.commit()
    return invitation


def follow(survey, member):
    db.session.add(Follower(survey_id=survey.id, member_id=member.id))
    db.session.commit()
