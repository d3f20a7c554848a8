"""A campaign posted as a GOV.UK Notify precompiled letter to members who would rather have post:
the address where Notify's specification puts it, the postage staff chose, each letter sent once."""

import io
import re
import subprocess

import pypdf
import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.mail import notify as notify_mail
from app.newsletters import batches, letter_pdf, letters, print_formats, sending, sweeper
from app.newsletters.models import Campaign, Delivery
from tests.factories import create_member, create_staff_user, login
from tests.newsletters.factories import create_campaign
from tests.newsletters.test_sending_interrupted import sending_ids
from tests.support import notify_server
from tests.support.notify_server import LocalNotify

MM = 72 / 25.4  # points in a millimetre
A4_HEIGHT = 297.0


@pytest.fixture
def notify():
    server = LocalNotify().start()
    yield server
    server.stop()


@pytest.fixture
def config_overrides(notify):
    return {
        **notify.config(),
        "NOTIFY_TIMEOUT": 1.0,
        "BULLETIN_CLAIM_LEASE_SECONDS": 1,
        "BULLETIN_INDOUBT_GRACE_SECONDS": 2,
        "BULLETIN_RETRY_BACKOFF_SECONDS": 0.01,
        "BULLETIN_MAX_ERRORS": 1000,
    }


def poster(email="post@example.org", **address):
    fields = {
        "first_name": "Pat",
        "last_name": "Reader",
        "address_line_1": "12 Church Street",
        "town": "Wolverhampton",
        "postcode": "WV1 1AA",
        **address,
    }
    return create_member(email=email, preferred_channel="post", channel_consents=["post"], **fields)


def _runs(page):
    """(text, x mm from the left, y mm from the top) of each piece of text on a PDF page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), x / MM, A4_HEIGHT - y / MM))

    page.extract_text(visitor_text=visit)
    return runs


def _first_page_png(pdf: bytes, tmp_path, dpi=100) -> Image.Image:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    (png,) = tmp_path.glob("page*.png")
    return Image.open(png).convert("L")


def _dark_outside_block(grey: Image.Image, dpi=100) -> list[tuple[float, float]]:
    """Dark pixels (in mm) in the band of the first page around the address block, outside the block:
    left of the right-hand column, between the logo area (to 30 mm) and the body (from 95 mm)."""
    per_mm = dpi / 25.4
    block = letters.ADDRESS_BLOCK
    found = []
    pixels = grey.load()
    for py in range(int(30 * per_mm), int(letters.BODY_TOP * per_mm)):
        for px in range(int(15 * per_mm), int(125 * per_mm)):
            if pixels[px, py] < 128:
                x, y = px / per_mm, py / per_mm
                inside = block["left"] <= x <= block["right"] and block["top"] <= y <= block["bottom"]
                if not inside:
                    found.append((round(x, 1), round(y, 1)))
    return found


def test_the_address_lies_in_notifys_address_block_on_the_first_page(app, tmp_path):
    # The fullest address a letter takes: seven lines with the name, the longest lines allowed, in capitals.
    member = poster(
        first_name="MAXIMILIAN",
        last_name="WORTHINGTON-SMYTHE",
        address_line_1="FLAT 12A WORDSWORTH HOUSE MOORLAND ROAD",
        address_line_2="WEDNESFIELD TRADING ESTATE NORTH SIDE",
        address_line_3="HEATH TOWN",
        town="WOLVERHAMPTON",
        postcode="WV10 0QP",
    )
    lines = letters.address_lines(member)
    assert len(lines) == 6 and max(len(line) for line in lines) <= letters.MAX_LINE_CHARACTERS
    campaign = create_campaign(subject="Winter news")
    pdf = letter_pdf.letter_pdf(campaign, member)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    first = reader.pages[0]
    assert round(float(first.mediabox.width) / MM) == 210 and round(float(first.mediabox.height) / MM) == 297
    runs = _runs(first)
    block = letters.ADDRESS_BLOCK
    for line in lines:
        found = [(x, y) for text, x, y in runs if text == line]
        assert found, f"{line!r} is on the first page"
        x, y = found[0]
        assert block["left"] <= x <= block["right"] and block["top"] <= y <= block["bottom"], (line, x, y)
    # The bulletin itself starts below the area Notify keeps for the address.
    subject = [y for text, _, y in runs if text == "Winter news"]
    assert subject and subject[0] > letters.BODY_TOP
    assert print_formats.short_link(campaign.id) in "".join(t for t, _, _ in runs)
    # Seen as a person sees the page: nothing printed around the block, and the address is there in it.
    grey = _first_page_png(pdf, tmp_path)
    assert _dark_outside_block(grey) == []
    per_mm = 100 / 25.4
    inside = grey.crop(
        tuple(int(v * per_mm) for v in (block["left"], block["top"], block["right"], block["bottom"]))
    ).get_flattened_data()
    assert sum(1 for v in inside if v < 128) > 200, "the address is drawn in the block"


def test_a_campaign_goes_as_a_letter_to_those_who_would_rather_have_post_with_the_postage_chosen(app, notify):
    member = poster()
    create_member(email="email@example.org")
    campaign = create_campaign(subject="Winter news", postage="first")
    assert db.session.get(Campaign, campaign.id).postage == "first"
    sending.start_send(campaign.id)
    delivery = db.session.scalar(select(Delivery).where(Delivery.member_id == member.id))
    assert delivery.channel == "post" and delivery.status == "sent"
    (letter,) = notify.letters()
    assert letter["reference"] == str(delivery.id) and letter["postage"] == "first"
    assert delivery.provider_message_id == letter["id"]
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(letter["pdf"])).pages)
    assert "Pat Reader" in text and "WV1 1AA" in text and "Winter news" in text
    assert print_formats.short_link(campaign.id) in text.replace("\n", "")
    assert notify.counts()["email@example.org"] == 1 and "post@example.org" not in notify.counts()
    assert db.session.get(Campaign, campaign.id).status == "sent"


def test_a_crash_after_notify_took_a_letter_is_settled_by_reference_and_never_posted_twice(app, notify, monkeypatch):
    people = [poster(email=f"post{i}@example.org", first_name=f"P{i}") for i in range(3)]
    campaign = create_campaign()
    sending._freeze(campaign.id)

    def database_gone(*args, **kwargs):
        raise OperationalError("UPDATE delivery", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(batches, "_record_result", database_gone)
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.campaign_id == campaign.id)))
    assert batches.send_batch(campaign.id, ids) == {"interrupted": 3}
    monkeypatch.undo()
    # The answer to the next letter never comes, though Notify took it.
    notify.answer(notify_server.TAKE_THEN_HANG)
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sweeper.sweep()
        db.session.expire_all()
        statuses = set(db.session.scalars(select(Delivery.status).where(Delivery.campaign_id == campaign.id)))
        if statuses == {"sent"}:
            break
        time.sleep(0.3)
    assert statuses == {"sent"}
    assert sorted(n["reference"] for n in notify.letters()) == sorted(str(i) for i in ids)
    assert len(notify.letters()) == len(people)


def test_an_address_changed_since_the_send_began_so_it_no_longer_fits_is_failed_and_nothing_is_posted(app, notify):
    member = poster()
    campaign = create_campaign()
    ids = sending_ids(campaign.id)
    assert db.session.scalar(select(Delivery.channel)) == "post"
    member.postcode = "XX1 1XX"
    db.session.commit()
    batches.send_batch(campaign.id, ids)
    delivery = db.session.scalar(select(Delivery))
    assert delivery.status == "failed"
    assert delivery.reason == "not posted: the address has a postcode that is not a real UK postcode"
    assert notify.notifications == []


def test_a_key_notify_refuses_posts_nothing_and_says_why(app, notify):
    poster()
    campaign = create_campaign()
    ids = sending_ids(campaign.id)
    app.config["NOTIFY_API_KEY"] = f"involve_test-{notify.service_id}-00000000-0000-0000-0000-000000000000"
    batches.send_batch(campaign.id, ids)
    delivery = db.session.scalar(select(Delivery))
    assert delivery.status == "failed" and delivery.reason.startswith("GOV.UK Notify answered 403")
    assert "Invalid token" in delivery.reason
    assert notify.notifications == []


def test_with_notify_the_print_page_says_letters_are_posted_and_offers_none_to_print(client, notify):
    login(client, create_staff_user("comms"))
    poster()
    campaign = create_campaign(subject="Winter news")
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "GOV.UK Notify posts these letters when the campaign is sent (1 person now)" in text
    assert f"/staff/bulletins/campaigns/{campaign.id}/print/letters" not in page


def test_the_confirm_page_counts_letters_and_why_some_who_want_post_get_email(client, notify):
    login(client, create_staff_user("comms"))
    poster("one@example.org")
    poster("two@example.org", address_line_2="Flat 2", address_line_3="Tettenhall")
    poster("long@example.org", address_line_1="The Old Rectory Cottage by the Parish Church of St Peter")
    create_member(email="noaddress@example.org", preferred_channel="post", channel_consents=["post"])
    create_member(email="email@example.org")
    campaign = create_campaign(postage="economy")
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/send")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    assert page.status_code == 200
    assert "Email: 3 people" in text and "Letter: 2 people" in text
    assert "1 person would rather have post, but have no postal address or have not agreed to letters" in text
    assert "1 person would rather have post, but their address has an address line of 56 characters" in text
    assert "Letters go economy through GOV.UK Notify" in text
    sending.start_send(campaign.id)
    assert len(notify.letters()) == 2
    assert {"long@example.org", "noaddress@example.org", "email@example.org"} <= set(notify.counts())


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ({"postcode": ""}, "has no postcode"),
        ({"postcode": "XX1 1XX"}, "has a postcode that is not a real UK postcode"),
        ({"address_line_1": "x" * 41}, "has an address line of 41 characters: at most 40 fit the address window"),
        ({"first_name": "", "last_name": "", "town": ""}, "at least 3"),
        ({"address_line_1": "(c/o) 1 High Street"}, "starting with a character Notify does not print there"),
    ],
)
def test_an_address_that_would_not_fit_a_letter_is_refused_with_why(app, address, why):
    member = poster(**{k: v for k, v in address.items() if k != "postcode"})
    member.postcode = address.get("postcode", member.postcode)
    assert why in letters.address_problem(member)
    with pytest.raises(Exception) as refused:
        letter_pdf.letter_pdf(create_campaign(), member)
    assert "This member's letter cannot be made" in str(getattr(refused.value, "message", refused.value))


def test_eight_lines_are_too_many_for_the_address_block(app, notify):
    member = poster()
    # Kept over several lines as it was written before addresses were checked on entry.
    member.address_line_1, member.address_line_2 = "Flat 1\nFloor 3", "East Wing\nTower Block"
    member.address_line_3 = "Long Road"
    db.session.commit()
    assert len(letters.address_lines(member)) == 8
    assert letters.address_problem(member) == ("has an address of 8 lines with their name: at most 7 fit a letter")
    campaign = create_campaign()
    sending.start_send(campaign.id)
    assert db.session.scalar(select(Delivery.channel)) == "email", "the best channel left: email"
    assert notify.letters() == [] and notify.counts()["post@example.org"] == 1


def test_a_postage_notify_does_not_know_is_refused_on_the_form_and_nothing_is_saved(app):
    with pytest.raises(Exception) as refused:
        create_campaign(name="Letters", postage="express")
    assert refused.value.errors["postage"] == "Choose the postage for letters: first class, second class or economy"
    assert db.session.scalar(select(Campaign).where(Campaign.name == "Letters")) is None


def test_notify_refuses_content_that_is_not_a_pdf_and_the_client_says_so(app, notify):
    client = notify_mail._client()
    with pytest.raises(notify_mail.DeliveryError) as refused:
        notify_mail.send_letter(client, io.BytesIO(b"hello"), "second", "1")
    assert "Letter content is not a valid PDF" in str(refused.value) and not refused.value.retry
    with pytest.raises(notify_mail.DeliveryError) as bad_postage:
        notify_mail.send_letter(client, io.BytesIO(b"%PDF-1.7"), "airmail", "2")
    assert "postage must be one of first, second, economy" in str(bad_postage.value)
    assert notify.notifications == []


def test_a_key_in_the_wrong_format_is_refused_with_what_to_copy(app):
    problems = notify_mail.config_problems({"MAIL_BACKEND": "notify", "NOTIFY_API_KEY": "not-a-key"})
    assert any("NOTIFY_API_KEY is not a GOV.UK Notify API key" in p for p in problems)
