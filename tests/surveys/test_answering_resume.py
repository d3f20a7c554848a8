"""Saving and coming back by link, the equality section, and what a respondent may do at the end."""

import re

from app.extensions import db
from app.members import services as members
from app.members.models import Consent
from app.surveys import responses as answering
from app.surveys.models import Follower, ResponseEquality
from tests.surveys.answer_factories import post, responses_of, start, stored_answers
from tests.surveys.factories import create_survey, questions_of


def _two_pages(**fields):
    return create_survey(
        pages=[
            [{"kind": "yes_no", "text": "Do you drive?", "required": True}],
            [{"kind": "short_text", "text": "Where do you park?", "required": True}],
        ],
        **fields,
    )


def _resume_link(html: str) -> str:
    return re.search(r'id="resume-url">([^<]+)<', html).group(1).strip()


def test_save_and_come_back_later_by_link_on_another_device(app, client, outbox):
    survey = _two_pages()
    drive, park = questions_of(survey)
    start(client, survey)
    reply = post(client, f"/surveys/{survey.slug}/page/1", {f"q{drive.id}": "yes", "action": "save"})
    assert reply.headers["Location"].endswith(f"/surveys/{survey.slug}/save")
    saved = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Your answers have been saved" in saved
    link = _resume_link(saved)

    emailed = post(client, f"/surveys/{survey.slug}/save", {"email": "me@example.org"})
    assert "We have emailed you the link" in emailed.get_data(as_text=True)
    [message] = outbox()
    emailed_link = re.search(r"http://localhost/surveys/\S+", message["text"]).group(0)
    # Signed again for the email, so only the time stamp may differ.
    assert message["to"] == "me@example.org" and emailed_link.split(".")[0] == link.split(".")[0]

    other = app.test_client()
    arrived = other.get(emailed_link.replace("http://localhost", ""))
    assert arrived.status_code == 302 and arrived.headers["Location"].endswith(f"/surveys/{survey.slug}/page/2")
    assert "Where do you park?" in other.get(arrived.headers["Location"]).get_data(as_text=True)
    post(other, f"/surveys/{survey.slug}/page/2", {f"q{park.id}": "At the back"})
    assert post(other, f"/surveys/{survey.slug}/check").status_code == 302
    [response] = responses_of(survey)
    assert response.completed_at is not None
    assert stored_answers(response) == {drive.id: "yes", park.id: "At the back"}
    # Only a hash of the secret is kept.
    assert len(response.resume_hash) == 64 and response.resume_hash not in link

    again = app.test_client().get(link.replace("http://localhost", ""))
    assert "You have already answered this survey" in again.get_data(as_text=True)


def test_a_bad_email_address_for_the_link_gets_a_message(app, client, outbox):
    survey = _two_pages()
    start(client, survey)
    reply = post(client, f"/surveys/{survey.slug}/save", {"email": "not an address"})
    assert reply.status_code == 400 and "There is a problem" in reply.get_data(as_text=True)
    assert outbox() == []


def test_forged_or_misplaced_resume_links_get_a_plain_page(app, client):
    survey = _two_pages()
    other_survey = _two_pages()
    start(client, survey)
    forged = client.get(f"/surveys/{survey.slug}/resume/not-a-token")
    assert forged.status_code == 400 and "This link does not work" in forged.get_data(as_text=True)

    [response] = responses_of(survey)
    wrong_secret = answering.resume_token(answering.Key(response.id, "guessed"))
    assert app.test_client().get(f"/surveys/{survey.slug}/resume/{wrong_secret}").status_code == 400
    saved = client.get(f"/surveys/{survey.slug}/save").get_data(as_text=True)
    token = _resume_link(saved).rsplit("/", 1)[1]
    misplaced = app.test_client().get(f"/surveys/{other_survey.slug}/resume/{token}")
    assert misplaced.status_code == 400 and "This link does not work" in misplaced.get_data(as_text=True)


def test_the_equality_section_is_last_optional_and_kept_apart(app, client):
    survey = create_survey(include_equality=True)
    question, _ = questions_of(survey)
    start(client, survey)
    reply = post(client, f"/surveys/{survey.slug}/page/1", {f"q{question.id}": "walk"})
    assert reply.headers["Location"].endswith(f"/surveys/{survey.slug}/about-you")
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "About you (optional)" in page and "Prefer not to say" in page
    assert "help us see which groups have answered" in page and "Skip these questions" in page

    refused = post(client, f"/surveys/{survey.slug}/about-you", {"sex": "female"})
    assert refused.status_code == 400 and "tick the box to agree" in refused.get_data(as_text=True)
    wrong = post(client, f"/surveys/{survey.slug}/about-you", {"religion": "jedi", "equality_consent": "yes"})
    assert wrong.status_code == 400 and "Choose an answer from the list" in wrong.get_data(as_text=True)
    [response] = responses_of(survey)
    assert db.session.get(ResponseEquality, response.id) is None

    saved = post(
        client,
        f"/surveys/{survey.slug}/about-you",
        {"age_band": "25_34", "sex": "prefer_not_to_say", "ethnic_group": "asian", "equality_consent": "yes"},
    )
    assert saved.headers["Location"].endswith(f"/surveys/{survey.slug}/check")
    post(client, f"/surveys/{survey.slug}/check")
    row = db.session.get(ResponseEquality, response.id)
    assert (row.age_band, row.sex, row.ethnic_group, row.religion) == ("25_34", "prefer_not_to_say", "asian", None)
    # Equality answers are not among the survey's answers.
    assert stored_answers(response) == {question.id: "walk"}


def test_an_anonymous_response_and_joining_afterwards_leave_no_path_to_the_person(app, client, outbox):
    survey = create_survey(mode="anonymous", include_equality=True)
    question, _ = questions_of(survey)
    start_page = client.get(f"/surveys/{survey.slug}").get_data(as_text=True)
    assert "This survey is anonymous" in start_page
    start(client, survey)
    post(client, f"/surveys/{survey.slug}/page/1", {f"q{question.id}": "bus"})
    post(client, f"/surveys/{survey.slug}/about-you", {"sex": "male", "equality_consent": "yes"})
    post(client, f"/surveys/{survey.slug}/check")
    done = client.get(f"/surveys/{survey.slug}/done").get_data(as_text=True)
    assert "Joining does not link you to the answers" in done

    joined = post(
        client,
        f"/surveys/{survey.slug}/done",
        {
            "first_name": "Ade",
            "last_name": "Bello",
            "email": "ade@example.org",
            "purposes": "involvement",
            "follow": "yes",
        },
    )
    assert "Check your email" in joined.get_data(as_text=True)
    member = members.find_by_email("ade@example.org")
    assert member.status == "pending"
    consent = db.session.scalar(db.select(Consent).where(Consent.member_id == member.id))
    assert consent.purpose == "involvement" and consent.wording
    assert [m["to"] for m in outbox()] == ["ade@example.org"]
    assert db.session.get(Follower, (survey.id, member.id)) is not None

    [response] = responses_of(survey)
    assert response.member_id is None and response.invitation_id is None
    # Answers and equality answers reach a person only through the response, which names nobody.
    for table in ("survey_answer", "survey_response_equality"):
        links = {fk.column.table.name for c in db.metadata.tables[table].c for fk in c.foreign_keys}
        assert links <= {"survey_response", "question"}
    follower_links = {fk.column.table.name for c in db.metadata.tables["survey_follower"].c for fk in c.foreign_keys}
    assert follower_links == {"survey", "member"}
    # Nor can times be matched: the response and the follower keep only the day.
    follower = db.session.get(Follower, (survey.id, member.id))
    for moment in (response.started_at, response.completed_at, follower.created_at):
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def test_an_invitation_link_to_an_anonymous_survey_does_not_identify_the_respondent(app, client):
    from tests.factories import create_member

    survey = create_survey(mode="anonymous")
    member = create_member()
    token = answering.survey_token(survey.id, member.id)
    reply = client.get(f"/surveys/{survey.slug}/invited/{token}")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/surveys/{survey.slug}")
    start(client, survey)
    [response] = responses_of(survey)
    assert response.member_id is None and response.invitation_id is None


def test_joining_needs_valid_details_and_a_known_address_is_not_made_a_follower(app, client, outbox):
    from tests.factories import create_member

    existing = create_member("known@example.org")
    survey = create_survey()
    question, _ = questions_of(survey)
    start(client, survey)
    post(client, f"/surveys/{survey.slug}/page/1", {f"q{question.id}": "bus"})
    post(client, f"/surveys/{survey.slug}/check")
    bad = post(client, f"/surveys/{survey.slug}/done", {"email": "nope", "follow": "yes"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Enter your first name" in html and "Choose at least one thing" in html
    post(
        client,
        f"/surveys/{survey.slug}/done",
        {"first_name": "A", "last_name": "B", "email": "known@example.org", "purposes": "bulletin", "follow": "yes"},
    )
    assert db.session.get(Follower, (survey.id, existing.id)) is None
