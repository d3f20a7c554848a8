"""The preview shown for a chosen member of the audience: their own name in the subject and body."""

from sqlalchemy import select

from app.audit.models import AuditLogEntry
from app.extensions import db
from tests.factories import create_member
from tests.newsletters.factories import create_audience, create_campaign


def test_preview_for_a_chosen_member_fills_their_merge_fields(client, comms):
    create_member("priya@example.org", first_name="Priya <b>")
    campaign = create_campaign(subject="Your news, {{ first_name }}")
    url = f"/staff/bulletins/campaigns/{campaign.id}/preview"

    page = client.get(url, query_string={"sample": "Priya@Example.org"}).get_data(as_text=True)
    assert "Your news, Priya &lt;b&gt;" in page
    assert "priya@example.org" in page and "Show sample values again" in page
    desktop = client.get(url, query_string={"view": "desktop", "sample": "priya@example.org"}).get_data(as_text=True)
    assert "Hello Priya &lt;b&gt;" in desktop and "<b>" not in desktop.split("Hello", 1)[1][:20]
    text = client.get(url, query_string={"view": "text", "sample": "priya@example.org"}).get_data(as_text=True)
    assert "Hello Priya" in text
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.detail.like("bulletin preview%")))
    assert entry is not None and (entry.action, entry.record_type) == ("view", "member")

    plain = client.get(url).get_data(as_text=True)
    assert "Your news, Sam" in plain


def test_a_person_outside_the_audience_is_refused_with_the_reason(client, comms):
    create_member("in@example.org", first_name="Ina")
    create_member("out@example.org", first_name="Otto", purposes=("involvement",))
    campaign = create_campaign(audience=create_audience(), subject="Hi {{ first_name }}")
    url = f"/staff/bulletins/campaigns/{campaign.id}/preview"

    for address, message in (
        ("out@example.org", "Nobody with the address out@example.org would receive this campaign"),
        ("nobody@example.org", "Nobody with the address nobody@example.org would receive this campaign"),
        ("not an address", "Enter an email address in the correct format"),
    ):
        response = client.get(url, query_string={"sample": address})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "There is a problem" in page and message in page
        assert "Otto" not in page and "Hi Sam" in page
