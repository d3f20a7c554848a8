"""Templates written as blocks: the same block editor, a copy of the blocks in each campaign started from one."""

import re

import pytest
from sqlalchemy import select

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import campaigns, content, sending
from app.newsletters.models import Campaign, Template
from tests.factories import create_member, csrf_token
from tests.newsletters.factories import create_campaign

BLOCKS = [
    {"type": "heading", "text": "Monthly news, {{ first_name }}"},
    {"type": "button", "text": "Get involved", "url": "https://example.org/involved"},
    {"type": "news", "items": [{"title": "New clinic", "url": "https://example.org/clinic", "link_text": "Read"}]},
]


def block_template(blocks=BLOCKS, **brand):
    template = campaigns.save_template("Monthly", "", brand=brand, editor="blocks")
    return campaigns.save_template_blocks(template, blocks)


def _post(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, content_type="multipart/form-data")


def test_a_template_is_built_in_the_same_block_editor_and_nothing_wrong_is_saved(app, client, comms):
    response = _post(client, "/staff/bulletins/templates/new", {"name": "Monthly", "editor": "blocks"})
    template = db.session.scalar(select(Template))
    url = f"/staff/bulletins/templates/{template.id}/blocks"
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = _post(client, url, {"action": "add-news"}).get_data(as_text=True)
    assert "Content of Monthly" in page and "Back to the template" in page
    assert re.search(r'<input[^>]*id="blocks-0-items-0-title"[^>]*autofocus', page)
    wrong = _post(client, url, {"blocks-0-type": "button", "blocks-0-text": "Go", "blocks-0-url": "ftp://x"})
    assert wrong.status_code == 400 and 'id="blocks-0-url-error"' in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Template, template.id).blocks is None
    good = _post(client, url, {"blocks-0-type": "heading", "blocks-0-text": "Monthly news", "action": "save"})
    assert good.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Template, template.id)
    assert saved.editor == "blocks" and saved.blocks == [{"type": "heading", "text": "Monthly news"}]
    listed = client.get("/staff/bulletins/templates").get_data(as_text=True)
    assert "Monthly</a> (written as blocks)" in listed
    assert "Edit the content blocks" in client.get(f"/staff/bulletins/templates/{template.id}").get_data(as_text=True)


def test_template_blocks_are_checked_like_a_campaign_s(app):
    template = campaigns.save_template("Monthly", "", editor="blocks")
    with pytest.raises(InvalidRequest) as refused:
        campaigns.save_template_blocks(template, [{"type": "news", "items": [{"title": "", "url": "x"}]}])
    assert {"blocks-0-items-0-title", "blocks-0-items-0-url"} <= set(refused.value.errors)
    db.session.expire_all()
    assert db.session.get(Template, template.id).blocks is None


def test_a_campaign_from_a_block_template_starts_with_its_own_copy_of_the_blocks(app, client, comms):
    template = block_template()
    token = csrf_token(client.get("/staff/bulletins/campaigns/new").get_data(as_text=True))
    response = client.post(
        "/staff/bulletins/campaigns/new",
        data={"csrf_token": token, "name": "June", "template_id": template.id, "editor": "markdown"},
    )
    campaign = db.session.scalar(select(Campaign))
    assert response.headers["Location"].endswith(f"/campaigns/{campaign.id}/blocks")
    assert campaign.editor == "blocks" and campaign.blocks == template.blocks
    assert [b["type"] for b in campaign.blocks] == ["heading", "button", "news"]
    # Changing the campaign's blocks leaves the template's alone, and the other way round.
    campaigns.save_blocks(campaign, [{"type": "heading", "text": "June only"}])
    campaigns.save_template_blocks(template, [{"type": "heading", "text": "Template only"}])
    db.session.expire_all()
    assert db.session.get(Template, template.id).blocks == [{"type": "heading", "text": "Template only"}]
    assert db.session.get(Campaign, campaign.id).blocks == [{"type": "heading", "text": "June only"}]
    editor = client.get(f"/staff/bulletins/campaigns/{campaign.id}/blocks").get_data(as_text=True)
    assert 'value="June only"' in editor


def test_branding_comes_from_the_template_at_render_and_a_sent_bulletin_keeps_its_own(app, outbox):
    create_member(first_name="Ada")
    template = block_template(brand_colour="#003087")
    first = create_campaign(template_id=template.id, body="", name="First")
    assert first.blocks == template.blocks
    sending.start_send(first.id)
    [message] = outbox()
    assert "Monthly news, Ada" in message["html"] and "#003087" in message["html"]
    campaigns.save_template("Monthly", "", template, brand={"brand_colour": "#330072"})
    second = create_campaign(template_id=template.id, body="", name="Second")
    html, _ = content.preview(second)
    assert "#330072" in html and "Monthly news, Sam" in html
    sent = db.session.get(Campaign, first.id)
    assert "#003087" in sent.prepared_html and "#330072" not in sent.prepared_html


def test_a_markdown_template_still_gives_its_markdown(app):
    template = campaigns.save_template("Plain", "Hello {{ first_name }}")
    campaign = create_campaign(template_id=template.id, body="")
    assert campaign.editor == "markdown" and campaign.body_markdown == "Hello {{ first_name }}"
