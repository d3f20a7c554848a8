"""The import pages: upload, choose columns, preview every problem, then import or not."""

import io
import os
import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.members.import_models import ImportBatch
from app.members.models import Member
from app.members.services import find_by_email
from tests.factories import create_member, create_staff_user, csrf_token, login

GOOD = b"Email,First name,Surname\r\nann@example.org,Ann,Smith\r\nbob@example.org,Bob,Jones\r\n"


def upload(client, content, filename="members.csv", **fields):
    page = client.get("/staff/members/import")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "file": (io.BytesIO(content), filename),
        "purposes": fields.pop("purposes", ["bulletin", "involvement"]),
        "method": fields.pop("method", "event"),
        "existing": fields.pop("existing", "skip"),
        "bad_rows": fields.pop("bad_rows", "refuse"),
    }
    return client.post("/staff/members/import", data=data, content_type="multipart/form-data")


def choose_columns(client, response, **mapping):
    url = response.headers["Location"]
    page = client.get(url)
    html = page.get_data(as_text=True)
    form = {"csrf_token": csrf_token(html)}
    for name, header in mapping.items():
        form[f"map_{name}"] = header
    if not mapping:
        for name, options in re.findall(r'<select[^>]*name="map_(\w+)"(.*?)</select>', html, re.S):
            chosen = re.search(r'<option value="([^"]*)" selected', options)
            form[f"map_{name}"] = chosen.group(1) if chosen else ""
    return client.post(url, data=form)


def signed_in(client, role="engagement"):
    user = create_staff_user(role)
    login(client, user)
    return user


def test_upload_preview_and_import(client, app):
    signed_in(client)

    uploaded = upload(client, GOOD)
    assert uploaded.status_code == 302
    columns = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert '<option value="Email" selected' in columns
    assert '<option value="Surname" selected' in columns

    checked = choose_columns(client, uploaded, email="Email", first_name="First name", last_name="Surname")
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert 'data-count="new">2<' in preview
    assert db.session.scalar(db.select(db.func.count()).select_from(Member)) == 0

    commit_url = re.search(r'action="([^"]+/commit)"', preview).group(1)
    done = client.post(commit_url, data={"csrf_token": csrf_token(preview)})
    result = client.get(done.headers["Location"]).get_data(as_text=True)

    assert "2 new members added" in result
    ann = find_by_email("ann@example.org")
    assert ann.status == "active"
    assert {c.method for c in ann.consents} == {"event"}
    batch = db.session.scalar(db.select(ImportBatch))
    assert batch.status == "imported"
    assert os.listdir(app.config["IMPORT_DIR"]) == []


def test_stored_file_name_never_appears_in_a_page_or_address(client, app):
    signed_in(client)
    uploaded = upload(client, GOOD)
    batch = db.session.scalar(db.select(ImportBatch))
    checked = choose_columns(client, uploaded)

    assert os.listdir(app.config["IMPORT_DIR"]) == [batch.stored_name + ".csv"]
    for response in (uploaded, checked, client.get(checked.headers["Location"])):
        assert batch.stored_name not in response.headers.get("Location", "")
        assert batch.stored_name not in response.get_data(as_text=True)


def test_bad_rows_listed_with_line_numbers_and_no_import_button(client):
    signed_in(client)
    content = b"Email,Postcode\r\nok@example.org,WV1 1AA\r\nbroken,WV1 1AA\r\nalso@example.org,NOPE\r\n"

    checked = choose_columns(client, upload(client, content))
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)

    assert "2 rows of the file have problems" in preview
    assert re.search(r">3</td>\s*<td[^>]*>Email address is not in the correct format", preview)
    assert re.search(r">4</td>\s*<td[^>]*>Postcode is not a real UK postcode", preview)
    assert "/commit" not in preview


def test_an_unrecognised_header_can_be_chosen_by_hand(client):
    signed_in(client)
    content = b"Contact,Who\r\nkai@example.org,Kai\r\n"
    uploaded = upload(client, content)

    unmapped = choose_columns(client, uploaded)
    assert unmapped.status_code == 400
    assert "Choose the column that holds email addresses" in unmapped.get_data(as_text=True)

    checked = choose_columns(client, uploaded, email="Contact", first_name="Who")
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert 'data-count="new">1<' in preview


def test_unreadable_and_empty_files_get_a_clear_message(client):
    signed_in(client)

    empty = upload(client, b"Email,Name\r\n")
    assert empty.status_code == 400
    assert "no rows of members" in empty.get_data(as_text=True)

    picture = upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", filename="photo.png")
    assert "must be a CSV file (.csv) or an Excel workbook" in picture.get_data(as_text=True)

    broken = upload(client, b"not a zip file", filename="members.xlsx")
    assert "could not be read as an Excel workbook" in broken.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ImportBatch)) == 0


def test_consent_basis_must_be_stated(client):
    signed_in(client)

    response = upload(client, GOOD, purposes=[], method="")

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose what the people in the file agreed to" in html
    assert "Choose how the people in the file gave their consent" in html


def test_existing_members_updated_when_chosen(client):
    create_member("ann@example.org", first_name="Ann", last_name="Old")
    signed_in(client)

    checked = choose_columns(client, upload(client, GOOD, existing="update"))
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert 'data-count="updated">1<' in preview
    client.post(re.search(r'action="([^"]+/commit)"', preview).group(1), data={"csrf_token": csrf_token(preview)})

    db.session.expire_all()
    assert find_by_email("ann@example.org").last_name == "Smith"


def test_discarding_deletes_the_file(client, app):
    signed_in(client)
    uploaded = upload(client, GOOD)
    page = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    discard_url = re.search(r'action="([^"]+/discard)"', page).group(1)

    client.post(discard_url, data={"csrf_token": csrf_token(page)})

    assert os.listdir(app.config["IMPORT_DIR"]) == []
    later = client.get(uploaded.headers["Location"].replace("/columns", "")).get_data(as_text=True)
    assert "cancelled" in later


@pytest.mark.parametrize("role", ["comms", "analyst"])
def test_comms_and_analyst_cannot_import(client, role):
    signed_in(client, role)
    assert client.get("/staff/members/import").status_code == 403
    assert client.get("/staff/members/import/1/status").status_code == 403


def test_import_page_needs_sign_in(client):
    response = client.get("/staff/members/import")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_an_upload_left_past_its_expiry_is_deleted(client, app):
    signed_in(client)
    uploaded = upload(client, GOOD)
    batch = db.session.scalar(db.select(ImportBatch))
    batch.expires_at = batch.created_at - timedelta(minutes=1)
    db.session.commit()

    page = client.get(f"/staff/members/import/{batch.id}").get_data(as_text=True)

    assert "This upload has expired" in page
    assert os.listdir(app.config["IMPORT_DIR"]) == []
    again = client.get(uploaded.headers["Location"])
    assert again.headers["Location"] == f"/staff/members/import/{batch.id}"


def test_import_page_offers_exports_to_those_allowed(client):
    signed_in(client)
    page = client.get("/staff/members/import").get_data(as_text=True)
    assert "/staff/members/export?format=csv" in page
