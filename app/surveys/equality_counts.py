"""What disclosure control counts about survey respondents: record keys, ages, characteristics, an answer.

Registered as the "response" source of app/statistics/disclosure.py, which alone runs it and
counts the rows; no survey module reads respondents' equality answers to count them.

One row per complete response. Equality answers given in the survey come first; for an
identified response without one, the member's own answer is used. An anonymous response has
no member, so only what was given in the survey is known.
"""

from sqlalchemy import String, case, cast, func, select

from app.members.models import EqualityAnswers, Member
from app.organisations.models import PCN, Practice
from app.representation.models import PostcodeArea
from app.statistics import disclosure
from app.surveys.models import Answer, Response, ResponseEquality

EQUALITY_FIELDS = (
    "ethnic_group",
    "ethnic_background",
    "sex",
    "gender_identity_same",
    "sexual_orientation",
    "disability",
    "religion",
)

# The two disability questions are read together, from whichever answers gave the first.
PAIRED = {"disability_impact": "disability"}


def response_rows(survey_id: int, question_id: int | None = None):
    """(statement, names) for the complete responses to a survey.

    Columns: record_key; date_of_birth (the member's, as ISO text, unless the survey asked for an
    age band); age_band (given in the survey, else the member's); completed_at; the equality
    answers; pcn; imd_decile; channel; and, when `question_id` is given, "answer": that
    question's answer as JSON text.
    """
    reported = func.nullif(ResponseEquality.age_band, "")
    columns = [
        # An identified response counts with its member's key, so the same people give the same
        # published figure in a survey's tables as in the audit and a bulletin's readership:
        # asking the same group in several places gives nothing to average out.
        func.coalesce(Member.record_key, Response.record_key),
        case((reported.is_(None), cast(Member.date_of_birth, String)), else_=None),
        func.coalesce(reported, Member.age_band),
        Response.completed_at,
        *(
            func.coalesce(func.nullif(getattr(ResponseEquality, f), ""), getattr(EqualityAnswers, f))
            for f in EQUALITY_FIELDS
        ),
        *(
            case(
                (func.nullif(getattr(ResponseEquality, first), "").is_not(None), getattr(ResponseEquality, second)),
                else_=getattr(EqualityAnswers, second),
            )
            for second, first in PAIRED.items()
        ),
        PCN.name,
        PostcodeArea.imd_decile,
        Response.channel,
    ]
    names = [
        "record_key",
        "date_of_birth",
        "age_band",
        "completed_at",
        *EQUALITY_FIELDS,
        *PAIRED,
        "pcn",
        "imd_decile",
        "channel",
    ]
    query = (
        select(*columns)
        .outerjoin(ResponseEquality, ResponseEquality.response_id == Response.id)
        .outerjoin(Member, Member.id == Response.member_id)
        .outerjoin(EqualityAnswers, EqualityAnswers.member_id == Member.id)
        .outerjoin(Practice, Practice.id == Member.practice_id)
        .outerjoin(PCN, PCN.id == Practice.pcn_id)
        .outerjoin(PostcodeArea, PostcodeArea.postcode == Member.search_postcode)
        .where(Response.survey_id == survey_id, Response.completed_at.is_not(None))
    )
    if question_id is not None:
        query = query.add_columns(cast(Answer.value, String)).outerjoin(
            Answer, (Answer.response_id == Response.id) & (Answer.question_id == question_id)
        )
        names.append("answer")
    return query, names


disclosure.register_source("response", response_rows)
