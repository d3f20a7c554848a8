"""Staff: preview a survey, type in paper and telephone responses, list the responses received."""

import re

from sqlalchemy import select

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.surveys.models import Invitation, Response
from tests.factories import create_member, create_staff_user, login
from tests.surveys.answer_factories import post, responses_of, skip_logic_survey, stored_answers
from tests.surveys.factories import create_survey, questions_of


def test_staff_enter_a_paper_response_marked_as_such_with_who_typed_it(app, client):
    survey = skip_logic_survey(consent_question="I agree to take part.")
    drive, parking, other = questions_of(survey)
    staff = create_staff_user("engagement")
    login(client, staff)
    page = client.get(f"/staff/surveys/{survey.id}/responses/new").get_data(as_text=True)
    assert "Parking is easy" in page and "Only if" in page and "Telephone" in page

    reply = post(
        client,
        f"/staff/surveys/{survey.id}/responses/new",
        {
            "channel": "paper",
            "consent": "yes",
            f"q{drive.id}": "no",
            f"q{parking.id}": "agree",  # skipped by the answer above: not kept
            f"q{other.id}": "Buses are late",
        },
    )
    assert reply.status_code == 302
    [response] = responses_of(survey)
    assert (response.channel, response.entered_by_id, response.consented) == ("paper", staff.id, True)
    assert response.completed_at is not None and response.member_id is None
    assert stored_answers(response) == {drive.id: "no", other.id: "Buses are late"}


def test_staff_entry_is_checked_like_an_online_answer_and_saves_nothing_when_wrong(app, client):
    survey = skip_logic_survey(consent_question="I agree to take part.")
    drive, parking, other = questions_of(survey)
    login(client, create_staff_user("admin"))
    reply = post(
        client,
        f"/staff/surveys/{survey.id}/responses/new",
        {"channel": "carrier pigeon", f"q{drive.id}": "yes", f"q{parking.id}": "maybe", f"q{other.id}": "x"},
    )
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    assert "Choose how the response reached you" in html
    assert "Confirm the respondent agreed" in html
    assert "Select one of the options shown" in html
    assert 'value="x"' not in html and ">x</textarea>" in html
    assert responses_of(survey) == []

    missing = post(client, f"/staff/surveys/{survey.id}/responses/new", {"channel": "telephone", "consent": "yes"})
    assert missing.status_code == 400 and "Select an answer" in missing.get_data(as_text=True)
    assert responses_of(survey) == []


def test_the_preview_walks_the_pages_with_skip_logic_and_saves_nothing(app, client):
    survey = skip_logic_survey()
    drive, parking, other = questions_of(survey)
    login(client, create_staff_user("analyst"))
    start = client.get(f"/staff/surveys/{survey.id}/preview").get_data(as_text=True)
    assert "Answers you give here are not saved" in start
    page1 = client.get(f"/staff/surveys/{survey.id}/preview/1").get_data(as_text=True)
    assert "Do you drive?" in page1 and "This is a preview" in page1
    bad = post(client, f"/staff/surveys/{survey.id}/preview/1", {})
    assert bad.status_code == 400 and "Select an answer" in bad.get_data(as_text=True)
    reply = post(client, f"/staff/surveys/{survey.id}/preview/1", {f"q{drive.id}": "yes"})
    assert reply.headers["Location"].endswith(f"/staff/surveys/{survey.id}/preview/2")
    post(client, f"/staff/surveys/{survey.id}/preview/1", {f"q{drive.id}": "no"})
    assert client.get(f"/staff/surveys/{survey.id}/preview/2").headers["Location"].endswith("/preview/3")
    end = post(client, f"/staff/surveys/{survey.id}/preview/3", {f"q{other.id}": "Fine"})
    assert end.headers["Location"].endswith("/preview/end")
    summary = client.get(end.headers["Location"]).get_data(as_text=True)
    assert "Fine" in summary and "Parking is easy" not in summary
    assert responses_of(survey) == []


def test_the_responses_list_names_invited_members_and_nobody_for_anonymous_surveys(app, client):
    member = create_member(first_name="Priya", last_name="Shah")
    identified = create_survey(mode="invitation")
    invitation = Invitation(survey_id=identified.id, member_id=member.id)
    db.session.add(invitation)
    db.session.flush()
    db.session.add(Response(survey_id=identified.id, member_id=member.id, invitation_id=invitation.id))
    anonymous = create_survey(mode="anonymous")
    db.session.add(Response(survey_id=anonymous.id, channel="telephone"))
    db.session.commit()

    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/surveys/{identified.id}/responses").get_data(as_text=True)
    assert f'href="/staff/members/{member.id}">Priya Shah</a>' in page and "In progress" in page
    hidden = client.get(f"/staff/surveys/{anonymous.id}/responses").get_data(as_text=True)
    assert "Telephone" in hidden and "Member</th>" not in hidden and "responses are not linked" in hidden
    viewed = db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.record_type == "survey_responses")).all()
    assert {e.record_id for e in viewed} == {str(identified.id), str(anonymous.id)}


def test_responses_and_entry_are_for_the_teams_that_run_consultations(app, client):
    survey = create_survey()
    login(client, create_staff_user("comms"))
    assert client.get(f"/staff/surveys/{survey.id}/responses").status_code == 403
    assert client.get(f"/staff/surveys/{survey.id}/responses/new").status_code == 403
    assert client.get(f"/staff/surveys/{survey.id}/preview").status_code == 200


def test_a_paper_response_can_carry_the_equality_answers_and_is_audited(app, client):
    from app.surveys.models import ResponseEquality

    survey = create_survey(include_equality=True)
    question, _ = questions_of(survey)
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/surveys/{survey.id}/responses/new").get_data(as_text=True)
    assert "About the respondent (optional)" in page and "Prefer not to say" in page
    refused = post(
        client,
        f"/staff/surveys/{survey.id}/responses/new",
        {"channel": "paper", f"q{question.id}": "bus", "disability": "yes"},
    )
    assert refused.status_code == 400 and responses_of(survey) == []
    reply = post(
        client,
        f"/staff/surveys/{survey.id}/responses/new",
        {"channel": "paper", f"q{question.id}": "bus", "disability": "yes", "equality_consent": "yes"},
    )
    assert reply.status_code == 302
    [response] = responses_of(survey)
    assert db.session.get(ResponseEquality, response.id).disability == "yes"
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.record_type == "survey_response"))
    assert entry.action == "create" and entry.record_id == str(response.id)


def test_a_paper_reply_to_an_invitation_closes_that_invitation_so_no_reminder_follows(app, client, outbox):
    from app.newsletters import sending
    from app.newsletters.audiences import count
    from tests.newsletters.factories import create_campaign

    replied, waiting = create_member(email="paper@example.org"), create_member(email="waiting@example.org")
    survey = create_survey(mode="invitation")
    campaign = create_campaign(body="[Answer]({{ survey_url }}) [Stop]({{ unsubscribe_url }})")
    campaign.survey_id = survey.id
    db.session.commit()
    sending.start_send(campaign.id)
    question, _ = questions_of(survey)
    login(client, create_staff_user("engagement"))
    url = f"/staff/surveys/{survey.id}/responses/new"
    assert "Email address of the invited person" in client.get(url).get_data(as_text=True)

    stranger = post(client, url, {"channel": "paper", "invited_email": "nobody@example.org", f"q{question.id}": "bus"})
    assert stranger.status_code == 400
    assert "Nobody with that email address was invited" in stranger.get_data(as_text=True)
    assert responses_of(survey) == []

    reply = post(client, url, {"channel": "paper", "invited_email": "PAPER@example.org", f"q{question.id}": "bus"})
    assert reply.status_code == 302
    [response] = responses_of(survey)
    assert response.member_id == replied.id and response.channel == "paper"
    assert count({"survey_not_answered": [survey.id]}, "surveys").recipients == 1  # only the one still waiting

    again = post(client, url, {"channel": "paper", "invited_email": replied.email, f"q{question.id}": "bus"})
    assert again.status_code == 400 and "already answered" in again.get_data(as_text=True)
    assert len(responses_of(survey)) == 1
    assert db.session.scalar(select(Invitation.completed_at).where(Invitation.member_id == waiting.id)) is None


def test_a_paper_reply_from_someone_who_only_started_online_takes_the_place_of_the_unfinished_one(app, client, outbox):
    from app.newsletters import sending
    from tests.newsletters.factories import create_campaign

    person = create_member(email="started@example.org")
    survey = create_survey(mode="invitation")
    campaign = create_campaign(body="[Answer]({{ survey_url }}) [Stop]({{ unsubscribe_url }})")
    campaign.survey_id = survey.id
    db.session.commit()
    sending.start_send(campaign.id)
    link = re.search(rf"http://localhost(/surveys/{survey.slug}/invited/[^\s\"<)]+)", outbox()[0]["text"]).group(1)
    online = app.test_client()
    assert online.get(link).status_code == 200
    assert post(online, link).status_code == 302  # started, never finished
    assert [r.completed_at for r in responses_of(survey)] == [None]

    question, _ = questions_of(survey)
    login(client, create_staff_user("engagement"))
    url = f"/staff/surveys/{survey.id}/responses/new"
    reply = post(client, url, {"channel": "telephone", "invited_email": person.email, f"q{question.id}": "bus"})
    assert reply.status_code == 302
    [response] = responses_of(survey)
    assert response.channel == "telephone" and response.completed_at is not None
    assert response.member_id == person.id
