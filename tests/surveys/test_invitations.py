"""Invitations go out as bulletins with each person's single-use link; reminders go to those who have not finished."""

import re

from sqlalchemy import select

from app.extensions import db
from app.newsletters import content, sending
from app.newsletters.models import Campaign
from app.surveys import responses as answering
from app.surveys.models import Invitation, Response
from tests.factories import create_member, create_staff_user, login
from tests.newsletters.factories import create_audience, create_campaign
from tests.surveys.answer_factories import post, responses_of
from tests.surveys.factories import create_survey, questions_of


def _invite(client, survey, data=None):
    return post(client, f"/staff/surveys/{survey.id}/invitations", {"subject": "", **(data or {})})


def _link(message, survey) -> str:
    return re.search(rf"http://localhost(/surveys/{survey.slug}/invited/[^\s\"<)]+)", message["text"]).group(1)


def _answer_all(client, survey, location):
    question, _ = questions_of(survey)
    assert client.get(location).status_code == 200
    reply = post(client, location)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    post(client, reply.headers["Location"], {f"q{question.id}": "bus"})
    assert post(client, f"/surveys/{survey.slug}/check").status_code == 302


def _send_invitation(survey, audience=None):
    campaign = create_campaign(
        audience=audience, body="Hi\n\n[Answer]({{ survey_url }})\n\n[Stop]({{ unsubscribe_url }})"
    )
    campaign.survey_id = survey.id
    db.session.commit()
    sending.start_send(campaign.id)
    return campaign


def test_staff_make_an_invitation_bulletin_and_sending_it_invites_each_recipient(app, client, outbox):
    people = [create_member(first_name=f"P{i}") for i in range(3)]
    survey = create_survey(mode="invitation")
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/surveys/{survey.id}/invitations").get_data(as_text=True)
    assert "Invite members" in page and 'id="count-invited">0<' in page

    reply = _invite(client, survey, {"audience_id": str(create_audience().id)})
    assert reply.status_code == 302
    campaign = db.session.scalar(select(Campaign).where(Campaign.survey_id == survey.id))
    assert campaign.status == "draft" and "{{ survey_url }}" in campaign.body_markdown
    assert content.problems(campaign) == {}
    assert db.session.scalar(select(db.func.count()).select_from(Invitation)) == 0

    assert sending.start_send(campaign.id) == 3
    invitations = list(db.session.scalars(select(Invitation).where(Invitation.survey_id == survey.id)))
    assert sorted(i.member_id for i in invitations) == sorted(p.id for p in people)
    assert {i.campaign_id for i in invitations} == {campaign.id}
    links = {m["to"]: _link(m, survey) for m in outbox()}
    assert len(set(links.values())) == 3

    # The first person answers through their own link; their answers are kept with their record.
    browser = app.test_client()
    _answer_all(browser, survey, links[people[0].email])
    [response] = responses_of(survey)
    assert response.member_id == people[0].id and response.completed_at is not None
    db.session.expire_all()
    invitation = db.session.scalar(select(Invitation).where(Invitation.member_id == people[0].id))
    assert response.invitation_id == invitation.id and invitation.completed_at is not None

    counts = client.get(f"/staff/surveys/{survey.id}/invitations").get_data(as_text=True)
    assert 'id="count-invited">3<' in counts and 'id="count-completed">1<' in counts


def test_an_invitation_link_answers_once_and_resumes_an_unfinished_response(app, outbox):
    member = create_member()
    survey = create_survey(mode="invitation")
    _send_invitation(survey)
    link = _link(outbox()[0], survey)
    question, _ = questions_of(survey)

    first = app.test_client()
    post(first, link)
    post(first, f"/surveys/{survey.slug}/page/1", {f"q{question.id}": "car", "action": "save"})
    # The same link on another device carries on with the same response.
    second = app.test_client()
    reply = second.get(link)
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"/surveys/{survey.slug}/check")
    assert post(second, f"/surveys/{survey.slug}/check").status_code == 302
    [response] = responses_of(survey)
    assert response.member_id == member.id

    again = app.test_client().get(link)
    assert again.status_code == 200 and "You have already answered this survey" in again.get_data(as_text=True)
    assert post(app.test_client(), link).status_code == 200
    assert len(responses_of(survey)) == 1


def test_forged_expired_and_other_survey_invitation_links_get_a_plain_page(app, client, outbox):
    member = create_member()
    survey = create_survey(mode="invitation")
    other = create_survey(mode="invitation")
    _send_invitation(survey)
    forged = client.get(f"/surveys/{survey.slug}/invited/forged-token")
    assert forged.status_code == 400 and "This link does not work" in forged.get_data(as_text=True)
    elsewhere = client.get(f"/surveys/{other.slug}/invited/{answering.survey_token(survey.id, member.id)}")
    assert elsewhere.status_code == 400
    never_invited = client.get(f"/surveys/{survey.slug}/invited/{answering.survey_token(survey.id, member.id + 99)}")
    assert never_invited.status_code == 400
    app.config["SURVEY_INVITATION_MAX_AGE"] = -1
    expired = client.get(_link(outbox()[0], survey))
    assert expired.status_code == 400
    # Without an invitation the survey explains itself and starts nothing.
    page = client.get(f"/surveys/{survey.slug}")
    assert "This survey is by invitation" in page.get_data(as_text=True)
    post(client, f"/surveys/{survey.slug}", {"action": "start"})
    assert responses_of(survey) == []


def test_reminders_go_only_to_those_who_have_not_finished(app, client, outbox):
    done, started, waiting = (create_member(first_name=n) for n in ("Done", "Started", "Waiting"))
    survey = create_survey(mode="invitation")
    _send_invitation(survey)
    links = {m["to"]: _link(m, survey) for m in outbox()}
    _answer_all(app.test_client(), survey, links[done.email])
    post(app.test_client(), links[started.email])

    login(client, create_staff_user("comms"))
    reply = post(client, f"/staff/surveys/{survey.id}/invitations/reminder")
    assert reply.status_code == 302 and "/staff/bulletins/campaigns/" in reply.headers["Location"]
    reminder = db.session.scalar(
        select(Campaign).where(Campaign.survey_id == survey.id, Campaign.name.like("Survey reminder%"))
    )
    assert reminder.audience.filter == {"survey_not_answered": [survey.id]}
    before = len(outbox())
    assert sending.start_send(reminder.id) == 2
    sent_to = sorted(m["to"] for m in outbox()[: len(outbox()) - before])
    assert sent_to == sorted([started.email, waiting.email])
    db.session.expire_all()
    reminded = {
        i.member_id: i.last_reminded_at
        for i in db.session.scalars(select(Invitation).where(Invitation.survey_id == survey.id))
    }
    assert reminded[done.id] is None and reminded[started.id] and reminded[waiting.id]
    assert db.session.scalar(select(db.func.count()).select_from(Invitation)) == 3


def test_an_open_survey_invitation_carries_the_public_link_and_records_no_one(app, outbox):
    create_member()
    survey = create_survey(mode="anonymous")
    _send_invitation(survey)
    [message] = outbox()
    assert f"http://localhost/surveys/{survey.slug}" in message["text"]
    assert "/invited/" not in message["text"]
    assert db.session.scalar(select(db.func.count()).select_from(Invitation)) == 0


def test_the_checklist_keeps_survey_links_to_survey_bulletins_and_open_surveys(app):
    create_member()
    stray = create_campaign(body="[Survey]({{ survey_url }}) [Stop]({{ unsubscribe_url }})")
    assert "Survey link" in content.problems(stray)
    closed = create_survey(status="closed", mode="invitation")
    campaign = create_campaign(body="[Survey]({{ survey_url }}) [Stop]({{ unsubscribe_url }})")
    campaign.survey_id = closed.id
    db.session.commit()
    assert content.problems(campaign)["Survey link"] == "The survey is not open"


def test_the_invitation_form_reports_problems_and_saves_nothing(app, client):
    survey = create_survey(mode="invitation")
    login(client, create_staff_user("engagement"))
    reply = _invite(client, survey, {"body_markdown": "No link here {{ unsubscribe_url }}", "topics": "nonsense"})
    assert reply.status_code == 400
    html = reply.get_data(as_text=True)
    assert "Add {{ survey_url }}" in html and "Choose topics from the list" in html
    assert db.session.scalar(select(db.func.count()).select_from(Campaign)) == 0

    built = _invite(client, survey, {"contact_types": "carer"})
    assert built.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert campaign.audience.filter == {"contact_types": ["carer"]}
    assert db.session.scalar(select(db.func.count()).select_from(Response)) == 0


def test_only_roles_that_may_invite_see_the_page(app, client):
    survey = create_survey(mode="invitation")
    login(client, create_staff_user("analyst"))
    assert client.get(f"/staff/surveys/{survey.id}/invitations").status_code == 403


def test_an_invited_member_can_ask_to_hear_what_was_done(app, outbox):
    from app.surveys.models import Follower

    member = create_member()
    survey = create_survey(mode="invitation")
    _send_invitation(survey)
    browser = app.test_client()
    _answer_all(browser, survey, _link(outbox()[0], survey))
    done = browser.get(f"/surveys/{survey.slug}/done").get_data(as_text=True)
    assert "Hear what we did with the results" in done and "Join our involvement network" not in done
    unticked = post(browser, f"/surveys/{survey.slug}/done", {})
    assert unticked.status_code == 400 and db.session.get(Follower, (survey.id, member.id)) is None
    reply = post(browser, f"/surveys/{survey.slug}/done", {"follow": "yes"})
    assert "We will tell you what we did" in reply.get_data(as_text=True)
    assert db.session.get(Follower, (survey.id, member.id)) is not None


def test_previews_and_test_sends_show_the_survey_start_page_not_anyones_invitation(app):
    create_member()
    survey = create_survey(mode="invitation")
    campaign = create_campaign(body="[Answer]({{ survey_url }}) [Stop]({{ unsubscribe_url }})")
    campaign.survey_id = survey.id
    db.session.commit()
    html, text = content.preview(campaign)
    assert f"http://localhost/surveys/{survey.slug}" in text
    assert "/invited/" not in html + text


def test_an_invited_member_gets_the_resume_link_at_their_own_address(app, outbox):
    member = create_member("invited@example.org")
    survey = create_survey(mode="invitation")
    _send_invitation(survey)
    browser = app.test_client()
    post(browser, _link(outbox()[0], survey))
    page = browser.get(f"/surveys/{survey.slug}/save").get_data(as_text=True)
    assert 'type="email"' not in page and "Email me the link" in page
    post(browser, f"/surveys/{survey.slug}/save")
    resume_mail = [m for m in outbox() if m["subject"].startswith("Your link to finish")]
    assert [m["to"] for m in resume_mail] == [member.email]
    assert f"/surveys/{survey.slug}/resume/" in resume_mail[0]["text"]


def test_invitations_go_only_to_members_who_agreed_to_be_asked_about_surveys(app, client, outbox):
    from app.members.models import Consent, Member
    from app.newsletters.models import Suppression

    survey = create_survey(mode="invitation")
    willing = create_member(purposes=("bulletin", "surveys"))
    bulletin_only = create_member(purposes=("bulletin",))
    surveys_only = create_member(purposes=("surveys",))
    campaign = _send_invitation(survey)
    messages = outbox()
    assert sorted(m["to"] for m in messages) == sorted([willing.email, surveys_only.email])
    assert bulletin_only.email not in [m["to"] for m in messages]

    # The invitation's unsubscribe link stops survey invitations only; the e-bulletin carries on.
    mine = next(m for m in messages if m["to"] == willing.email)
    link = re.search(r"<http://localhost(/unsubscribe/[^>]+)>", " ".join(mine["headers"]["List-Unsubscribe"].split()))
    question = client.get(link.group(1)).get_data(as_text=True)
    assert "Unsubscribe from survey invitations" in question
    done = client.post(link.group(1), data={"List-Unsubscribe": "One-Click"})
    assert "We will not invite you to surveys again." in done.get_data(as_text=True)
    live = set(
        db.session.scalars(
            select(Consent.purpose).where(Consent.member_id == willing.id, Consent.withdrawn_at.is_(None))
        )
    )
    assert "surveys" not in live and "bulletin" in live
    assert db.session.scalar(select(db.func.count()).select_from(Suppression)) == 0
    assert db.session.get(Member, willing.id).status == "active" and campaign.id


def test_the_web_version_of_an_invitation_points_to_the_survey_not_to_anyones_invitation(app, client, outbox):
    create_member()
    survey = create_survey(mode="invitation")
    campaign = create_campaign(body="Hi\n\n[Answer]({{ survey_url }})\n\n[Stop]({{ unsubscribe_url }})", is_public="1")
    campaign.survey_id = survey.id
    db.session.commit()
    sending.start_send(campaign.id)
    web = re.search(r"http://localhost(/bulletins/[^\s\"<)]+)", outbox()[0]["text"]).group(1)

    page = client.get(web).get_data(as_text=True)
    assert f'href="http://localhost/surveys/{survey.slug}"' in page
    assert "/invited/" not in page
