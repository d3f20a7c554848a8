"""The API's edges a client meets first: times with offsets, bounded pages, 405 with Allow, JSON types."""

import json

from app.auth import services as auth
from tests.factories import create_member


def _bearer(role="admin"):
    _, secret = auth.create_api_token(f"{role} client", role)
    return {"Authorization": f"Bearer {secret}"}


def test_every_timestamp_carries_an_offset(client):
    headers = _bearer()
    member = create_member("offset@example.org")
    body = client.get(f"/api/v1/members/{member.id}", headers=headers).get_json()
    assert body["created_at"].endswith("+00:00")
    template = client.post("/api/v1/bulletin-templates", json={"name": "T", "body_markdown": "Hi"}, headers=headers)
    assert template.status_code == 201
    assert template.get_json()["created_at"].endswith("+00:00")


def test_huge_page_numbers_and_sizes_are_field_errors_not_server_errors(client):
    headers = _bearer()
    huge = client.get("/api/v1/meetings?page_size=419&page=7045261853423786474576843636736", headers=headers)
    assert huge.status_code == 400 and "page" in huge.get_json()["errors"]
    big = client.get("/api/v1/meetings?page_size=501", headers=headers)
    assert big.status_code == 400 and "page_size" in big.get_json()["errors"]
    fine = client.get("/api/v1/meetings?page=1&page_size=10", headers=headers)
    assert fine.status_code == 200
    assert json.loads(fine.headers["X-Pagination"]) == {"total": 0, "total_pages": 0, "page": 1, "page_size": 10}


def test_a_method_the_path_does_not_take_is_405_with_allow(client):
    response = client.delete("/api/v1/meetings", headers=_bearer())
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert response.is_json


def test_json_values_must_have_their_documented_types(client):
    headers = _bearer()
    response = client.post(
        "/api/v1/campaigns", json={"name": "A", "anonymous_tracking": "yes", "send_rate": "12"}, headers=headers
    )
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert "true or false" in errors["anonymous_tracking"] and "without quotes" in errors["send_rate"]
    assert client.get("/api/v1/campaigns", headers=headers).get_json() == []


def test_unknown_fields_and_missing_bodies_are_refused(client):
    headers = _bearer()
    extra = client.post(
        "/api/v1/bulletin-templates", json={"name": "T", "body_markdown": "Hi", "colour": "red"}, headers=headers
    )
    assert extra.status_code == 400 and "colour" in extra.get_json()["errors"]
    empty = client.post("/api/v1/audiences/count", headers=headers)
    assert empty.status_code == 400 and "JSON" in empty.get_json()["message"]


def test_the_document_links_a_created_campaign_to_what_can_be_done_with_it(client):
    """A client (or the stateful fuzzer) follows links from POST /campaigns to send, pause and cancel."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    links = paths["/api/v1/campaigns"]["post"]["responses"]["201"]["links"]
    targets = {link["operationRef"] for link in links.values()}
    assert "#/paths/~1api~1v1~1campaigns~1{campaign_id}/get" in targets
    assert "#/paths/~1api~1v1~1campaigns~1{campaign_id}~1send/post" in targets
    assert all(link["parameters"] == {"campaign_id": "$response.body#/id"} for link in links.values())
    created = client.post(
        "/api/v1/bulletin-templates", json={"name": "T", "body_markdown": "Hi"}, headers=_bearer()
    ).get_json()
    assert isinstance(created["id"], int)  # what the links point at is in the body
