"""The "repeat for each news item" block: checked item by item, edited without script, one row per item."""

import io
import re

import pytest

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import campaigns, images, sending
from app.newsletters.models import Campaign
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.newsletters.test_blocks import _post, block_campaign, png


def news(*items):
    return {"type": "news", "items": list(items)}


@pytest.mark.parametrize(
    "item, field, words",
    [
        ({"title": ""}, "blocks-0-items-0-title", "Enter the item's title"),
        ({"text": "No title"}, "blocks-0-items-0-title", "Enter the item's title"),
        ({"title": "A", "url": "ftp://example.org", "link_text": "Go"}, "blocks-0-items-0-url", "https://"),
        ({"title": "A", "url": "javascript:alert(1)", "link_text": "Go"}, "blocks-0-items-0-url", "https://"),
        ({"title": "A", "url": "https://example.org"}, "blocks-0-items-0-link_text", "link's words"),
        ({"title": "A", "image_id": 99999, "alt": "x"}, "blocks-0-items-0-image_id", "Choose an uploaded image"),
        ({"title": "A", "colour": "red"}, "blocks-0-items-0-colour", "no field called 'colour'"),
        ({"title": "Hi {{ nickname }}"}, "blocks-0-items-0-title", "{{ nickname }}"),
    ],
)
def test_a_wrong_news_item_is_refused_with_its_field_named_and_nothing_saved(app, item, field, words):
    campaign = create_campaign(body="Markdown stays")
    with pytest.raises(InvalidRequest) as refused:
        campaigns.save_blocks(campaign, [news(item)])
    assert field in refused.value.errors and words in refused.value.errors[field]
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).blocks is None


def test_the_second_item_is_named_when_it_is_wrong_and_an_empty_list_is_refused(app):
    campaign = create_campaign()
    with pytest.raises(InvalidRequest) as refused:
        campaigns.save_blocks(campaign, [news({"title": "Fine"}, {"title": "B", "url": "http://x.org"})])
    assert list(refused.value.errors) == ["blocks-0-items-1-link_text"]
    assert "item 2" in refused.value.errors["blocks-0-items-1-link_text"]
    with pytest.raises(InvalidRequest) as refused:
        campaigns.save_blocks(campaign, [news()])
    assert "news item" in refused.value.errors["blocks-0-items"]


def test_an_item_image_needs_alt_text_unless_decorative(app):
    image = images.upload(png())
    campaign = create_campaign()
    with pytest.raises(InvalidRequest) as refused:
        campaigns.save_blocks(campaign, [news({"title": "A", "image_id": image.id, "alt": " "})])
    assert "Describe the image" in refused.value.errors["blocks-0-items-0-alt"]
    campaigns.save_blocks(campaign, [news({"title": "A", "image_id": image.id, "decorative": True})])
    assert db.session.get(Campaign, campaign.id).blocks[0]["items"][0]["decorative"] is True


def test_each_item_is_one_row_alike_in_the_email_and_listed_with_its_address_in_the_text(app, outbox):
    create_member(first_name="Ada")
    image = images.upload(png())
    block_campaign(
        [
            news(
                {
                    "title": "New clinic, {{ first_name }}",
                    "text": "Opens in May.",
                    "image_id": image.id,
                    "alt": "The new clinic",
                    "url": "https://example.org/clinic",
                    "link_text": "Read about the clinic",
                },
                {
                    "title": "Survey results",
                    "text": "You told us.",
                    "url": "http://example.org/survey",
                    "link_text": "See the results",
                },
                {"title": "Thank you", "text": "No link here."},
            )
        ]
    )
    sending.start_send(db.session.query(Campaign).one().id)
    (message,) = outbox()
    page = message["html"]
    rows = re.findall(r'<td class="news-item"[^>]*>(.*?)</td>', page, re.S)
    assert len(rows) == 3
    assert "New clinic, Ada" in rows[0] and 'alt="The new clinic"' in rows[0] and "Read about the clinic</a>" in rows[0]
    assert "Survey results" in rows[1] and "Thank you" in rows[2] and "<a " not in rows[2]
    # Every item's title has the same look: the same class, so the same inlined style.
    styles = re.findall(r'<h3 class="news-item-title" style="([^"]*)"', page)
    assert len(styles) == 3 and len(set(styles)) == 1
    # Item links go through the click tracker.
    assert "https://example.org/clinic" not in page
    text = message["text"]
    assert "New clinic, Ada" in text and "Read about the clinic (https://example.org/clinic)" in text
    assert "See the results (http://example.org/survey)" in text and "Thank you" in text
    assert text.index("New clinic") < text.index("Survey results") < text.index("Thank you")


def _item(i, j, **fields):
    base = {"title": "", "text": "", "image_id": "", "alt": "", "url": "", "link_text": ""}
    return {f"blocks-{i}-items-{j}-{k}": v for k, v in {**base, **fields}.items()}


def test_the_editor_adds_moves_and_removes_items_and_saves_only_when_every_item_is_right(app, client, comms):
    campaign = create_campaign(body="", editor="blocks")
    page = _post(client, campaign, {"action": "add-news"}).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="blocks-0-items-0-title"[^>]*autofocus', page)
    form = {"blocks-0-type": "news", **_item(0, 0, title="First"), **_item(0, 1, title="Second")}
    added = _post(client, campaign, {**form, "action": "item-add-0"}).get_data(as_text=True)
    assert re.search(r'<input[^>]*id="blocks-0-items-2-title"[^>]*autofocus', added)
    moved = _post(client, campaign, {**form, "action": "item-down-0-0"}).get_data(as_text=True)
    assert moved.index('value="Second"') < moved.index('value="First"')
    assert re.search(r'value="item-down-0-1"[^>]*autofocus|value="item-up-0-1"[^>]*autofocus', moved)
    removed = _post(client, campaign, {**form, "action": "item-remove-0-0"}).get_data(as_text=True)
    assert 'value="First"' not in removed and 'value="Second"' in removed
    assert db.session.get(Campaign, campaign.id).blocks is None

    wrong = {**form, **_item(0, 1, title="", url="ftp://x", link_text="Go"), "action": "save"}
    response = _post(client, campaign, wrong)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#blocks-0-items-1-title"' in text and 'id="blocks-0-items-1-title-error"' in text
    assert 'href="#blocks-0-items-1-url"' in text and 'id="blocks-0-items-1-url-error"' in text
    assert re.search(r'id="blocks-0-items-1-url"[^>]*aria-describedby="[^"]*blocks-0-items-1-url-error', text)
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).blocks is None

    good = {**form, **_item(0, 1, title="Second", url="https://example.org", link_text="More"), "action": "save"}
    assert _post(client, campaign, good).status_code == 302
    db.session.expire_all()
    [block] = db.session.get(Campaign, campaign.id).blocks
    assert [i["title"] for i in block["items"]] == ["First", "Second"] and block["items"][1][
        "url"
    ] == "https://example.org"


def test_an_image_uploaded_for_an_item_is_kept_with_it(app, client, comms):
    campaign = create_campaign(body="", editor="blocks")
    data = {"blocks-0-type": "news", **_item(0, 0, title="Clinic", alt="Our new clinic"), "action": "save"}
    response = _post(client, campaign, data, {"blocks-0-items-0-file": (io.BytesIO(png()), "clinic.png")})
    assert response.status_code == 302
    db.session.expire_all()
    [item] = db.session.get(Campaign, campaign.id).blocks[0]["items"]
    assert item["alt"] == "Our new clinic" and images.get(item["image_id"]).width == 800


def test_the_error_summary_lists_an_item_s_problems_in_the_order_of_its_fields(app, client, comms):
    campaign = create_campaign(body="", editor="blocks")
    data = {"blocks-0-type": "news", **_item(0, 0, url="ftp://x", link_text="Go"), **_item(0, 1), "action": "save"}
    text = _post(client, campaign, data).get_data(as_text=True)
    links = re.findall(r'<a href="#(blocks-[^"]+)"', text)
    assert links == ["blocks-0-items-0-title", "blocks-0-items-0-url", "blocks-0-items-1-title"]
