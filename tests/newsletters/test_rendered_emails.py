"""Three kinds of bulletin as mail clients receive them: Markdown from the standard template, blocks
with pictures and columns, and a branded template with a logo. Each email has a plain-text part without
markup, one unsubscribe link, pictures at absolute addresses, presentation-only layout tables, and the
one-click List-Unsubscribe headers."""

import io
import re

import pytest
from PIL import Image

from app.newsletters import campaigns, images, sending
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

MARKDOWN = (
    "## Winter news, {{ first_name }}\n\nRead **our** [winter plan](https://example.org/plan).\n\n"
    "- Flu jabs\n- Pharmacy hours\n\n<script>alert(1)</script>"
)


@pytest.fixture
def config_overrides(config_overrides):
    return {**config_overrides, "PUBLIC_BASE_URL": "https://involve.example"}


def _picture(size=(600, 300)):
    out = io.BytesIO()
    Image.new("RGB", size, (0, 94, 184)).save(out, "PNG")
    return images.upload(out.getvalue())


def _markdown():
    template = campaigns.save_template("Standard", MARKDOWN)
    return create_campaign(name="Markdown", template_id=template.id, body="")


def _blocks():
    picture = _picture()
    campaign = create_campaign(name="Blocks", body="", editor="blocks")
    return campaigns.save_blocks(
        campaign,
        [
            {"type": "heading", "text": "Winter vaccines, {{ first_name }}"},
            {"type": "paragraph", "text": "Book **now** at [your practice](https://example.org/book)."},
            {"type": "image", "image_id": picture.id, "alt": "A nurse giving a vaccine"},
            {"type": "button", "text": "Find a clinic", "url": "https://example.org/clinics"},
            {"type": "divider"},
            {"type": "columns", "left": "*Monday* mornings", "right": "Friday evenings"},
        ],
    )


def _branded():
    logo = _picture((400, 100))
    template = campaigns.save_template(
        "Branded",
        "Hello {{ first_name }}, see [our plan](https://example.org/plan).\n\n![Map of clinics](https://example.org/map.png)",
        brand={
            "brand_colour": "#003087",
            "button_colour": "#330072",
            "logo_image_id": logo.id,
            "logo_alt": "NHS Anytown",
        },
    )
    return create_campaign(name="Branded", template_id=template.id, body="")


@pytest.mark.parametrize("make", [_markdown, _blocks, _branded], ids=["markdown", "blocks", "branded"])
def test_each_kind_of_bulletin_arrives_as_mail_clients_need(app, outbox, make):
    create_member("reader@example.org", first_name="Rowan")
    campaign = make()
    sending.start_send(campaign.id)
    [message] = outbox()
    html, text, headers = message["html"], message["text"], message["headers"]

    # Plain text: words and addresses, no markup, nothing the HTML part removed.
    assert "Rowan" in text
    for markup in ("**", "](", "<", "##", "alert(1)"):
        assert markup not in text, markup
    assert "https://example.org/" in text or "https://involve.example/t/c/" in text
    assert "alert(1)" not in html

    # One unsubscribe link in the body, and the one-click headers (RFC 8058).
    assert len(re.findall(r">\s*Unsubscribe\s*<", html)) == 1
    assert re.search(r"<https://involve\.example/unsubscribe/[^>]+>", headers["List-Unsubscribe"])
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Pictures at absolute addresses; every layout table is presentation only.
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert sources and all(src.startswith("https://") for src in sources)
    assert all('alt="' in tag for tag in re.findall(r"<img[^>]*>", html))
    tables = re.findall(r"<table[^>]*>", html)
    assert tables and all('role="presentation"' in table for table in tables)
