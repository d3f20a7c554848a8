"""A survey's pages and questions, read in one query and kept on the survey for the rest of the request.

The public pages walk the whole survey on every request (which pages are shown, the
progress, skip logic that looks at questions on other pages). Left to the relationships,
that is a query for the pages, one for each page's questions and one for the survey's
questions; `by_slug` reads the survey with all three in a single query instead (and `load`
fills them for a survey already read), in the same order the relationships give. The objects live in the request's session, so every later use in the
request (the service that saves a page finds the survey in the session) reads them from memory.
"""

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.surveys.models import Question, Response, Survey, SurveyPage

_ORDER = (SurveyPage.position, SurveyPage.id, Question.position, Question.id)


def by_slug(slug: str) -> Survey | None:
    """The survey at this public address with its pages and questions, all in one query."""
    rows = db.session.execute(
        select(Survey, SurveyPage, Question)
        .outerjoin(SurveyPage, SurveyPage.survey_id == Survey.id)
        .outerjoin(Question, Question.page_id == SurveyPage.id)
        .where(Survey.slug == slug)
        .order_by(*_ORDER)
    ).all()
    if not rows:
        return None
    survey = rows[0][0]
    _fill(survey, [(page, question) for _, page, question in rows if page is not None])
    return survey


def load(survey: Survey) -> Survey:
    """The survey with `pages`, each page's `questions` and `questions` loaded, unless they already are."""
    unloaded = inspect(survey).unloaded
    if "pages" not in unloaded and "questions" not in unloaded:
        return survey
    rows = db.session.execute(
        select(SurveyPage, Question)
        .outerjoin(Question, Question.page_id == SurveyPage.id)
        .where(SurveyPage.survey_id == survey.id)
        .order_by(*_ORDER)
    ).all()
    _fill(survey, rows)
    return survey


def _fill(survey: Survey, rows) -> None:
    pages: list[SurveyPage] = []
    on_page: dict[int, list[Question]] = {}
    for page, question in rows:
        if page.id not in on_page:
            pages.append(page)
            on_page[page.id] = []
        if question is not None:
            on_page[page.id].append(question)
    for page in pages:
        set_committed_value(page, "questions", on_page[page.id])
    everything = sorted((q for page in pages for q in on_page[page.id]), key=lambda q: (q.position, q.id))
    set_committed_value(survey, "pages", pages)
    set_committed_value(survey, "questions", everything)


def response_with_answers(response_id: int) -> Response | None:
    """The response and its answers, in one query."""
    return db.session.get(Response, response_id, options=[joinedload(Response.answers)])
