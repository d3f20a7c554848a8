"""Staff pages for practices and PCNs."""

import io

from app.extensions import db
from app.organisations.models import Practice
from tests.factories import create_member, create_pcn, create_practice, create_staff_user, csrf_token, login
from tests.rosters.factories import create_roster


def test_practice_list_shows_ppg_and_member_count(client):
    practice = create_practice("M92001", "High Street Surgery", create_pcn())
    create_member(practice_id=practice.id)
    create_member(practice_id=practice.id)
    create_roster("High Street PPG", "ppg", practice_id=practice.id)
    login(client, create_staff_user("analyst"))
    page = client.get("/staff/organisations/practices").get_data(as_text=True)
    assert "High Street Surgery" in page and "High Street PPG" in page
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">2</td>' in page


def test_edit_practice_with_bad_code_shows_error_and_changes_nothing(client):
    practice = create_practice("M92001")
    login(client, create_staff_user("engagement"))
    url = f"/staff/organisations/practices/{practice.id}/edit"
    token = csrf_token(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, "ods_code": "nonsense", "name": "X", "postcode": ""})
    assert response.status_code == 400
    assert "Enter an ODS code" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Practice, practice.id).ods_code == "M92001"


def test_import_page_reports_bad_rows(client):
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/organisations/import").get_data(as_text=True))
    raw = b"practice_code,practice_name,pcn_code\nM92001,Surgery,U99999\n"
    response = client.post(
        "/staff/organisations/import",
        data={"csrf_token": token, "kind": "practices", "file": (io.BytesIO(raw), "p.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Line 2: unknown PCN code U99999" in response.get_data(as_text=True)


def test_import_page_with_wrong_header_explains(client):
    login(client, create_staff_user("admin"))
    token = csrf_token(client.get("/staff/organisations/import").get_data(as_text=True))
    response = client.post(
        "/staff/organisations/import",
        data={"csrf_token": token, "kind": "list_sizes", "file": (io.BytesIO(b"a,b\n1,2\n"), "l.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "ORG_CODE" in response.get_data(as_text=True)


def test_places_group_pcns(client):
    login(client, create_staff_user("engagement"))
    token = csrf_token(client.get("/staff/organisations/places/new").get_data(as_text=True))
    missing = client.post("/staff/organisations/places/new", data={"csrf_token": token, "code": "", "name": ""})
    assert missing.status_code == 400 and "Enter the name of the place" in missing.get_data(as_text=True)
    form = {"csrf_token": token, "code": "wol", "name": "Wolverhampton", "icb_name": "Black Country ICB"}
    assert client.post("/staff/organisations/places/new", data=form).status_code == 302
    from app.organisations.models import Place

    place = db.session.scalar(db.select(Place))
    token = csrf_token(client.get("/staff/organisations/pcns/new").get_data(as_text=True))
    form = {"csrf_token": token, "code": "U11111", "name": "North PCN", "place_id": str(place.id)}
    assert client.post("/staff/organisations/pcns/new", data=form).status_code == 302
    page = client.get("/staff/organisations/pcns").get_data(as_text=True)
    assert "Wolverhampton" in page and "Black Country ICB" in page and "North PCN" in page
