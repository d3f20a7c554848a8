"""A member's postal address: staff form, preferences page, API, data download and erasure."""

import pytest

from app.extensions import db
from app.members import links
from app.members import services as members
from app.members.erasure import erase_member
from app.members.models import Member
from app.members.subject_access import export_member_data
from app.validation import check_postal_address, postal_lines
from tests.api.test_members_api import bearer
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.public.helpers import page_text


def _address(**values):
    return {"address_line_1": "", "address_line_2": "", "address_line_3": "", "town": "", "postcode": "", **values}


def test_no_address_at_all_is_fine_and_a_full_one_is_tidied():
    assert check_postal_address(_address()) == {}
    values = _address(address_line_1="  Flat 2,   10 High Street ", town=" Wolverhampton", postcode="wv11aa")
    assert check_postal_address(values) == {}
    assert values["address_line_1"] == "Flat 2, 10 High Street" and values["postcode"] == "WV1 1AA"


@pytest.mark.parametrize(
    "values, field, message",
    [
        (_address(town="Wolverhampton", postcode="WV1 1AA"), "address_line_1", "first line of the address"),
        (_address(address_line_1="10 High Street"), "postcode", "Enter the postcode of the address"),
        (_address(address_line_1="10 High Street", postcode="ZZ9 9ZZZ"), "postcode", "real postcode"),
        (_address(address_line_1="x" * 101, postcode="WV1 1AA"), "address_line_1", "100 characters or fewer"),
    ],
)
def test_an_address_needs_a_first_line_and_a_real_postcode(values, field, message):
    errors = check_postal_address(values)
    assert message in errors[field]


def test_staff_add_an_address_and_bad_ones_are_refused_with_nothing_written(client):
    login(client, create_staff_user("engagement"))
    member = create_member("a@example.org")
    url = f"/staff/members/{member.id}/edit"
    token = csrf_token(client.get(url).get_data(as_text=True))
    form = {
        "csrf_token": token,
        "first_name": "Ann",
        "last_name": "Lee",
        "email": "a@example.org",
        "contact_type": "resident",
        "postcode": "",
        "address_line_1": "10 High Street",
        "town": "Wolverhampton",
    }
    bad = client.post(url, data=form)
    assert bad.status_code == 400 and "Enter the postcode of the address" in bad.get_data(as_text=True)
    db.session.refresh(member)
    assert member.address_line_1 == ""
    good = client.post(url, data={**form, "postcode": "wv2 4aa"})
    assert good.status_code == 302
    db.session.refresh(member)
    assert postal_lines(member) == ["10 High Street", "Wolverhampton", "WV2 4AA"]
    assert "10 High Street, Wolverhampton, WV2 4AA" in client.get(f"/staff/members/{member.id}").get_data(as_text=True)


def test_a_member_gives_their_own_address_on_the_preferences_page(client):
    member = create_member("m@example.org", first_name="Sam", last_name="Jones")
    path = links.preferences_url(member).replace("http://localhost", "")
    page = client.get(path + "/details")
    assert "Your postal address" in page_text(page)
    form = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "first_name": "Sam",
        "last_name": "Jones",
        "postcode": "B11 1AA",
        "contact_type": "resident",
        "address_line_2": "Sparkhill",
    }
    bad = client.post(path + "/details", data=form)
    assert bad.status_code == 400 and "first line of the address" in page_text(bad)
    good = client.post(path + "/details", data={**form, "address_line_1": "3 Stratford Road", "town": "Birmingham"})
    assert good.status_code == 302
    db.session.refresh(member)
    assert postal_lines(member) == ["3 Stratford Road", "Sparkhill", "Birmingham", "B11 1AA"]


def test_the_api_sets_and_shows_an_address_and_refuses_one_without_a_postcode(client):
    members.ensure_default_topics()
    member = create_member("api@example.org")
    headers = bearer()
    response = client.patch(
        f"/api/v1/members/{member.id}", json={"address_line_1": "1 Lichfield St", "postcode": ""}, headers=headers
    )
    assert response.status_code == 422 and "postcode" in response.get_json()["errors"]
    response = client.patch(
        f"/api/v1/members/{member.id}", json={"address_line_1": "1 Lichfield St", "town": "Walsall"}, headers=headers
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["address_line_1"], body["town"], body["postcode"]) == ("1 Lichfield St", "Walsall", "WV1 1AA")


def test_the_address_is_in_the_data_download_and_goes_with_erasure(app):
    member = create_member("e@example.org", address_line_1="7 Queen Square", town="Wolverhampton")
    exported = export_member_data(member)
    assert exported["member"]["address"] == ["7 Queen Square", "Wolverhampton", "WV1 1AA"]
    erase_member(member, "member_request")
    member = db.session.get(Member, member.id)
    assert (member.address_line_1, member.town, member.postcode) == ("", "", "")
