"""Blocks through /api/v1: documented one schema per type, read and written, bad blocks refused naming the field."""

import pytest

from app.extensions import db
from app.newsletters.models import Campaign, Template

BLOCKS = [
    {"type": "heading", "text": "Winter news, {{ first_name }}"},
    {"type": "paragraph", "text": "Book **now** at [your practice](https://example.org/book)."},
    {"type": "button", "text": "Find a clinic", "url": "https://example.org/clinics"},
    {"type": "divider"},
    {"type": "columns", "left": "Mondays", "right": "Fridays"},
    {
        "type": "news",
        "items": [
            {"title": "New clinic", "text": "Opens in May.", "url": "https://example.org/c", "link_text": "Read"},
            {"title": "Thank you"},
        ],
    },
]


def test_the_openapi_document_describes_each_block_type_discriminated_by_type(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for name in ("CampaignIn", "CampaignOut", "TemplateIn", "TemplateOut"):
        items = schemas[name]["properties"]["blocks"]["items"]
        assert items["discriminator"]["propertyName"] == "type"
        assert set(items["discriminator"]["mapping"]) == {
            "heading",
            "paragraph",
            "image",
            "button",
            "divider",
            "columns",
            "news",
        }
        assert len(items["oneOf"]) == 7
    assert schemas["HeadingBlock"]["properties"]["type"]["enum"] == ["heading"]
    assert set(schemas["HeadingBlock"]["required"]) == {"type", "text"}
    assert set(schemas["ImageBlock"]["properties"]) == {"type", "image_id", "alt", "decorative"}
    news_items = schemas["NewsBlock"]["properties"]["items"]
    assert news_items["items"]["$ref"].endswith("/NewsItem") and news_items["minItems"] == 1
    assert "title" in schemas["NewsItem"]["required"]


def test_a_campaign_s_blocks_are_written_and_read_through_the_api(api):
    created = api.post("/api/v1/campaigns", json={"name": "Winter", "blocks": BLOCKS})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["editor"] == "blocks" and [b["type"] for b in body["blocks"]] == [b["type"] for b in BLOCKS]
    assert body["blocks"][5]["items"][0]["link_text"] == "Read"
    campaign_id = body["id"]
    read = api.get(f"/api/v1/campaigns/{campaign_id}").get_json()
    assert read["blocks"][0] == {"type": "heading", "text": "Winter news, {{ first_name }}"}
    changed = api.put(f"/api/v1/campaigns/{campaign_id}", json={"name": "Winter", "blocks": BLOCKS[:1]})
    assert changed.status_code == 200 and len(changed.get_json()["blocks"]) == 1
    # Writing without blocks leaves them as they are.
    kept = api.put(f"/api/v1/campaigns/{campaign_id}", json={"name": "Winter 2"}).get_json()
    assert kept["name"] == "Winter 2" and len(kept["blocks"]) == 1 and kept["editor"] == "blocks"


@pytest.mark.parametrize(
    "block, status, field",
    [
        ({"type": "button", "text": "Go", "url": "http://example.org"}, 422, "blocks.0.url"),
        ({"type": "heading", "text": "Hi {{ nickname }}"}, 422, "blocks.0.text"),
        ({"type": "image", "image_id": 4242, "alt": "A view"}, 422, "blocks.0.image_id"),
        (
            {"type": "news", "items": [{"title": "A", "url": "ftp://x.org", "link_text": "Go"}]},
            422,
            "blocks.0.items.0.url",
        ),
        ({"type": "news", "items": [{"title": "A", "url": "https://x.org"}]}, 422, "blocks.0.items.0.link_text"),
        ({"type": "heading"}, 400, "blocks.0.text"),
        ({"type": "carousel"}, 400, "blocks.0.type"),
        ({"type": "divider", "colour": "red"}, 400, "blocks.0.colour"),
        ({"type": "news", "items": [{"title": "A", "decorative": "yes"}]}, 400, "blocks.0.items.0.decorative"),
        ({"type": "news", "items": []}, 400, "blocks.0.items"),
    ],
)
def test_a_bad_block_is_refused_with_its_field_named_and_nothing_saved(api, block, status, field):
    created = api.post("/api/v1/campaigns", json={"name": "Bad", "blocks": [BLOCKS[0], block]})
    field = field.replace("blocks.0", "blocks.1")
    assert created.status_code == status and field in created.get_json()["errors"], created.get_json()
    assert db.session.query(Campaign).count() == 0
    good = api.post("/api/v1/campaigns", json={"name": "Good", "blocks": BLOCKS[:1]}).get_json()
    refused = api.put(f"/api/v1/campaigns/{good['id']}", json={"name": "Renamed", "blocks": [block]})
    assert refused.status_code == status
    db.session.expire_all()
    kept = db.session.get(Campaign, good["id"])
    assert kept.name == "Good" and kept.blocks == [BLOCKS[0]]


def test_a_template_s_blocks_are_written_and_read_and_a_campaign_from_it_copies_them(api):
    created = api.post("/api/v1/bulletin-templates", json={"name": "Monthly", "body_markdown": "", "blocks": BLOCKS})
    assert created.status_code == 201, created.get_json()
    template = created.get_json()
    assert template["editor"] == "blocks" and len(template["blocks"]) == len(BLOCKS)
    refused = api.put(
        f"/api/v1/bulletin-templates/{template['id']}",
        json={"name": "Renamed", "body_markdown": "", "blocks": [{"type": "news", "items": [{"title": ""}]}]},
    )
    assert refused.status_code == 400 and "blocks.0.items.0.title" in refused.get_json()["errors"]
    assert db.session.get(Template, template["id"]).name == "Monthly"
    campaign = api.post("/api/v1/campaigns", json={"name": "June", "template_id": template["id"]}).get_json()
    assert campaign["editor"] == "blocks" and campaign["blocks"] == template["blocks"]


def test_a_template_can_be_written_as_blocks_alone_and_switched_back_to_markdown(api):
    created = api.post("/api/v1/bulletin-templates", json={"name": "Block template", "blocks": BLOCKS[:2]})
    assert created.status_code == 201, created.get_json()
    template_id = created.get_json()["id"]
    assert created.get_json()["editor"] == "blocks" and created.get_json()["body_markdown"] == ""
    back = api.put(
        f"/api/v1/bulletin-templates/{template_id}",
        json={"name": "Block template", "body_markdown": "Hello {{ first_name }}", "editor": "markdown"},
    ).get_json()
    assert back["editor"] == "markdown" and back["body_markdown"] == "Hello {{ first_name }}"
    # Leaving the Markdown out keeps it.
    kept = api.put(f"/api/v1/bulletin-templates/{template_id}", json={"name": "Renamed"}).get_json()
    assert kept["body_markdown"] == "Hello {{ first_name }}" and kept["name"] == "Renamed"


def test_a_campaign_written_as_blocks_can_be_switched_back_to_markdown(api):
    campaign_id = api.post("/api/v1/campaigns", json={"name": "Winter", "blocks": BLOCKS[:1]}).get_json()["id"]
    back = api.put(
        f"/api/v1/campaigns/{campaign_id}",
        json={"name": "Winter", "body_markdown": "Hello", "editor": "markdown"},
    ).get_json()
    assert back["editor"] == "markdown" and back["body_markdown"] == "Hello"
    refused = api.put(f"/api/v1/campaigns/{campaign_id}", json={"name": "Winter", "editor": "word"})
    assert refused.status_code == 400
