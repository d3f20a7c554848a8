"""A send, a schedule and a cancel ask first, saying who will receive the campaign and who is left out."""

import re
from datetime import datetime, timedelta

import pytest

from app.clock import in_uk, now
from app.extensions import db
from app.newsletters.models import Campaign, Suppression
from tests.factories import create_member, csrf_token
from tests.newsletters.factories import create_campaign


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_send_now_opens_a_confirmation_that_names_the_number_and_sends_nothing(client, comms, outbox):
    for i in range(3):
        create_member(first_name=f"P{i}")
    create_member(purposes=("involvement",))
    bounced = create_member()
    db.session.add(Suppression(email_normalised=bounced.email_normalised, reason="bounce"))
    db.session.commit()
    campaign = create_campaign(subject="December news")

    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True)
    assert f'href="/staff/bulletins/campaigns/{campaign.id}/send"' in page
    assert f'action="/staff/bulletins/campaigns/{campaign.id}/send"' not in page

    confirm = client.get(f"/staff/bulletins/campaigns/{campaign.id}/send")
    text = _text(confirm.get_data(as_text=True))
    assert confirm.status_code == 200
    assert "Send this campaign to 3 people now?" in text
    assert "Send to 3 people" in text and "December news" in text
    assert "1 person: have not agreed to receive this kind of email" in text
    assert "1 person: emails bounced or were reported as spam" in text
    assert outbox() == [] and db.session.get(Campaign, campaign.id).status == "draft"

    sent = client.post(
        f"/staff/bulletins/campaigns/{campaign.id}/send",
        data={"csrf_token": csrf_token(confirm.get_data(as_text=True))},
    )
    assert sent.status_code == 302 and len(outbox()) == 3


def test_a_campaign_that_cannot_go_says_why_and_offers_no_send_button(client, comms, outbox):
    campaign = create_campaign(body="Nobody is in the audience.")
    text = _text(client.get(f"/staff/bulletins/campaigns/{campaign.id}/send").get_data(as_text=True))
    assert "This campaign cannot be sent yet" in text and "Send to" not in text
    assert "Audience: The audience has no recipients" in text


def test_scheduling_asks_first_with_the_time(client, comms, outbox):
    create_member()
    campaign = create_campaign()
    at = (now() + timedelta(days=2)).replace(second=0, microsecond=0)
    form = client.get(f"/staff/bulletins/campaigns/{campaign.id}/schedule").get_data(as_text=True)
    assert "When should it go?" in form and 'name="scheduled_at"' in form
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/schedule?scheduled_at={in_uk(at):%Y-%m-%dT%H:%M}")
    text = _text(page.get_data(as_text=True))
    assert "Schedule this campaign for 1 person?" in text and "Schedule for 1 person" in text
    assert f"{in_uk(at):%-d %B %Y at %H:%M %Z}" in text
    assert db.session.get(Campaign, campaign.id).status == "draft"
    done = client.post(
        f"/staff/bulletins/campaigns/{campaign.id}/schedule",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "scheduled_at": f"{in_uk(at):%Y-%m-%dT%H:%M}"},
    )
    assert done.status_code == 302
    scheduled = db.session.get(Campaign, campaign.id)
    assert scheduled.status == "scheduled" and scheduled.scheduled_at == at


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("2099-07-01T09:00", datetime(2099, 7, 1, 8, 0), "1 July 2099 at 09:00 BST"),
        ("2099-12-01T09:00", datetime(2099, 12, 1, 9, 0), "1 December 2099 at 09:00 GMT"),
    ],
)
def test_a_schedule_is_typed_and_shown_in_uk_time(client, comms, typed, stored, shown):
    create_member()
    campaign = create_campaign()
    form = client.get(f"/staff/bulletins/campaigns/{campaign.id}/schedule").get_data(as_text=True)
    assert "Schedule for (UK time)" in form
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/schedule?scheduled_at={typed}")
    assert shown in _text(page.get_data(as_text=True))
    client.post(
        f"/staff/bulletins/campaigns/{campaign.id}/schedule",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "scheduled_at": typed},
    )
    assert db.session.get(Campaign, campaign.id).scheduled_at == stored
    status = _text(client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True))
    assert f"Scheduled for {shown.replace(' at ', ' ')}" in status


def test_a_schedule_in_the_past_or_unreadable_is_refused_beside_the_field(client, comms):
    create_member()
    campaign = create_campaign()
    for value in ("2020-01-01T09:00", "next tuesday"):
        page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/schedule?scheduled_at={value}")
        assert page.status_code == 400
        assert "scheduled_at-error" in page.get_data(as_text=True)
    assert db.session.get(Campaign, campaign.id).status == "draft"


def test_cancel_asks_first_and_only_the_confirmation_cancels(client, comms):
    campaign = create_campaign()
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True)
    assert "nhsuk-button--warning" not in page
    confirm = client.get(f"/staff/bulletins/campaigns/{campaign.id}/cancel")
    assert "Cancel this campaign?" in confirm.get_data(as_text=True)
    assert db.session.get(Campaign, campaign.id).status == "draft"
    client.post(
        f"/staff/bulletins/campaigns/{campaign.id}/cancel",
        data={"csrf_token": csrf_token(confirm.get_data(as_text=True))},
    )
    assert db.session.get(Campaign, campaign.id).status == "cancelled"


def test_the_checklist_reads_as_passes_and_failures_with_fixes_only_for_failures(client, comms):
    create_member()
    campaign = create_campaign(body="Hello, no link [here](ftp://example.org).")
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True)
    checklist = page.split('id="checklist"')[1].split("</ul>")[0]
    passes = re.findall(r'data-check="pass">(.*?)</li>', checklist, re.S)
    failures = re.findall(r'data-check="fail">(.*?)</li>', checklist, re.S)
    assert any("Subject" in p for p in passes)
    assert not any("Enter a subject line" in p for p in passes)
    assert [f for f in failures if "Links valid" in f and "Links must start with https://" in f]
    assert [p for p in passes if "Unsubscribe link" in p and "in the footer of every email" in p]
    assert "1 of" in _text(page) and "checks needs fixing" in _text(page)
