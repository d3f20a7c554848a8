"""Staff and public pages for bulletins, as a comms officer and an analyst use them."""

import pytest
from sqlalchemy import select

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.newsletters import sending
from app.newsletters.models import Campaign
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import BODY, create_audience, create_campaign


def _post(client, url, data, page_url=None):
    token = csrf_token(client.get(page_url or "/staff/bulletins/").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def test_creating_a_campaign_shows_errors_beside_fields_then_saves(client, comms):
    bad = _post(
        client,
        "/staff/bulletins/campaigns/new",
        {"name": "", "body_markdown": "Hi {{ nickname }}"},
        "/staff/bulletins/campaigns/new",
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "There is a problem" in text and "Enter a name for the campaign" in text and "{{ nickname }}" in text
    audience = create_audience()
    good = _post(
        client,
        "/staff/bulletins/campaigns/new",
        {"name": "April", "subject": "April news", "body_markdown": BODY, "audience_id": audience.id},
        "/staff/bulletins/campaigns/new",
    )
    assert good.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert campaign.created_by_id == comms.id


def test_checklist_refuses_an_empty_audience_with_the_reason(client, comms, outbox):
    campaign = create_campaign()
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}").get_data(as_text=True)
    assert "The audience has no recipients" in page
    refused = _post(
        client, f"/staff/bulletins/campaigns/{campaign.id}/send", {}, f"/staff/bulletins/campaigns/{campaign.id}"
    )
    assert refused.status_code == 400 and "The audience has no recipients" in refused.get_data(as_text=True)
    assert outbox() == []


def test_send_now_from_the_campaign_page_sends_and_shows_progress(client, comms, outbox):
    create_member()
    campaign = create_campaign()
    response = _post(
        client, f"/staff/bulletins/campaigns/{campaign.id}/send", {}, f"/staff/bulletins/campaigns/{campaign.id}"
    )
    assert response.status_code == 302
    assert len(outbox()) == 1
    progress = client.get(f"/staff/bulletins/campaigns/{campaign.id}/progress.json").get_json()
    assert progress["status"] == "sent" and progress["sent"] == 1


def test_previews_and_test_send(client, comms, outbox):
    campaign = create_campaign()
    for view in ("desktop", "mobile"):
        page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/preview?view={view}")
        assert page.status_code == 200 and "Hello Sam" in page.get_data(as_text=True)
    text = client.get(f"/staff/bulletins/campaigns/{campaign.id}/preview?view=text").get_data(as_text=True)
    assert "Hello Sam" in text and "<table" not in text.split("<pre")[1]
    sent = _post(
        client,
        f"/staff/bulletins/campaigns/{campaign.id}/test",
        {"address": "me@example.nhs.uk"},
        f"/staff/bulletins/campaigns/{campaign.id}",
    )
    assert sent.status_code == 302
    assert outbox()[0]["subject"].startswith("[Test]")


def test_audience_builder_previews_the_count_and_who_is_left_out(client, comms):
    create_member(contact_type="stakeholder")
    create_member(contact_type="stakeholder", purposes=("involvement",))
    create_member(contact_type="resident")
    page = _post(
        client,
        "/staff/bulletins/audiences/new",
        {"name": "Stakeholders", "kind": "list", "contact_types": "stakeholder", "action": "preview"},
        "/staff/bulletins/audiences/new",
    ).get_data(as_text=True)
    assert "<strong>1</strong> would receive it, of 2 members matching" in page
    assert "1 without consent" in page


def test_audience_filter_refuses_fields_outside_the_allow_list(app):
    from app.errors import InvalidRequest
    from app.newsletters import audiences

    with pytest.raises(InvalidRequest) as error:
        audiences.save_audience("x", {"email": ["%"], "contact_types": ["'; drop table member; --"]})
    assert set(error.value.errors) == {"email", "contact_types"}


def test_report_and_exports_are_open_to_analysts_but_campaigns_are_not(client, outbox):
    create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    login(client, create_staff_user("analyst"))
    assert client.get("/staff/bulletins/").status_code == 403
    report = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report")
    assert report.status_code == 200 and "3.7–4.1%" in report.get_data(as_text=True)
    csv = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.csv")
    assert csv.status_code == 200 and b"human opens" in csv.data
    xlsx = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert (
        db.session.scalar(select(AuditLogEntry.action).where(AuditLogEntry.record_type == "campaign_report"))
        == "export"
    )


def test_readership_by_group_of_a_small_campaign_shows_nothing(app, outbox):
    from app.newsletters import group_readership

    for _ in range(3):
        create_member()
    campaign = create_campaign()
    sending.start_send(campaign.id)
    assert group_readership.readership_by_group(campaign.id, "age_band") == []
    assert group_readership.readership(campaign.id)["message"].startswith("Fewer than 50 people received this bulletin")


def test_readership_by_deprivation_decile_shows_which_areas_read(app, outbox):
    import io

    from app.newsletters import group_readership
    from app.newsletters.models import Delivery
    from app.representation import deprivation
    from app.statistics import disclosure
    from tests.representation.helpers import load_area

    load_area()
    deprivation.load_postcode_lookup(
        io.BytesIO(b"pcds,lsoa21cd\nWV1 1AA,E01010413\nWV6 9ZZ,E01010494\n"), ["E08000031"]
    )
    deprived = [create_member(postcode="WV1 1AA") for _ in range(20)]
    least = [create_member(postcode="WV6 9ZZ") for _ in range(40)]
    campaign = create_campaign()
    sending.start_send(campaign.id)
    readers = db.session.scalars(select(Delivery).where(Delivery.campaign_id == campaign.id)).all()
    for delivery in readers:
        if delivery.member.postcode == "WV6 9ZZ":
            delivery.first_open_at = delivery.sent_at
    db.session.commit()

    def shown(people):
        return str(disclosure.publish(disclosure.total(disclosure.Cell(1, p.record_key) for p in people)).shown)

    rows = group_readership.readership_by_group(campaign.id, "imd_decile")
    assert rows == [
        {
            "group": "Decile 1 (most deprived)",
            "recipients": shown(deprived),
            "readers": "0",
            "clickers": "0",
            "read_rate": 0,
        },
        {
            "group": "Decile 10 (least deprived)",
            "recipients": shown(least),
            "readers": shown(least),
            "clickers": "0",
            "read_rate": 100,
        },
    ]


def test_engagement_role_cannot_reach_bulletins(client):
    login(client, create_staff_user("engagement"))
    assert client.get("/staff/bulletins/campaigns/new").status_code == 403


def test_public_archive_and_web_version(client, outbox):
    create_member()
    public = create_campaign(name="Public", subject="Spring news", is_public="1")
    private = create_campaign(name="Private", subject="Staff only")
    sending.start_send(public.id)
    sending.start_send(private.id)
    archive = client.get("/bulletins").get_data(as_text=True)
    assert "Spring news" in archive and "Staff only" not in archive
    assert client.get(f"/bulletins/{public.id}").status_code == 200
    assert client.get(f"/bulletins/{private.id}").status_code == 404
    link = outbox()[0]["text"].split("View this bulletin in your browser: ")[1].split()[0]
    assert client.get(link.replace("http://localhost", "")).status_code == 200
