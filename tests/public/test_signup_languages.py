"""Get Involved and the preferences pages in Welsh and Urdu: the questions, the answers to choose
from and the messages about mistakes are all in the language chosen."""

import pytest

from app.members import links
from app.members import services as members
from app.members.models import Member
from tests.factories import create_member
from tests.public.helpers import equality_form, page_text, sign_up, signup_form


def test_a_welsh_sign_up_shows_welsh_labels_and_welsh_errors_and_saves_nothing(client):
    client.set_cookie("involve_lang", "cy")
    page = client.get("/get-involved")
    html = page.get_data(as_text=True)
    assert '<html lang="cy" dir="ltr">' in html
    text = page_text(page)
    for welsh in ("Cofrestru i gymryd rhan", "Enw cyntaf", "Cyfeiriad e-bost", "Cod post", "Preswylydd", "Parhau"):
        assert welsh in text, welsh
    assert "First name" not in text and "Postcode" not in text

    response = client.post("/get-involved", data=signup_form(client, email="not an address", postcode="NOWHERE"))
    assert response.status_code == 400
    text = page_text(response)
    assert "Mae problem" in text and "There is a problem" not in text
    assert "Rhowch gyfeiriad e-bost yn y fformat cywir" in text
    assert "Rhowch god post go iawn, fel WV1 1AA" in text
    assert "Enter an email address in the correct format" not in text and "Enter a real postcode" not in text
    assert Member.query.count() == 0
    assert members.find_by_email("not an address") is None


def test_welsh_check_your_answers_gives_chosen_answers_in_welsh(client):
    client.set_cookie("involve_lang", "cy")
    client.post("/get-involved", data=signup_form(client))
    check = page_text(client.get("/get-involved/check-answers"))
    assert "Gwiriwch eich atebion cyn cofrestru" in check
    assert "Preswylydd" in check and "Print bras" in check and "Gwefan" in check
    assert "Priya Shah" in check  # what the person typed, as typed


def test_urdu_equality_questions_and_their_error_are_in_urdu(client):
    client.set_cookie("involve_lang", "ur")
    client.post("/get-involved", data=signup_form(client))
    page = client.get("/get-involved/about-you")
    assert '<html lang="ur" dir="rtl">' in page.get_data(as_text=True)
    assert "مساوات کی نگرانی کے سوالات" in page_text(page)
    response = client.post("/get-involved/about-you", data=equality_form(client, religion="muslim"))
    assert response.status_code == 400
    assert "مساوات کی نگرانی سے اتفاق کے خانے پر نشان لگائیں، یا یہ مرحلہ چھوڑ دیں" in page_text(response)


@pytest.mark.parametrize(
    "path,heading",
    [("", "Eich dewisiadau"), ("/details", "Newid eich manylion"), ("/equality", "Eich atebion monitro cydraddoldeb")],
)
def test_the_preferences_pages_are_in_welsh(client, path, heading):
    member = create_member("cymraeg@example.org")
    client.set_cookie("involve_lang", "cy")
    page = client.get(links.preferences_url(member).replace("http://localhost", "") + path)
    assert page.status_code == 200
    assert '<html lang="cy" dir="ltr">' in page.get_data(as_text=True)
    assert heading in page_text(page)


def test_a_welsh_sign_up_goes_through_to_check_your_email(client):
    client.set_cookie("involve_lang", "cy")
    response = sign_up(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/get-involved/check-email")
    assert "Gwiriwch eich e-bost" in page_text(client.get("/get-involved/check-email"))
    assert members.find_by_email("priya.shah@example.org") is not None
