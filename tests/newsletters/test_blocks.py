"""Bulletins written as blocks: checked field by field, edited without script, sent like any other."""

import io
import re

import pytest
from PIL import Image

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import campaigns, images, sending
from app.newsletters.models import Campaign
from tests.factories import create_member, csrf_token
from tests.newsletters.factories import create_campaign


def png(size=(800, 400)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 94, 184)).save(out, "PNG")
    return out.getvalue()


def block_campaign(blocks, **fields):
    campaign = create_campaign(body="", editor="blocks", **fields)
    return campaigns.save_blocks(campaign, blocks)


def bulletin_blocks(image_id):
    return [
        {"type": "heading", "text": "Winter vaccines, {{ first_name }}"},
        {"type": "paragraph", "text": "Book **now** at [your practice](https://example.org/book?a=1&b=2)."},
        {"type": "image", "image_id": image_id, "alt": "A nurse giving a vaccine"},
        {"type": "button", "text": "Find a clinic", "url": "https://example.org/clinics"},
        {"type": "divider"},
        {"type": "columns", "left": "*Monday* mornings", "right": "Friday evenings"},
    ]


@pytest.mark.parametrize(
    "block, field, words",
    [
        ({"type": "carousel"}, "blocks-0-type", "carousel"),
        ({"type": "heading", "text": ""}, "blocks-0-text", "Enter the heading"),
        ({"type": "heading"}, "blocks-0-text", "Enter the heading"),
        ({"type": "image", "image_id": 999, "alt": "A view"}, "blocks-0-image_id", "Choose or upload an image"),
        ({"type": "button", "text": "Go", "url": "http://example.org"}, "blocks-0-url", "starting https://"),
        ({"type": "button", "text": "Go", "url": "javascript:alert(1)"}, "blocks-0-url", "starting https://"),
        ({"type": "columns", "left": "Only one"}, "blocks-0-right", "right column"),
        ({"type": "divider", "colour": "red"}, "blocks-0-colour", "no field called 'colour'"),
        ({"type": "paragraph", "text": "Hi {{ nickname }}"}, "blocks-0-text", "{{ nickname }}"),
    ],
)
def test_a_wrong_block_is_refused_with_its_field_named_and_nothing_saved(app, block, field, words):
    campaign = create_campaign(body="Markdown stays until blocks are saved")
    with pytest.raises(InvalidRequest) as refused:
        campaigns.save_blocks(campaign, [block])
    assert field in refused.value.errors and words in refused.value.errors[field]
    db.session.expire_all()
    saved = db.session.get(Campaign, campaign.id)
    assert saved.editor == "markdown" and saved.blocks is None


def test_an_image_needs_alt_text_unless_marked_decorative(app):
    image = images.upload(png())
    campaign = create_campaign()
    with pytest.raises(InvalidRequest) as refused:
        campaigns.save_blocks(campaign, [{"type": "image", "image_id": image.id, "alt": " "}])
    assert "Describe the image" in refused.value.errors["blocks-0-alt"]
    campaigns.save_blocks(campaign, [{"type": "image", "image_id": image.id, "decorative": True}])
    assert db.session.get(Campaign, campaign.id).blocks[0]["decorative"] is True


def test_a_block_bulletin_is_sent_with_its_heading_image_tracked_button_and_plain_text(app, outbox):
    create_member(first_name="Ada")
    image = images.upload(png())
    campaign = block_campaign(bulletin_blocks(image.id))
    assert sending.start_send(campaign.id) == 1
    (message,) = outbox()
    page = message["html"]
    assert "Winter vaccines, Ada" in page
    assert re.search(
        rf'<img src="http://localhost/bulletin-images/{re.escape(image.file_name)}" alt="A nurse giving a vaccine"',
        page,
    )
    assert "<strong>now</strong>" in page and "<em>Monday</em>" in page
    # The button and the paragraph's link go through the click tracker like every other link.
    assert "https://example.org/clinics" not in page and "https://example.org/book" not in page
    assert len(re.findall(r'href="http://localhost/t/c/[^"]+"', page)) >= 3
    assert "Find a clinic</a>" in page
    assert page.count("/unsubscribe/") == 1
    assert page.count('role="presentation"') >= 5
    text = message["text"]
    assert "Winter vaccines, Ada" in text and "Find a clinic (https://example.org/clinics)" in text
    assert "Monday mornings" in text and "Friday evenings" in text
    assert "/unsubscribe/" in text
    assert not re.search(r"<[a-z/][^>]*>", text) and "**" not in text and "&amp;" not in text


def test_a_paragraph_link_to_the_unsubscribe_page_replaces_the_footer_one(app, outbox):
    create_member()
    block_campaign([{"type": "paragraph", "text": "Had enough? [Unsubscribe here]({{ unsubscribe_url }})"}])
    (message,) = outbox() if sending.start_send(db.session.query(Campaign).one().id) else [None]
    assert message["html"].count("/unsubscribe/") == 1 and "Unsubscribe here" in message["html"]


def test_markup_typed_into_a_block_is_shown_as_text(app, outbox):
    create_member()
    block_campaign([{"type": "paragraph", "text": '<script>alert(1)</script> <a href="javascript:x">x</a>'}])
    sending.start_send(db.session.query(Campaign).one().id)
    (message,) = outbox()
    assert "<script>" not in message["html"] and "&lt;script&gt;" in message["html"]
    assert '<a href="javascript' not in message["html"] and "&lt;a href" in message["html"]


def _editor(client, campaign):
    return f"/staff/bulletins/campaigns/{campaign.id}/blocks"


def _post(client, campaign, data, files=None):
    token = csrf_token(client.get(_editor(client, campaign)).get_data(as_text=True))
    return client.post(
        _editor(client, campaign),
        data={"csrf_token": token, **data, **(files or {})},
        content_type="multipart/form-data",
    )


def test_the_editor_adds_moves_and_removes_blocks_without_saving_until_save(app, client, comms):
    campaign = create_campaign(body="", editor="blocks")
    page = _post(client, campaign, {"action": "add-heading"})
    assert page.status_code == 200
    assert re.search(r'<input[^>]*id="blocks-0-text"[^>]*autofocus', page.get_data(as_text=True))
    form = {
        "blocks-0-type": "heading",
        "blocks-0-text": "First",
        "blocks-1-type": "paragraph",
        "blocks-1-text": "Second",
    }
    moved = _post(client, campaign, {**form, "action": "down-0"}).get_data(as_text=True)
    assert moved.index(">Second</textarea>") < moved.index('value="First"')
    removed = _post(client, campaign, {**form, "action": "remove-1"}).get_data(as_text=True)
    assert "Second" not in removed and 'value="First"' in removed
    assert db.session.get(Campaign, campaign.id).blocks is None
    saved = _post(client, campaign, {**form, "action": "save"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert [b["text"] for b in db.session.get(Campaign, campaign.id).blocks] == ["First", "Second"]


def test_the_editor_shows_each_problem_beside_its_field_and_saves_nothing(app, client, comms):
    campaign = block_campaign([{"type": "heading", "text": "Kept"}])
    response = _post(
        client,
        campaign,
        {
            "blocks-0-type": "heading",
            "blocks-0-text": "",
            "blocks-1-type": "button",
            "blocks-1-text": "Go",
            "blocks-1-url": "http://example.org",
            "action": "save",
        },
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in text
    assert 'href="#blocks-0-text"' in text and 'id="blocks-0-text-error"' in text
    assert 'href="#blocks-1-url"' in text and 'id="blocks-1-url-error"' in text
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).blocks == [{"type": "heading", "text": "Kept"}]


def test_an_image_uploaded_in_the_editor_is_kept_with_its_block(app, client, comms):
    campaign = create_campaign(body="", editor="blocks")
    data = {"blocks-0-type": "image", "blocks-0-alt": "Our new clinic", "action": "save"}
    bad = _post(client, campaign, data, {"blocks-0-file": (io.BytesIO(b"not a picture"), "x.png")})
    assert bad.status_code == 400 and 'id="blocks-0-file-error"' in bad.get_data(as_text=True)
    good = _post(client, campaign, data, {"blocks-0-file": (io.BytesIO(png()), "clinic.png")})
    assert good.status_code == 302
    db.session.expire_all()
    [block] = db.session.get(Campaign, campaign.id).blocks
    assert block["alt"] == "Our new clinic" and images.get(block["image_id"]).width == 800


def test_preview_and_web_version_show_a_block_bulletin(app, client, comms):
    image = images.upload(png())
    campaign = block_campaign(bulletin_blocks(image.id), is_public="1")
    preview = client.get(f"/staff/bulletins/campaigns/{campaign.id}/preview?view=desktop").get_data(as_text=True)
    assert "Winter vaccines, Sam" in preview and "Find a clinic" in preview
    text = client.get(f"/staff/bulletins/campaigns/{campaign.id}/preview?view=text").get_data(as_text=True)
    assert "Find a clinic" in text
    create_member()
    sending.start_send(campaign.id)
    archived = client.get(f"/bulletins/{campaign.id}").get_data(as_text=True)
    assert "Winter vaccines, reader" in archived and "A nurse giving a vaccine" in archived


def test_choosing_blocks_on_the_campaign_form_leads_to_the_block_editor(app, client, comms):
    token = csrf_token(client.get("/staff/bulletins/campaigns/new").get_data(as_text=True))
    response = client.post(
        "/staff/bulletins/campaigns/new", data={"csrf_token": token, "name": "Blocks", "editor": "blocks"}
    )
    campaign = db.session.query(Campaign).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/campaigns/{campaign.id}/blocks")
    assert campaign.editor == "blocks"
