"""The representativeness API: baselines, live audits and saved audits, suppressed, for every reporting role."""

from datetime import date

import pytest

from app.auth import services as auth
from app.representation import services
from tests.factories import create_member
from tests.representation.helpers import born_years_before, load_area

ON = date(2026, 6, 1)


def _headers(role="analyst"):
    _, secret = auth.create_api_token(f"{role} client", role)
    return {"Authorization": f"Bearer {secret}"}


def _members():
    for _ in range(60):
        create_member(date_of_birth=born_years_before(ON, 40), equality={"ethnic_group": "white", "sex": "female"})
    for _ in range(3):
        create_member(
            first_name="Rare",
            date_of_birth=born_years_before(ON, 40),
            equality={"ethnic_group": "asian", "sex": "male"},
        )


def _row(characteristic, category):
    return next(r for r in characteristic["categories"] if r["category"] == category)


def _by_key(body, key):
    return next(c for c in body["characteristics"] if c["key"] == key)


def test_baselines_of_the_area_served_with_counts_and_shares(client):
    load_area()
    body = client.get("/api/v1/representation/baselines", headers=_headers()).get_json()
    sex = _by_key(body, "sex")
    assert sex["available"] is True
    assert sum(c["count"] for c in sex["categories"]) == sex["total"] > 100000
    assert sum(c["share"] for c in sex["categories"]) == pytest.approx(1.0)
    assert body["area"]["codes"] == ["E08000031"]
    assert any("Open Government Licence" in line for line in body["attribution"])


def test_baselines_without_an_area_is_a_clear_refusal(client):
    response = client.get("/api/v1/representation/baselines", headers=_headers())
    assert response.status_code == 422
    assert "area" in response.get_json()["message"]


def test_live_audit_gives_the_page_figures_with_small_counts_hidden(client):
    load_area()
    _members()
    response = client.get("/api/v1/representation/audit?population=active&on=2026-06-01", headers=_headers())
    assert response.status_code == 200
    body = response.get_json()
    assert body["population"]["kind"] == "active" and body["audit_date"] == "2026-06-01"
    ethnic = _by_key(body, "broad_ethnic_group")
    asian = next(r for r in ethnic["categories"] if r["category"].startswith("Asian"))
    # Three people are never shown as three, nor is anything worked out from them.
    assert asian["count"] in ("*", 0)
    if asian["count"] == "*":
        assert asian["share"] == "*" and asian["ratio"] == "*" and asian["share_value"] is None
    white = next(r for r in ethnic["categories"] if r["category"].startswith("White"))
    assert abs(white["count"] - 60) <= 5 and white["count"] % 5 == 0
    # Shares and ratios are published at the precision a reader needs, never as exact fractions.
    assert white["share_value"] == round(white["share_value"], 2)
    assert white["ratio_value"] == round(white["ratio_value"], 1)
    assert "Rare" not in response.get_data(as_text=True)


def test_live_audit_bad_input_is_a_field_error_not_a_500(client):
    load_area()
    headers = _headers()
    assert client.get("/api/v1/representation/audit?population=nobody", headers=headers).status_code == 400
    bad = client.get("/api/v1/representation/audit?population=signed_up&start=2026-13-01", headers=headers)
    assert bad.status_code == 400 and "start" in bad.get_json()["errors"]
    bad_date = client.get("/api/v1/representation/audit?on=yesterday", headers=headers)
    assert bad_date.status_code == 400 and "on" in bad_date.get_json()["errors"]


def test_saved_audits_are_listed_and_read_back_suppressed(app, client):
    load_area()
    _members()
    saved = services.save_annual_audit("Annual audit 2026", on=ON)
    headers = _headers("analyst")
    listed = client.get("/api/v1/representation/audits", headers=headers).get_json()
    assert [a["title"] for a in listed] == ["Annual audit 2026"]
    body = client.get(f"/api/v1/representation/audits/{saved.id}", headers=headers).get_json()
    assert body["audit_date"] == "2026-06-01"
    sex = _by_key(body["results"], "sex")
    assert _row(sex, "Male")["count"] in ("*", 0)
    assert abs(_row(sex, "Female")["count"] - 60) <= 5
    missing = client.get("/api/v1/representation/audits/999999", headers=headers)
    assert missing.status_code == 404 and missing.is_json


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/baselines", "/audit", "/audits", "/audits/{audit_id}"):
        assert f"/api/v1/representation{path}" in paths


def test_no_token_is_refused(client):
    assert client.get("/api/v1/representation/audits").status_code == 401
