"""Factories for survey tests: real rows, written directly so each part can be tested on its own."""

import secrets
from datetime import timedelta

from app.clock import now
from app.extensions import db
from app.surveys.models import Question, Survey, SurveyPage
from app.surveys.questions import default_options

TRANSPORT = [{"code": "bus", "label": "Bus"}, {"code": "car", "label": "Car"}, {"code": "walk", "label": "Walk"}]


def create_survey(title="Travelling to your GP", mode="open", status="open", pages=None, **fields):
    """A survey with pages of questions: pages=[[{"kind": "single", "text": ..., ...}, ...], ...].

    Without pages it gets one page with a required single choice and an optional long text.
    """
    survey = Survey(
        title=title,
        slug=secrets.token_urlsafe(9),
        mode=mode,
        status=status,
        introduction=fields.pop("introduction", "Tell us how you get to your GP practice."),
        opens_at=fields.pop("opens_at", now() - timedelta(days=1)),
        closes_at=fields.pop("closes_at", now() + timedelta(days=30)),
        published_at=now() if status != "draft" else None,
        **fields,
    )
    db.session.add(survey)
    db.session.flush()
    if pages is None:
        pages = [
            [
                {"kind": "single", "text": "How do you usually travel?", "options": TRANSPORT, "required": True},
                {"kind": "long_text", "text": "What would make it easier?"},
            ]
        ]
    for page_position, questions in enumerate(pages, start=1):
        page = SurveyPage(survey_id=survey.id, position=page_position, title=f"Page {page_position}")
        db.session.add(page)
        db.session.flush()
        for position, spec in enumerate(questions, start=1):
            spec = dict(spec)
            kind = spec.pop("kind")
            db.session.add(
                Question(
                    survey_id=survey.id,
                    page_id=page.id,
                    position=position,
                    kind=kind,
                    text=spec.pop("text", f"Question {position}"),
                    options=spec.pop("options", None) or default_options(kind),
                    **spec,
                )
            )
    db.session.commit()
    db.session.refresh(survey)
    return survey


def questions_of(survey):
    return [q for page in survey.pages for q in page.questions]
