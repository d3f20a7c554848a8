"""Factories for builder tests: surveys built through the builder's own services, and answers written directly."""

import itertools

from app.extensions import db
from app.surveys import builder, services
from app.surveys.models import Answer, Response

_seq = itertools.count(1)


def create_draft(title: str = "Travelling to your GP", **settings):
    """A draft survey with one empty page, made through the service."""
    return services.create_survey(services.SurveyInput(title=title, **settings))


def add(page, kind: str, text: str | None = None, **fields):
    """A question added through the builder; options and rows may be given one per line or as a list."""
    data = {"kind": kind, "text": text or f"Question {next(_seq)}", **fields}
    return builder.add_question(page, data)


def first_page(survey):
    return builder.pages_of(survey)[0]


def answer(question, value, survey_id: int | None = None):
    """A completed response that gave `value` to `question`."""
    from app.clock import now

    response = Response(survey_id=survey_id or question.survey_id, completed_at=now())
    db.session.add(response)
    db.session.flush()
    db.session.add(Answer(response_id=response.id, question_id=question.id, value=value))
    db.session.commit()
    return response
