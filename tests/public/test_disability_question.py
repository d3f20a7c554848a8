"""The second disability question (does the condition limit day-to-day activities) wherever equality is asked."""

from app.extensions import db
from app.members import links
from app.members import services as members
from app.members.models import EqualityAnswers
from app.surveys.models import ResponseEquality
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.public.helpers import equality_form, page_text, signup_form, submit_answers
from tests.surveys.answer_factories import post, responses_of
from tests.surveys.factories import create_survey, questions_of

QUESTION = "Does your condition or illness reduce your ability to carry out day-to-day activities?"


def test_sign_up_asks_both_disability_questions_and_keeps_the_second_after_yes(client):
    client.post("/get-involved", data=signup_form(client))
    page = page_text(client.get("/get-involved/about-you"))
    assert QUESTION in page and "Yes, a little" in page and "Not at all" in page
    assert 'id="disability_impact-hint"' in page
    client.post(
        "/get-involved/about-you",
        data=equality_form(client, disability="yes", disability_impact="a_little", equality_consent="yes"),
    )
    submit_answers(client)
    member = members.find_by_email("priya.shah@example.org")
    assert db.session.get(EqualityAnswers, member.id).disability_impact == "a_little"


def test_the_second_question_is_dropped_when_there_is_no_condition(client):
    member = create_member("m@example.org")
    path = links.preferences_url(member).replace("http://localhost", "")
    token = csrf_token(client.get(path).get_data(as_text=True))
    assert QUESTION in page_text(client.get(path + "/equality"))
    client.post(
        path + "/equality",
        data={"csrf_token": token, "disability": "no", "disability_impact": "a_lot", "equality_consent": "yes"},
    )
    answers = db.session.get(EqualityAnswers, member.id)
    assert answers.disability == "no" and answers.disability_impact is None
    client.post(
        path + "/equality",
        data={"csrf_token": token, "disability": "yes", "disability_impact": "a_lot", "equality_consent": "yes"},
    )
    db.session.expire_all()
    assert db.session.get(EqualityAnswers, member.id).disability_impact == "a_lot"


def test_a_made_up_answer_to_the_second_question_is_refused(client):
    member = create_member("m@example.org")
    path = links.preferences_url(member).replace("http://localhost", "")
    token = csrf_token(client.get(path).get_data(as_text=True))
    bad = client.post(
        path + "/equality",
        data={"csrf_token": token, "disability": "yes", "disability_impact": "sometimes", "equality_consent": "yes"},
    )
    assert bad.status_code == 400 and "Choose an answer from the list" in page_text(bad)
    assert db.session.get(EqualityAnswers, member.id) is None


def test_staff_entering_a_paper_survey_response_record_the_second_question(app, client):
    survey = create_survey(include_equality=True)
    question, _ = questions_of(survey)
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/surveys/{survey.id}/responses/new").get_data(as_text=True)
    assert QUESTION in page
    reply = post(
        client,
        f"/staff/surveys/{survey.id}/responses/new",
        {
            "channel": "paper",
            f"q{question.id}": "bus",
            "disability": "yes",
            "disability_impact": "not_at_all",
            "equality_consent": "yes",
        },
    )
    assert reply.status_code == 302
    [response] = responses_of(survey)
    assert db.session.get(ResponseEquality, response.id).disability_impact == "not_at_all"
