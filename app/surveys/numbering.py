"""One numbering of a survey's responses, shared by the staff pages and the exports.

A response's number is its place among the survey's responses in the order they were
started: 1, 2, 3... Responses are never deleted one by one (a paper response that takes
the place of an unfinished online one keeps its row), so a number, once given, stays.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.surveys.models import Response


def response_numbers(survey_id: int, response_ids=None) -> dict[int, int]:
    """{response id: its number within the survey}, for the ids given or for every response."""
    numbered = (
        select(Response.id, func.row_number().over(order_by=Response.id).label("number"))
        .where(Response.survey_id == survey_id)
        .subquery()
    )
    query = select(numbered.c.id, numbered.c.number)
    if response_ids is not None:
        wanted = list(response_ids)
        if not wanted:
            return {}
        query = query.where(numbered.c.id.in_(wanted))
    return {response_id: number for response_id, number in db.session.execute(query)}
