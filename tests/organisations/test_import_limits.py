"""Over-long values, impossible list sizes and practices that are not open GP practices."""

from app.extensions import db
from app.organisations import imports, services
from app.organisations.models import PCN, ListSize, Place, Practice
from tests.factories import create_practice, create_staff_user, csrf_token, login


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_long_names_and_codes_in_the_practice_file_are_reported_by_line_and_nothing_is_written():
    raw = (
        "practice_code,practice_name,pcn_code,pcn_name,place_code,place_name\n"
        "M92001,Good Surgery,,,,\n"
        f"M92002,{'N' * 201},,,,\n"
        f"M92003,Fine,U12345,{'P' * 201},,\n"
        f"M92004,Fine,,,WOL,{'W' * 201}\n"
        f"M92005,Fine,,,{'C' * 21},\n"
    ).encode()
    report = imports.import_practices(raw)
    lines = {line: message for line, message in report.errors}
    assert set(lines) == {3, 4, 5, 6}
    assert "practice_name is too long: at most 200 characters" in lines[3]
    assert "pcn_name" in lines[4] and "place_name" in lines[5] and "place_code" in lines[6]
    assert _count(Practice) == _count(PCN) == _count(Place) == 0


def _upload(client, body: bytes, kind: str = "practices"):
    from io import BytesIO

    token = csrf_token(client.get("/staff/organisations/import").get_data(as_text=True))
    return client.post(
        "/staff/organisations/import",
        data={"csrf_token": token, "kind": kind, "file": (BytesIO(body), "file.csv")},
        content_type="multipart/form-data",
    )


def test_import_page_shows_the_long_name_on_its_line(client):
    login(client, create_staff_user("admin"))
    response = _upload(client, b"practice_code,practice_name,pcn_code,pcn_name\nM92010,A,U12345," + b"P" * 250 + b"\n")
    assert response.status_code == 400
    assert "Line 2: pcn_name is too long" in response.get_data(as_text=True)
    assert _count(PCN) == 0


def _post_form(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_practice_and_pcn_forms_refuse_names_over_200_characters(client):
    login(client, create_staff_user("admin"))
    response = _post_form(client, "/staff/organisations/practices/new", {"ods_code": "M92001", "name": "N" * 250})
    assert response.status_code == 400
    assert "The practice name must be 200 characters or fewer" in response.get_data(as_text=True)
    response = _post_form(client, "/staff/organisations/pcns/new", {"code": "U00001", "name": "N" * 250})
    assert response.status_code == 400
    assert "The PCN name must be 200 characters or fewer" in response.get_data(as_text=True)
    response = _post_form(client, "/staff/organisations/places/new", {"code": "P" * 25, "name": "Somewhere"})
    assert "The place code must be 20 characters or fewer" in response.get_data(as_text=True)
    assert _count(Practice) == _count(PCN) == _count(Place) == 0


HEADER = b"ORG_CODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\nM92099,MALE,0_4,10\n"


def test_list_sizes_too_large_for_the_database_are_refused_by_line():
    create_practice("M92099")
    for number in (b"9999999999", b"99999999999999999999"):
        report = imports.import_list_sizes(HEADER + b"M92099,FEMALE,0_4," + number + b"\n")
        assert report.errors == [(3, f"NUMBER_OF_PATIENTS is too large: '{number.decode()}'")]
    assert _count(ListSize) == 0


def test_list_sizes_with_an_unknown_age_band_are_refused_by_line():
    create_practice("M92099")
    report = imports.import_list_sizes(HEADER + b"M92099,MALE,banana,4\nM92099,MALE,5_10,4\n")
    assert [line for line, _ in report.errors] == [3, 4]
    assert "AGE_GROUP_5 must be a five-year band" in report.errors[0][1]
    assert _count(ListSize) == 0


def test_list_size_import_page_shows_the_overflow_line(client):
    create_practice("M92099")
    login(client, create_staff_user("admin"))
    response = _upload(client, HEADER + b"M92099,MALE,5_9,99999999999999999999\n", "list_sizes")
    assert response.status_code == 400
    assert "Line 3: NUMBER_OF_PATIENTS is too large" in response.get_data(as_text=True)


def test_practice_page_lists_age_bands_youngest_first(client):
    practice = create_practice("M92099")
    imports.import_list_sizes(
        b"ORG_CODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n"
        b"M92099,MALE,10_14,5\nM92099,MALE,95+,1\nM92099,MALE,5_9,6\nM92099,MALE,0_4,7\n"
    )
    assert [r.age_band for r in services.list_size_rows(practice.id)] == ["0_4", "5_9", "10_14", "95+"]
    login(client, create_staff_user("admin"))
    page = client.get(f"/staff/organisations/practices/{practice.id}").get_data(as_text=True)
    assert page.index("5_9") < page.index("10_14") < page.index("95+")


def _epraccur(code: str, status: str = "A", setting: str = "4") -> str:
    row = ["", "SURGERY", "Y60", "QUA", "1 HIGH ST", "", "TOWN", "", "", "WV1 1AA", "19740401", "", status]
    row += ["B", "D2P2L", "20130401", "", "0123", "", "", "", "0", "", "", "", setting, ""]
    row[0] = code
    return ",".join(row)


def test_dormant_and_non_gp_epraccur_rows_are_skipped_and_counted():
    rows = [_epraccur("M92001"), _epraccur("M92002", status="D"), _epraccur("Y02345", setting="8")]
    report = imports.import_practices(("\n".join(rows) + "\n").encode())
    assert report.errors == [] and report.created == 1 and report.skipped == 2
    assert [p.ods_code for p in db.session.scalars(db.select(Practice))] == ["M92001"]


def test_inactive_rows_in_a_headed_ods_file_are_skipped_and_the_report_says_so(client):
    login(client, create_staff_user("admin"))
    body = b"Name,Organisation Code,Postcode,Status\nNEW SURGERY,M92010,WV2 2BB,Active\nOLD,M92011,WV3 3CC,Inactive\n"
    response = _upload(client, body)
    assert "1 new, 0 updated, 1 skipped" in response.get_data(as_text=True)
    assert [p.ods_code for p in db.session.scalars(db.select(Practice))] == ["M92010"]


def test_a_practice_page_links_to_its_members_for_those_who_may_see_them(client):
    from tests.factories import create_member

    practice = create_practice("M92098")
    create_member(email="here@example.org", practice_id=practice.id)
    create_member(email="elsewhere@example.org")
    login(client, create_staff_user("engagement"))
    page = client.get(f"/staff/organisations/practices/{practice.id}").get_data(as_text=True)
    link = f"/staff/members?practice_id={practice.id}"
    assert link in page
    listed = client.get(link).get_data(as_text=True)
    assert "here@example.org" in listed and "elsewhere@example.org" not in listed

    # Not offered to a role that cannot open the members list.
    analyst = client.application.test_client()
    login(analyst, create_staff_user("analyst"))
    assert link not in analyst.get(f"/staff/organisations/practices/{practice.id}").get_data(as_text=True)
