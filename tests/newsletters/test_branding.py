"""A template's colours and logo: carried by every bulletin made from it, checked for contrast, kept once sent."""

import html
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.newsletters import campaigns, images, sending
from app.newsletters.models import Campaign, Template
from tests.factories import create_member, csrf_token
from tests.newsletters.factories import create_campaign


def _logo():
    out = io.BytesIO()
    Image.new("RGB", (400, 100), (0, 48, 135)).save(out, "PNG")
    return images.upload(out.getvalue())


def _save(client, **fields):
    page = client.get("/staff/bulletins/templates/new").get_data(as_text=True)
    data = {"name": "Branded", "body_markdown": "Hello {{ first_name }}", "csrf_token": csrf_token(page), **fields}
    return client.post("/staff/bulletins/templates/new", data=data)


def test_a_bulletin_from_a_branded_template_has_its_colours_and_logo(app, client, comms):
    logo = _logo()
    db.session.commit()
    page = client.get("/staff/bulletins/templates/new").get_data(as_text=True)
    assert f"Picture {logo.id}, 400 × 100 pixels" in page
    saved = _save(client, brand_colour="#003087", button_colour="330072", logo_image_id=logo.id, logo_alt="NHS Anytown")
    assert saved.status_code == 302
    template = db.session.scalar(select(Template))
    assert (template.brand_colour, template.button_colour) == ("#003087", "#330072")
    campaign = create_campaign(template_id=template.id, body="")
    email = client.get(f"/staff/bulletins/campaigns/{campaign.id}/preview?view=desktop").get_data(as_text=True)
    header = email.split('class="header"', 1)[1].split("</td>", 1)[0]
    assert "background-color: #003087" in header
    assert f'src="{images.public_url(logo)}"' in header and 'alt="NHS Anytown"' in header
    assert 'width="200" height="50"' in header and images.public_url(logo).startswith("http")

    plain = create_campaign(name="Plain", body="Hi {{ first_name }}")
    email = client.get(f"/staff/bulletins/campaigns/{plain.id}/preview?view=desktop").get_data(as_text=True)
    assert "background-color: #005eb8" in email.split('class="header"', 1)[1].split(">", 1)[0]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"brand_colour": "#ffcc00"}, "brand_colour", "The header colour #ffcc00 has a contrast of 1.5:1 with white"),
        ({"button_colour": "green"}, "button_colour", "The button colour must be a colour in the form #005eb8"),
        ({"logo_image_id": "999"}, "logo_image_id", "Choose a logo from the uploaded pictures"),
        ({"logo_image_id": "LOGO"}, "logo_alt", "Enter the logo's alt text"),
    ],
)
def test_bad_branding_is_refused_beside_its_field_and_nothing_is_saved(client, comms, fields, field, message):
    logo = _logo()
    db.session.commit()
    fields = {k: (str(logo.id) if v == "LOGO" else v) for k, v in fields.items()}
    response = _save(client, **fields)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400 and "There is a problem" in page
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(Template)) is None


def test_a_sent_bulletin_keeps_the_branding_it_was_sent_with(app, outbox):
    create_member()
    template = campaigns.save_template("Monthly", "Hello {{ first_name }}", brand={"brand_colour": "#003087"})
    campaign = create_campaign(template_id=template.id, body="")
    sending.start_send(campaign.id)
    campaigns.save_template("Monthly", "Hello {{ first_name }}", template, brand={"brand_colour": "#330072"})
    sent = db.session.get(Campaign, campaign.id)
    assert "#003087" in sent.prepared_html and "#330072" not in sent.prepared_html
    [message] = outbox()
    assert "#003087" in message["html"]


def test_the_api_reads_and_writes_branding_and_refuses_low_contrast(api):
    created = api.post(
        "/api/v1/bulletin-templates", json={"name": "T", "body_markdown": "Hi", "brand_colour": "#003087"}
    )
    assert created.status_code == 201 and created.get_json()["brand_colour"] == "#003087"
    refused = api.post(
        "/api/v1/bulletin-templates", json={"name": "U", "body_markdown": "Hi", "brand_colour": "#eeeeee"}
    )
    assert refused.status_code == 422 and "contrast" in refused.get_json()["errors"]["brand_colour"]
    assert [t["name"] for t in api.get("/api/v1/bulletin-templates").get_json()] == ["T"]


@pytest.mark.parametrize("button_colour", [None, "#330072"])
def test_a_button_shows_white_words_without_underline_on_its_colour(app, outbox, button_colour):
    create_member()
    brand = {"button_colour": button_colour} if button_colour else {}
    template = campaigns.save_template("Monthly", "Hello {{ first_name }}", brand=brand)
    campaign = create_campaign(template_id=template.id, body="", editor="blocks")
    campaigns.save_blocks(campaign, [{"type": "button", "text": "Find a clinic", "url": "https://example.org/clinics"}])
    sending.start_send(campaign.id)
    [message] = outbox()
    cell = re.search(
        r'<td class="block-button-cell" style="([^"]*)"><a class="block-button-link"[^>]* style="([^"]*)"',
        message["html"],
    )
    assert f"background-color: {button_colour or '#007f3b'}" in cell.group(1)
    # White on every allowed button colour: the link colour of the content would be blue on the button.
    assert "color: #ffffff" in cell.group(2) and "#005eb8" not in cell.group(2)
    assert "text-decoration: none" in cell.group(2)
