"""The public survey pages read a survey's pages and questions in one go, however many there are."""

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db
from tests.surveys.answer_factories import post, responses_of, start, stored_answers
from tests.surveys.factories import create_survey, questions_of


@contextmanager
def counted_statements():
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _survey(page_count):
    pages = [[{"kind": "yes_no", "text": f"Question on page {n}", "required": True}] for n in range(page_count)]
    pages[0].append({"kind": "long_text", "text": "Anything else?"})
    return create_survey(pages=pages)


def _submit_first_page(client, survey):
    first, extra = questions_of(survey)[:2]
    start(client, survey)
    refused = post(client, f"/surveys/{survey.slug}/page/1", {f"q{first.id}": ""})
    assert refused.status_code == 400  # a required answer left out: nothing stored
    url, form = f"/surveys/{survey.slug}/page/1", {f"q{first.id}": "yes", f"q{extra.id}": "Buses"}
    db.session.expire_all()  # as a new request finds them: nothing loaded yet
    with counted_statements() as statements:
        reply = post(client, url, form)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/surveys/{survey.slug}/page/2")
    [response] = responses_of(survey)
    assert stored_answers(response) == {first.id: "yes", extra.id: "Buses"}
    assert response.page_reached == 2
    return [s for s in statements if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def test_submitting_a_page_takes_as_many_statements_for_a_long_survey_as_a_short_one(app, client):
    short = _submit_first_page(client, _survey(2))
    long_ = _submit_first_page(app.test_client(), _survey(12))
    assert len(long_) == len(short)
    # The survey with its pages and questions; the response with its answers; the page reached; the new answers.
    assert len(short) <= 4, [s.split(" AS ")[0][:60] for s in short]
