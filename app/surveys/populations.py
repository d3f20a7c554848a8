"""A survey's identified respondents as a group the representativeness audit can compare with the population."""

from sqlalchemy import select

from app.errors import InvalidRequest
from app.extensions import db
from app.representation.audit import register_choices, register_population
from app.surveys.models import Response, Survey


def _survey_respondents(params):
    survey = db.session.get(Survey, params["survey_id"]) if params.get("survey_id") else None
    if survey is None or survey.anonymous:
        raise InvalidRequest("Choose a survey to audit.", 400, {"survey_id": "Choose a survey that is not anonymous"})
    # Anonymous surveys keep no member ids, so only identified surveys can be audited this way.
    return select(Response.member_id).where(
        Response.survey_id == survey.id, Response.completed_at.is_not(None), Response.member_id.is_not(None)
    )


def survey_choices() -> list[tuple[int, str]]:
    query = select(Survey.id, Survey.title).where(Survey.mode != "anonymous").order_by(Survey.id.desc())
    return [(i, title) for i, title in db.session.execute(query)]


register_population("survey_respondents", "Members who answered a survey", _survey_respondents)
register_choices("surveys", survey_choices)
