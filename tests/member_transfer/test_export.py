"""Exporting the members a filter selects, as CSV or XLSX."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.spreadsheets import escape_cell
from tests.factories import create_member, create_practice, create_staff_user, login

EQUALITY = {"ethnic_group": "asian", "sex": "female", "religion": "sikh"}


def signed_in(client, role="engagement"):
    login(client, create_staff_user(role))


def csv_rows(response):
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_of_the_current_filter(client):
    practice = create_practice("M92001")
    create_member("ann@example.org", first_name="Ann", last_name="Smith", practice_id=practice.id, equality=EQUALITY)
    create_member("bob@example.org", first_name="Bob", last_name="Jones", status="unsubscribed")
    signed_in(client)

    response = client.get("/staff/members/export?status=active&format=csv")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["Email"] for r in rows] == ["ann@example.org"]
    assert rows[0]["Practice code"] == "M92001"
    assert rows[0]["Consents"] == "bulletin;equality_monitoring;involvement;surveys"
    body = response.get_data(as_text=True).lower()
    for answer in ("asian", "sikh", "female", "ethnic"):
        assert answer not in body


def test_export_is_audited_with_count_and_filter_but_no_personal_data(client):
    create_member("ann@example.org", first_name="Ann", last_name="Smith")
    create_member("ann.other@example.org", first_name="Ann", last_name="Other")
    signed_in(client)

    client.get("/staff/members/export?q=smith&status=active&format=csv").get_data()

    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "export"))
    assert entry is not None and entry.staff_user_id is not None
    assert "rows: 1" in entry.detail
    assert "status=active" in entry.detail
    assert "smith" not in entry.detail.lower()


def test_xlsx_export(client):
    create_member("ann@example.org", first_name="Zoë", last_name="Smith")
    signed_in(client)

    response = client.get("/staff/members/export?format=xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Email", "First name", "Last name")
    assert rows[1][:3] == ("ann@example.org", "Zoë", "Smith")


def test_cells_that_look_like_formulas_are_made_harmless(client):
    create_member("eve@example.org", first_name='=HYPERLINK("http://x")', last_name="+SUM(A1)", phone="-1")
    signed_in(client)

    row = csv_rows(client.get("/staff/members/export?format=csv"))[0]
    assert row["First name"] == '\'=HYPERLINK("http://x")'
    assert row["Last name"] == "'+SUM(A1)"
    assert row["Phone"] == "'-1"

    sheet = load_workbook(io.BytesIO(client.get("/staff/members/export?format=xlsx").get_data())).active
    cells = [c for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert cells[1].data_type == "s" and cells[1].value.startswith("'=")
    assert escape_cell("@cmd") == "'@cmd" and escape_cell("plain") == "plain"


@pytest.mark.parametrize("role", ["comms", "analyst"])
def test_comms_and_analyst_cannot_export(client, role):
    create_member("ann@example.org")
    signed_in(client, role)
    assert client.get("/staff/members/export?format=csv").status_code == 403
    assert client.get("/staff/members/export?format=xlsx").status_code == 403
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "export")) is None


def test_unknown_format_is_a_clear_error(client):
    signed_in(client)
    response = client.get("/staff/members/export?format=pdf")
    assert response.status_code == 400
    assert "Choose CSV or Excel" in response.get_data(as_text=True)


def test_the_list_offers_an_excel_export_of_the_same_filter(client):
    create_member("ann@example.org", first_name="Ann", contact_type="carer")
    create_member("bob@example.org", first_name="Bob", contact_type="resident")
    signed_in(client)

    page = client.get("/staff/members?contact_type=carer").get_data(as_text=True)
    [link] = [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]*/export[^"]*)"', page) if "xlsx" in href]
    assert "contact_type=carer" in link and "Export these members (Excel)" in page

    response = client.get(link)
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["ann@example.org"]


@pytest.mark.parametrize("query", ["status=bogus", "contact_type=alien", "age_band=ancient", "practice_id=abc"])
def test_an_export_with_a_bad_filter_is_refused_and_exports_nobody(client, query):
    create_member("ann@example.org")
    signed_in(client)
    listed = client.get(f"/staff/members?{query}").get_data(as_text=True)

    response = client.get(f"/staff/members/export?{query}&format=csv")

    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "ann@example.org" not in body and "attachment" not in response.headers.get("Content-Disposition", "")
    message = re.search(r'<a href="#[a-z_]+">([^<]+)</a>', listed).group(1)
    assert message in body and "Nothing was exported" in body
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(AuditLogEntry).where(AuditLogEntry.action == "export"))
        == 0
    )
