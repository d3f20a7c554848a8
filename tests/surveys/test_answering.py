"""Answering a survey through the public pages: every kind of question, skip logic, errors, check answers."""

from datetime import date, timedelta

from app.clock import now
from app.extensions import db
from app.surveys.models import Response
from tests.surveys.answer_factories import (
    create_every_kind_survey,
    post,
    responses_of,
    skip_logic_survey,
    start,
    stored_answers,
)
from tests.surveys.factories import create_survey, questions_of


def _page_url(survey, number):
    return f"/surveys/{survey.slug}/page/{number}"


def test_every_kind_of_question_is_answered_through_the_form_and_stored_as_its_value(app, client):
    survey = create_every_kind_survey()
    single, multiple, short, long_, likert, rating, yes_no, number, day, ranking, matrix = questions_of(survey)
    location = start(client, survey)
    assert location.endswith(_page_url(survey, 1))
    forms = [
        [(f"q{single.id}", "car")],
        [(f"q{multiple.id}", "walk"), (f"q{multiple.id}", "bus")],
        [(f"q{short.id}", "  High Street Surgery ")],
        [(f"q{long_.id}", "More buses\r\nplease")],
        [(f"q{likert.id}", "agree")],
        [(f"q{rating.id}", "7")],
        [(f"q{yes_no.id}", "no")],
        [(f"q{number.id}", "25")],
        [(f"q{day.id}-day", "3"), (f"q{day.id}-month", "2"), (f"q{day.id}-year", "2024")],
        [(f"q{ranking.id}-bus", "2"), (f"q{ranking.id}-car", "3"), (f"q{ranking.id}-walk", "1")],
        [(f"q{matrix.id}-booking", "disagree"), (f"q{matrix.id}-staff", "strongly_agree")],
    ]
    for number_, fields in enumerate(forms, start=1):
        page = client.get(_page_url(survey, number_))
        assert page.status_code == 200
        reply = post(client, _page_url(survey, number_), fields)
        assert reply.status_code == 302, reply.get_data(as_text=True)[:3000]
    assert reply.headers["Location"].endswith(f"/surveys/{survey.slug}/check")

    check = client.get(f"/surveys/{survey.slug}/check").get_data(as_text=True)
    assert "Check your answers" in check
    for text in ("Car", "Bus", "Walk", "High Street Surgery", "Agree", "3 February 2024", "1. Walk", "Staff are kind"):
        assert text in check
    done = post(client, f"/surveys/{survey.slug}/check")
    assert done.status_code == 302 and done.headers["Location"].endswith("/done")
    assert "Thank you for your answers" in client.get(done.headers["Location"]).get_data(as_text=True)

    [response] = responses_of(survey)
    assert response.completed_at is not None and response.channel == "online"
    assert stored_answers(response) == {
        single.id: "car",
        multiple.id: ["bus", "walk"],
        short.id: "High Street Surgery",
        long_.id: "More buses\nplease",
        likert.id: "agree",
        rating.id: "7",
        yes_no.id: "no",
        number.id: 25,
        day.id: "2024-02-03",
        ranking.id: ["walk", "bus", "car"],
        matrix.id: {"booking": "disagree", "staff": "strongly_agree"},
    }


def test_the_form_fields_follow_the_nhs_patterns(app, client):
    survey = create_every_kind_survey()
    start(client, survey)
    single = client.get(_page_url(survey, 1)).get_data(as_text=True)
    assert '<fieldset class="nhsuk-fieldset"' in single and "nhsuk-fieldset__legend" in single
    assert 'type="radio"' in single
    date_page = client.get(_page_url(survey, 9)).get_data(as_text=True)
    assert 'class="nhsuk-date-input"' in date_page and 'inputmode="numeric"' in date_page
    ranking = client.get(_page_url(survey, 10)).get_data(as_text=True)
    assert ranking.count("<select") == 3 and "Choose a number" in ranking
    matrix = client.get(_page_url(survey, 11)).get_data(as_text=True)
    # One fieldset for the question and one per row.
    assert matrix.count('<fieldset class="nhsuk-fieldset') == 3
    assert "Booking is easy</legend>" in matrix


def test_skip_logic_leaves_out_a_page_and_the_back_link_follows_the_path(app, client):
    survey = skip_logic_survey()
    drive, parking, other = questions_of(survey)
    start(client, survey)
    reply = post(client, _page_url(survey, 1), {f"q{drive.id}": "no"})
    assert reply.headers["Location"].endswith(_page_url(survey, 3))
    page3 = client.get(_page_url(survey, 3)).get_data(as_text=True)
    assert f'href="{_page_url(survey, 1)}">Back' in page3
    # Asking for the skipped page moves on past it.
    assert client.get(_page_url(survey, 2)).headers["Location"].endswith(_page_url(survey, 3))
    post(client, _page_url(survey, 3), {f"q{other.id}": ""})
    assert post(client, f"/surveys/{survey.slug}/check").status_code == 302
    [response] = responses_of(survey)
    assert response.completed_at is not None
    assert stored_answers(response) == {drive.id: "no"}


def test_changing_an_answer_removes_answers_the_skip_logic_now_hides(app, client):
    survey = skip_logic_survey()
    drive, parking, other = questions_of(survey)
    start(client, survey)
    assert (
        post(client, _page_url(survey, 1), {f"q{drive.id}": "yes"}).headers["Location"].endswith(_page_url(survey, 2))
    )
    post(client, _page_url(survey, 2), {f"q{parking.id}": "disagree"})
    [response] = responses_of(survey)
    assert stored_answers(response)[parking.id] == "disagree"

    post(client, _page_url(survey, 1), {f"q{drive.id}": "no"})
    assert stored_answers(response) == {drive.id: "no"}
    check = client.get(f"/surveys/{survey.slug}/check").get_data(as_text=True)
    assert "Parking is easy" not in check


def test_a_question_shown_by_an_answer_on_the_same_page_is_kept_only_when_it_applies(app, client):
    survey = create_survey(
        pages=[[{"kind": "yes_no", "text": "Do you drive?", "required": True}, {"kind": "short_text", "text": "Car?"}]]
    )
    drive, car = questions_of(survey)
    car.show_if = {"question_id": drive.id, "op": "equals", "values": ["yes"]}
    db.session.commit()
    start(client, survey)
    page = client.get(_page_url(survey, 1)).get_data(as_text=True)
    assert "Only if the answer to “Do you drive?” was “Yes”" in page
    post(client, _page_url(survey, 1), {f"q{drive.id}": "no", f"q{car.id}": "Mini"})
    [response] = responses_of(survey)
    assert stored_answers(response) == {drive.id: "no"}


def test_wrong_answers_get_a_message_beside_each_question_and_nothing_on_the_page_is_saved(app, client):
    survey = create_survey(
        pages=[
            [
                {"kind": "short_text", "text": "Your name for us", "required": False},
                {"kind": "single", "text": "How do you travel?", "options": [{"code": "bus", "label": "Bus"}]},
                {"kind": "number", "text": "Minutes", "required": True, "settings": {"min": 0, "max": 120}},
                {"kind": "date", "text": "Last visit", "required": True},
                {"kind": "multiple", "text": "Which?", "options": [{"code": "a", "label": "A"}], "required": True},
            ]
        ]
    )
    name, travel, minutes, visit, which = questions_of(survey)
    start(client, survey)
    reply = post(
        client,
        _page_url(survey, 1),
        {
            f"q{name.id}": "Sam",
            f"q{travel.id}": "rocket",
            f"q{minutes.id}": "500",
            f"q{visit.id}-day": "31",
            f"q{visit.id}-month": "2",
            f"q{visit.id}-year": "2024",
        },
    )
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error:" in html
    assert f'<a href="#q{travel.id}">Select one of the options shown</a>' in html
    assert f'id="q{minutes.id}-error"' in html and "Enter a number of 120 or less" in html
    assert "Date must be a real date" in html
    assert "Select at least one answer" in html
    # What was typed stays in the form.
    assert 'value="500"' in html and 'value="Sam"' in html
    [response] = responses_of(survey)
    assert stored_answers(response) == {}


def test_the_answers_cannot_be_sent_while_a_required_question_on_the_path_is_unanswered(app, client):
    survey = create_survey(
        pages=[
            [{"kind": "short_text", "text": "First"}],
            [{"kind": "short_text", "text": "Must answer", "required": True}],
        ]
    )
    start(client, survey)
    reply = post(client, f"/surveys/{survey.slug}/check")
    assert reply.status_code == 400
    assert "Answer “Must answer”" in reply.get_data(as_text=True)
    [response] = responses_of(survey)
    assert response.completed_at is None


def test_a_consent_question_must_be_agreed_before_starting(app, client):
    survey = create_survey(consent_question="I agree my answers may be used to plan services.")
    page = client.get(f"/surveys/{survey.slug}").get_data(as_text=True)
    assert "I agree my answers may be used to plan services." in page
    reply = post(client, f"/surveys/{survey.slug}", {"action": "start"})
    assert reply.status_code == 400 and "Tick the box to agree to take part" in reply.get_data(as_text=True)
    assert responses_of(survey) == []
    start(client, survey, {"consent": "yes"})
    [response] = responses_of(survey)
    assert response.consented


def test_the_honeypot_keeps_nothing(app, client):
    survey = create_survey()
    reply = post(client, f"/surveys/{survey.slug}", {"action": "start", "website": "http://spam.example"})
    assert reply.status_code == 200 and "Thank you" in reply.get_data(as_text=True)
    assert responses_of(survey) == []


def test_starting_is_rate_limited(app, client):
    app.config["SIGNUP_RATE_LIMIT"] = "2 per minute"
    survey = create_survey()
    codes = [post(client, f"/surveys/{survey.slug}", {"action": "start"}).status_code for _ in range(3)]
    assert codes[:2] == [302, 302] and codes[2] == 429


def test_closed_and_not_yet_open_surveys_are_refused_with_a_plain_page(app, client):
    closed = create_survey(status="closed")
    page = client.get(f"/surveys/{closed.slug}")
    assert page.status_code == 200 and "This survey has closed" in page.get_data(as_text=True)
    assert post(client, f"/surveys/{closed.slug}", {"action": "start"}).status_code == 200
    assert responses_of(closed) == []

    past = create_survey(closes_at=now() - timedelta(hours=1))
    assert "This survey has closed" in client.get(f"/surveys/{past.slug}").get_data(as_text=True)
    later = create_survey(opens_at=now() + timedelta(days=3))
    assert "This survey is not open yet" in client.get(f"/surveys/{later.slug}").get_data(as_text=True)
    draft = create_survey(status="draft")
    assert client.get(f"/surveys/{draft.slug}").status_code == 404
    assert client.get("/surveys/no-such-survey").status_code == 404


def test_a_survey_that_closes_part_way_takes_no_more_answers(app, client):
    survey = create_survey()
    question, _ = questions_of(survey)
    start(client, survey)
    survey.status = "closed"
    db.session.commit()
    reply = post(client, _page_url(survey, 1), {f"q{question.id}": "bus"})
    assert "This survey has closed" in reply.get_data(as_text=True)
    [response] = responses_of(survey)
    assert stored_answers(response) == {} and response.completed_at is None


def test_after_sending_the_answers_cannot_be_changed_from_the_same_browser(app, client):
    survey = create_survey()
    question, _ = questions_of(survey)
    start(client, survey)
    post(client, _page_url(survey, 1), {f"q{question.id}": "bus"})
    post(client, f"/surveys/{survey.slug}/check")
    reply = post(client, _page_url(survey, 1), {f"q{question.id}": "car"})
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/surveys/{survey.slug}")
    [response] = responses_of(survey)
    assert stored_answers(response) == {question.id: "bus"}


def test_past_only_dates_are_checked_against_today(app, client):
    survey = create_survey(
        pages=[[{"kind": "date", "text": "When?", "required": True, "settings": {"past_only": True}}]]
    )
    [question] = questions_of(survey)
    start(client, survey)
    tomorrow = date.today() + timedelta(days=2)
    reply = post(
        client,
        _page_url(survey, 1),
        {
            f"q{question.id}-day": str(tomorrow.day),
            f"q{question.id}-month": str(tomorrow.month),
            f"q{question.id}-year": str(tomorrow.year),
        },
    )
    assert reply.status_code == 400 and "Date must be today or in the past" in reply.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 1
