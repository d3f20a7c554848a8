"""Merge fields in a bulletin's subject are filled for each recipient, everywhere the subject goes."""

import pytest

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import campaigns, sending
from app.newsletters.models import Campaign
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import create_campaign

SUBJECT = "Your December health news, {{ first_name }}"


def test_each_recipient_gets_their_own_name_in_the_subject(app, outbox):
    create_member(first_name="Ada")
    create_member(first_name="Siân\nBcc: x@example.org")
    sending.start_send(create_campaign(subject=SUBJECT).id)
    subjects = sorted(m["subject"] for m in outbox())
    assert subjects == [
        "Your December health news, Ada",
        "Your December health news, Siân Bcc: x@example.org",
    ]
    assert not any("{{" in s or "%%" in s for s in subjects)


def test_sendgrid_is_given_each_recipients_subject(app, sendgrid, sendgrid_config, served):
    app.config.update(sendgrid_config)
    create_member(first_name="Ada")
    create_member(first_name="Bo")
    sending.start_send(create_campaign(subject=SUBJECT).id)
    assert sendgrid.problems == []
    assert sorted(p["subject"] for p in sendgrid.last_body["personalizations"]) == [
        "Your December health news, Ada",
        "Your December health news, Bo",
    ]


def test_a_subject_without_merge_fields_is_sent_as_written(app, outbox):
    create_member(first_name="Ada")
    sending.start_send(create_campaign(subject="News from your ICB").id)
    assert [m["subject"] for m in outbox()] == ["News from your ICB"]


def test_an_unknown_merge_field_in_the_subject_is_refused_with_its_name(app):
    with pytest.raises(InvalidRequest) as refused:
        create_campaign(subject="Hello {{ firstname }}")
    assert refused.value.errors["subject"] == "Unknown merge field in the subject: {{ firstname }}"
    assert db.session.query(Campaign).count() == 0


def test_the_test_send_fills_the_subject_with_the_sample_values(app, outbox):
    campaign = create_campaign(subject=SUBJECT)
    campaigns.test_send(campaign.id, "comms@example.org")
    assert [m["subject"] for m in outbox()] == ["[Test] Your December health news, Sam"]


def test_the_archive_and_web_version_never_show_merge_field_syntax(app, client):
    create_member(first_name="Ada")
    campaign = create_campaign(subject=SUBJECT, is_public="yes")
    sending.start_send(campaign.id)
    campaign = db.session.get(Campaign, campaign.id)
    assert campaign.is_public and campaign.status == "sent"

    archive = client.get("/bulletins").get_data(as_text=True)
    page = client.get(f"/bulletins/{campaign.id}").get_data(as_text=True)
    for html in (archive, page):
        assert "Your December health news, reader" in html
        assert "{{" not in html and "%%" not in html


def test_links_on_the_web_version_lead_to_pages_that_exist(app, client):
    create_member(first_name="Ada")
    body = "Hello.\n\n[Manage preferences]({{ preferences_url }}) · [Unsubscribe]({{ unsubscribe_url }})"
    campaign = create_campaign(body=body, is_public="yes")
    sending.start_send(campaign.id)
    page = client.get(f"/bulletins/{campaign.id}").get_data(as_text=True)
    links = [part.split('"')[0] for part in page.split('href="')[1:]]
    mine = [link for link in links if "preferences" in link or "unsubscribe" in link]
    assert mine
    for link in mine:
        path = link.replace("http://localhost", "")
        assert client.get(path).status_code == 200, path


def test_the_staff_form_refuses_an_unknown_merge_field_in_the_subject(app, client):
    login(client, create_staff_user("comms"))
    form = client.get("/staff/bulletins/campaigns/new").get_data(as_text=True)
    response = client.post(
        "/staff/bulletins/campaigns/new",
        data={"csrf_token": csrf_token(form), "name": "Dec", "subject": "Hi {{ frist_name }}", "body_markdown": "x"},
    )
    assert response.status_code == 400
    assert "Unknown merge field in the subject: {{ frist_name }}" in response.get_data(as_text=True)


@pytest.mark.parametrize("body", ["Hello, no link of our own.", "Hello. [Stop these emails]({{ unsubscribe_url }})"])
def test_every_email_carries_exactly_one_unsubscribe_link(app, outbox, body):
    create_member(first_name="Ada")
    sending.start_send(create_campaign(body=body).id)
    (message,) = outbox()
    assert message["html"].count("/unsubscribe/") == 1
    assert message["text"].count("/unsubscribe/") == 1
    assert "List-Unsubscribe" in message["headers"]


def test_the_preheader_and_reply_to_reach_the_email(app, outbox):
    create_member(first_name="Ada")
    campaign = create_campaign(preheader="Flu jabs, {{ first_name }}, and more", reply_to="Voice@Example.org")
    sending.start_send(campaign.id)
    (message,) = outbox()
    assert "Flu jabs, Ada, and more" in message["html"].split('class="content"')[0]
    assert message["headers"]["Reply-To"] == "Voice@example.org"


def test_sendgrid_is_given_the_reply_to_in_its_own_field(app, sendgrid, sendgrid_config, served):
    app.config.update(sendgrid_config)
    create_member(first_name="Ada")
    sending.start_send(create_campaign(reply_to="voice@example.org").id)
    assert sendgrid.problems == []
    assert sendgrid.last_body["reply_to"] == {"email": "voice@example.org"}
    assert "Reply-To" not in sendgrid.last_body["headers"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reply_to": "not an address"}, "reply_to", "Enter the reply-to address in the correct format"),
        ({"preheader": "x" * 201}, "preheader", "Preheader must be 200 characters or fewer"),
        ({"preheader": "Hi {{ nick }}"}, "preheader", "Unknown merge field in the preheader: {{ nick }}"),
    ],
)
def test_a_bad_preheader_or_reply_to_is_refused_beside_its_field(app, fields, field, message):
    with pytest.raises(InvalidRequest) as refused:
        create_campaign(**fields)
    assert refused.value.errors[field].startswith(message)
    assert db.session.query(Campaign).count() == 0
