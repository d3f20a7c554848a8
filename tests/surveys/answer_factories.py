"""Helpers for answering tests: surveys with every kind of question, and a respondent's browser."""

from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.surveys.models import Answer, Response
from tests.factories import csrf_token
from tests.surveys.factories import TRANSPORT, create_survey, questions_of

GRID_ROWS = [{"code": "booking", "label": "Booking is easy"}, {"code": "staff", "label": "Staff are kind"}]


def create_every_kind_survey(**fields):
    """One page per kind of question, every one required: answering it walks every form field."""
    pages = [
        [{"kind": "single", "text": "How do you usually travel?", "options": TRANSPORT, "required": True}],
        [{"kind": "multiple", "text": "Which have you used?", "options": TRANSPORT, "required": True}],
        [{"kind": "short_text", "text": "Your practice name", "required": True}],
        [{"kind": "long_text", "text": "Tell us more", "required": True}],
        [{"kind": "likert", "text": "Parking is easy", "required": True}],
        [{"kind": "rating", "text": "Rate your journey", "required": True}],
        [{"kind": "yes_no", "text": "Do you drive?", "required": True}],
        [{"kind": "number", "text": "How many minutes?", "required": True, "settings": {"min": 0, "max": 300}}],
        [{"kind": "date", "text": "When did you last visit?", "required": True}],
        [{"kind": "ranking", "text": "Put these in order", "options": TRANSPORT, "required": True}],
        [{"kind": "matrix", "text": "How do you feel?", "rows": GRID_ROWS, "required": True}],
    ]
    return create_survey(pages=pages, **fields)


def skip_logic_survey(**fields):
    """Page 1: do you drive? Page 2 (drivers only): parking. Page 3: for everyone."""
    survey = create_survey(
        pages=[
            [{"kind": "yes_no", "text": "Do you drive?", "required": True}],
            [{"kind": "likert", "text": "Parking is easy", "required": True}],
            [{"kind": "long_text", "text": "Anything else?"}],
        ],
        **fields,
    )
    drive, parking, _ = questions_of(survey)
    survey.pages[1].show_if = {"question_id": drive.id, "op": "equals", "values": ["yes"]}
    db.session.commit()
    return survey


def token_for(client) -> str:
    """The CSRF token of this client's session (any page's token serves the whole session)."""
    if not getattr(client, "_survey_csrf", None):
        client._survey_csrf = csrf_token(client.get("/get-involved").get_data(as_text=True))
    return client._survey_csrf


def post(client, path, data=None, **kwargs):
    """POST a form as a browser would, with the session's CSRF token."""
    if isinstance(data, list):
        return client.post(path, data=MultiDict([("csrf_token", token_for(client)), *data]), **kwargs)
    return client.post(path, data={"csrf_token": token_for(client), **(data or {})}, **kwargs)


def start(client, survey, data=None):
    response = post(client, f"/surveys/{survey.slug}", {"action": "start", **(data or {})})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"]


def responses_of(survey):
    db.session.expire_all()
    return list(db.session.scalars(db.select(Response).where(Response.survey_id == survey.id)))


def stored_answers(response):
    rows = db.session.scalars(db.select(Answer).where(Answer.response_id == response.id))
    return {a.question_id: a.value for a in rows}
