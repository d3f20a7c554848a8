"""“We asked, you said, we did”: writing and publishing an outcome, the public pages, the draft bulletin."""

from app.extensions import db
from app.newsletters import audiences
from app.newsletters.models import Campaign
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.surveys.factories import create_survey
from tests.surveys.response_factories import follow

OUTCOME = {
    "csrf_token": "",
    "we_asked": "How you travel to your GP practice.",
    "you_said": "Buses are too infrequent.",
    "we_did": "We asked the council to add a stop outside the surgery.",
}


def _signed_in(client, role="engagement"):
    login(client, create_staff_user(role))
    return csrf_token(client.get("/staff/account").get_data(as_text=True))


def test_publish_a_closed_surveys_outcome_and_it_appears_publicly(app, client):
    survey = create_survey(title="Getting to your GP", status="closed")
    token = _signed_in(client)
    assert client.get("/consultations/").status_code == 200
    assert "Getting to your GP" not in client.get("/consultations/").get_data(as_text=True)

    response = client.post(
        f"/staff/surveys/{survey.id}/outcome", data={**OUTCOME, "csrf_token": token, "action": "publish"}
    )
    assert response.status_code == 302

    listing = client.get("/consultations/").get_data(as_text=True)
    assert "Getting to your GP" in listing
    page = client.get(f"/consultations/{survey.slug}").get_data(as_text=True)
    assert "We asked" in page and "Buses are too infrequent." in page and "add a stop" in page


def test_an_open_survey_cannot_be_published_and_missing_parts_are_named(app, client):
    survey = create_survey(status="open")
    token = _signed_in(client)
    page = client.post(
        f"/staff/surveys/{survey.id}/outcome", data={**OUTCOME, "csrf_token": token, "action": "publish"}
    )
    assert page.status_code == 400 and "Close the survey before publishing its outcome" in page.get_data(as_text=True)
    assert client.get(f"/consultations/{survey.slug}").status_code == 404

    closed = create_survey(status="closed")
    page = client.post(
        f"/staff/surveys/{closed.id}/outcome",
        data={**OUTCOME, "we_did": "", "csrf_token": token, "action": "publish"},
    )
    assert page.status_code == 400 and "Enter what we did" in page.get_data(as_text=True)
    db.session.refresh(closed)
    assert closed.outcome_published_at is None and closed.we_asked == ""


def test_saving_a_draft_and_unpublishing(app, client):
    survey = create_survey(status="closed")
    token = _signed_in(client)
    client.post(f"/staff/surveys/{survey.id}/outcome", data={**OUTCOME, "we_did": "", "csrf_token": token})
    db.session.refresh(survey)
    assert survey.we_asked == OUTCOME["we_asked"] and survey.outcome_published_at is None

    client.post(f"/staff/surveys/{survey.id}/outcome", data={**OUTCOME, "csrf_token": token, "action": "publish"})
    client.post(f"/staff/surveys/{survey.id}/outcome", data={**OUTCOME, "csrf_token": token, "action": "unpublish"})
    assert client.get(f"/consultations/{survey.slug}").status_code == 404


def test_send_the_outcome_makes_a_draft_bulletin_to_the_followers(app, client):
    survey = create_survey(title="Getting to your GP", status="closed")
    follower, _other = create_member(), create_member()
    follow(survey, follower)
    token = _signed_in(client)

    refused = client.post(f"/staff/surveys/{survey.id}/outcome/bulletin", data={"csrf_token": token})
    assert refused.status_code == 302 and db.session.scalar(db.select(Campaign)) is None

    client.post(f"/staff/surveys/{survey.id}/outcome", data={**OUTCOME, "csrf_token": token, "action": "publish"})
    client.post(f"/staff/surveys/{survey.id}/outcome/bulletin", data={"csrf_token": token})
    client.post(f"/staff/surveys/{survey.id}/outcome/bulletin", data={"csrf_token": token})

    drafts = db.session.scalars(db.select(Campaign)).all()
    assert len(drafts) == 2 and {c.status for c in drafts} == {"draft"}
    campaign = drafts[0]
    assert campaign.audience.filter == {"survey_followers": [survey.id]}
    assert drafts[1].audience_id == campaign.audience_id  # one audience, reused
    assert "Buses are too infrequent." in campaign.body_markdown
    assert f"/consultations/{survey.slug}" in campaign.body_markdown
    recipients = db.session.scalars(audiences.recipients_query(campaign.audience.filter)).all()
    assert [getattr(r, "id", r) for r in recipients] == [follower.id]


def test_only_editors_write_outcomes(app, client):
    survey = create_survey(status="closed")
    _signed_in(client, "analyst")
    assert client.get(f"/staff/surveys/{survey.id}/outcome").status_code == 403
