"""What the surveys hold about a member: their answers to surveys that are not anonymous."""

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.members import equality
from app.members.models import Member
from app.personal_data import Holder, register
from app.surveys.models import Question, Response, ResponseEquality, Survey
from app.surveys.questions import CHOICE_KINDS, option_label


def _iso(value) -> str | None:
    return value.isoformat() if value else None


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
                "language": response.language,
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


register(
    Holder(
        name="surveys",
        label="Your answers to surveys that are not anonymous",
        covers={
            "survey_invitation": ("member_id",),
            "survey_follower": ("member_id",),
            # The language the person answered in, shown with the response.
            "survey_response": ("member_id", "language"),
            "survey_answer": ("value",),
            # The age band and every equality question, as a survey asks them.
            "survey_response_equality": ("age_band", *equality.QUESTIONS),
        },
        sections=("survey_responses",),
        export=lambda member: {"survey_responses": survey_responses(member)},
        kept=(
            "Responses, their answers and any equality answers given with them stay, tied only to the"
            " anonymous record, so a survey's results still add up; so do invitations and requests to"
            " hear the outcome, which can no longer be emailed."
        ),
        after=("members",),
    )
)
