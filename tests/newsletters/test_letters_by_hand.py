"""Without GOV.UK Notify no letter is posted by a provider: the confirm page says so, and the
letters of those who would rather have post are on the print formats page to print and post."""

import html
import io
import re

import pypdf

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.newsletters import sending
from app.newsletters.models import Delivery
from tests.factories import create_member, create_staff_user, login
from tests.newsletters.factories import create_campaign


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_without_notify_the_confirm_page_sends_people_who_want_post_to_the_print_formats_page(client, outbox):
    login(client, create_staff_user("comms"))
    create_member(
        email="post@example.org",
        preferred_channel="post",
        channel_consents=["post"],
        first_name="Pat",
        last_name="Reader",
        address_line_1="12 Church Street",
        town="Wolverhampton",
    )
    create_member(email="email@example.org")
    campaign = create_campaign(subject="Winter news")
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/send").get_data(as_text=True)
    text = _text(page)
    assert "Email: 2 people" in text and "Letter: 0 people" in text
    assert "1 person would rather have letters, which this mail service cannot post" in text
    assert f"/staff/bulletins/campaigns/{campaign.id}/print" in page
    printing = _text(client.get(f"/staff/bulletins/campaigns/{campaign.id}/print").get_data(as_text=True))
    assert "1 person in the audience would rather have post" in printing
    response = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print/letters")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    letter = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "Pat Reader" in letter and "12 Church Street" in letter and "Winter news" in letter
    sending.start_send(campaign.id)
    assert set(db.session.scalars(db.select(Delivery.channel))) == {"email"}, "nothing left unsent"


def test_when_nobody_is_due_a_letter_the_print_page_offers_none_and_an_old_link_says_so(client):
    login(client, create_staff_user("comms"))
    create_member(email="email@example.org")
    campaign = create_campaign(subject="Winter news")
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print").get_data(as_text=True)
    assert "0 people in the audience would rather have post" in _text(page)
    assert f"/staff/bulletins/campaigns/{campaign.id}/print/letters" not in page
    response = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print/letters")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/staff/bulletins/campaigns/{campaign.id}/print#letters"
    back = _text(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "Nobody in this bulletin's audience would rather have letters." in back
    assert "There is a problem" not in back
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "campaign_print")) is None


def test_when_no_one_who_wants_post_has_an_address_that_fits_an_old_link_says_why(client):
    login(client, create_staff_user("comms"))
    create_member(
        email="post@example.org",
        preferred_channel="post",
        channel_consents=["post"],
        address_line_1="The Old Rectory Cottage by the Parish Church of St Peter",
        town="Wolverhampton",
    )
    campaign = create_campaign(subject="Winter news")
    response = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print/letters", follow_redirects=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    text = _text(response.get_data(as_text=True))
    assert "Nobody in this bulletin's audience who would rather have letters has an address that fits one." in text
    assert "1 person: their address has an address line of 56 characters" in text
