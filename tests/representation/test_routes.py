import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.representation import services
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.representation.helpers import WOLVERHAMPTON, born_years_before, load_area

ON = date(2026, 6, 1)


def _members(n=60, **equality):
    for _ in range(n):
        create_member(date_of_birth=born_years_before(ON, 40), equality=equality or {"ethnic_group": "white"})


@pytest.mark.parametrize("role,status", [("admin", 200), ("engagement", 200), ("comms", 200), ("analyst", 200)])
def test_everyone_with_reports_sees_the_aggregate_page(client, role, status):
    load_area()
    _members(60)
    login(client, create_staff_user(role))
    page = client.get("/staff/representation/?on=2026-06-01")
    assert page.status_code == status
    html = page.get_data(as_text=True)
    assert "Open Government Licence" in html
    assert "Source: Office for National Statistics" in html
    assert "<table" in html


def test_small_counts_are_starred_for_analysts(client):
    load_area()
    _members(60, ethnic_group="white")
    for _ in range(3):
        create_member(equality={"ethnic_group": "asian"})
    login(client, create_staff_user("analyst"))
    html = client.get("/staff/representation/?on=2026-06-01").get_data(as_text=True)
    row = html.split('<th scope="row" class="nhsuk-table__cell">Asian, Asian British or Asian Welsh</th>')[1]
    cells = row.split("</tr>")[0]
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">*</td>' in cells or ">0<" in cells
    assert ">3<" not in cells
    assert "Show exact figures" not in html
    assert client.get("/staff/representation/?on=2026-06-01&exact=1").status_code == 403


def test_engagement_can_see_exact_figures_marked_and_logged(client):
    from app.audit.models import AuditLogEntry
    from app.extensions import db

    load_area()
    _members(60, ethnic_group="white")
    for _ in range(3):
        create_member(equality={"ethnic_group": "asian"})
    login(client, create_staff_user("engagement"))
    assert "Show exact figures" in client.get("/staff/representation/?on=2026-06-01").get_data(as_text=True)
    html = client.get("/staff/representation/?on=2026-06-01&exact=1").get_data(as_text=True)
    assert "Exact: not for publication" in html
    row = html.split('<th scope="row" class="nhsuk-table__cell">Asian, Asian British or Asian Welsh</th>')[1]
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">3</td>' in row.split("</tr>")[0]
    logged = db.session.query(AuditLogEntry).filter(AuditLogEntry.detail.like("exact figures viewed%")).count()
    assert logged == 1
    # Downloads are for publication: never exact, whatever the page showed.
    csv_body = client.get("/staff/representation/export.csv?on=2026-06-01&exact=1").get_data(as_text=True)
    asian = next(line for line in csv_body.splitlines() if "Asian, Asian British or Asian Welsh" in line)
    assert ",3," not in asian


@pytest.mark.parametrize("role", ["analyst", "comms"])
def test_only_engagement_and_admin_change_the_area_or_save_audits(client, role):
    load_area()
    login(client, create_staff_user(role))
    assert client.get("/staff/representation/area").status_code == 403
    token = csrf_token(client.get("/staff/representation/audits").get_data(as_text=True))
    response = client.post("/staff/representation/audits", data={"csrf_token": token, "title": "x"})
    assert response.status_code == 403
    assert services.saved_audits() == []


def test_no_sign_in_redirects(client):
    assert client.get("/staff/representation/").status_code == 302


def test_choosing_the_area(client):
    from app.representation import baselines

    baselines.load_census_baselines([WOLVERHAMPTON])
    login(client, create_staff_user("engagement"))
    page = client.get("/staff/representation/area")
    token = csrf_token(page.get_data(as_text=True))
    bad = client.post("/staff/representation/area", data={"csrf_token": token})
    assert bad.status_code == 200
    assert "Choose at least one local authority" in bad.get_data(as_text=True)
    good = client.post("/staff/representation/area", data={"csrf_token": token, "areas": WOLVERHAMPTON})
    assert good.status_code == 302
    assert baselines.served_area().label == "Wolverhampton"


def test_a_bad_custom_baseline_gets_a_clear_message(client):
    load_area()
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/representation/area").get_data(as_text=True))
    response = client.post(
        "/staff/representation/area/custom",
        data={
            "csrf_token": token,
            "name": "Practice",
            "file": (io.BytesIO(b"characteristic,category,count\nsex,Female,-1\nsex,Male,4\n"), "b.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "negative" in response.get_data(as_text=True)


def test_saving_and_exporting_an_annual_audit(client):
    load_area()
    _members(60)
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/representation/audits").get_data(as_text=True))
    response = client.post(
        "/staff/representation/audits", data={"csrf_token": token, "title": "Annual audit 2026", "on": "2026-06-01"}
    )
    assert response.status_code == 302
    saved = services.saved_audits()[0]
    page = client.get(f"/staff/representation/audits/{saved.id}").get_data(as_text=True)
    assert "Annual audit 2026" in page and "frozen snapshot" in page

    csv_body = client.get(f"/staff/representation/audits/{saved.id}/export.csv").get_data(as_text=True)
    assert csv_body.lstrip("\ufeff").startswith("characteristic,category,members,share")
    assert "Open Government Licence" in csv_body

    xlsx = client.get(f"/staff/representation/audits/{saved.id}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet["A1"].value == "characteristic"

    pdf = client.get(f"/staff/representation/audits/{saved.id}/export.pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert len(pdf.data) > 5000


def test_an_empty_title_is_refused_beside_the_field(client):
    load_area()
    login(client, create_staff_user("admin"))
    token = csrf_token(client.get("/staff/representation/audits").get_data(as_text=True))
    response = client.post("/staff/representation/audits", data={"csrf_token": token, "title": " "})
    assert response.status_code == 400
    assert "Enter a title" in response.get_data(as_text=True)
    assert services.saved_audits() == []


def test_bad_dates_in_the_filter_are_explained(client):
    load_area()
    login(client, create_staff_user("analyst"))
    page = client.get("/staff/representation/?population=signed_up&start=2026-13-01")
    assert page.status_code == 200
    assert "Enter a real date" in page.get_data(as_text=True)


def _shown_filters(html: str) -> set[str]:
    """The population filters on the audit form that are not hidden."""
    import re

    return {name for name, hidden in re.findall(r'data-population-filter="(\w+)"( hidden)?', html) if not hidden}


@pytest.mark.parametrize(
    "population, shown",
    [
        ("active", set()),
        ("roster", {"roster"}),
        ("bulletin_readers", {"bulletin_readers"}),
        ("survey_respondents", {"survey_respondents"}),
        ("signed_up", {"signed_up"}),
    ],
)
def test_the_audit_form_shows_only_the_filters_of_the_chosen_group(client, population, shown):
    load_area()
    login(client, create_staff_user("analyst"))
    html = client.get(f"/staff/representation/?population={population}").get_data(as_text=True)
    assert _shown_filters(html) == shown
    # Every filter is still in the form, so script can show it when the choice changes.
    assert html.count("data-population-filter=") == 4
