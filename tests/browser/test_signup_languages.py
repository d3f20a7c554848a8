"""The whole of Get Involved in Welsh and in Urdu with the keyboard alone in Chromium, axe-core
finding nothing on any step; and the preferences page in Welsh."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.members import links
from app.members import services as members
from app.members.models import EqualityAnswers
from tests.browser.conftest import axe_violations
from tests.browser.test_journey import _tab_to
from tests.factories import create_member

pytestmark = pytest.mark.browser

# What each step says in each language, to know the page is translated and not English.
WORDS = {
    "cy": {
        "details": "Cofrestru i gymryd rhan",
        "equality": "Cwestiynau monitro cydraddoldeb",
        "check": "Gwiriwch eich atebion cyn cofrestru",
        "background": "Pacistanaidd",
        "email": "Gwiriwch eich e-bost",
    },
    "ur": {
        "details": "شامل ہونے کے لیے سائن اپ کریں",
        "equality": "مساوات کی نگرانی کے سوالات",
        "check": "سائن اپ کرنے سے پہلے اپنے جوابات چیک کریں",
        "background": "پاکستانی",
        "email": "اپنی ای میل دیکھیں",
    },
}


def _step(page, language: str, direction: str, words: str, label: str) -> None:
    assert page.get_attribute("html", "lang") == language, label
    assert page.get_attribute("html", "dir") == direction, label
    expect(page.locator("h1")).to_contain_text(words)
    assert axe_violations(page) == [], f"{label} in {language}"


def _press(page, selector: str, key: str = "Enter") -> None:
    _tab_to(page, selector)
    page.keyboard.press(key)


@pytest.mark.parametrize("language,direction", [("cy", "ltr"), ("ur", "rtl")])
def test_whole_sign_up_in_welsh_and_urdu_with_the_keyboard_alone(app, live_server, page, language, direction):
    members.ensure_default_topics()
    words = WORDS[language]
    email = f"{language}@example.org"
    page.goto(live_server + f"/get-involved?lang={language}")
    _step(page, language, direction, words["details"], "your details")
    for selector, text in (
        ("#first_name", "Aisha"),
        ("#last_name", "Khan"),
        ("#email", email),
        ("#postcode", "WV1 1AA"),
    ):
        _tab_to(page, selector)
        page.keyboard.type(text)
    _press(page, "#contact_type", "Space")
    _press(page, "input[name=purposes][value=bulletin]", "Space")
    _press(page, "main form button[type=submit]")

    page.wait_for_url("**/get-involved/about-you")
    _step(page, language, direction, words["equality"], "equality questions")
    expect(page.locator("#ethnic_background-asian_pakistani")).to_be_hidden()
    _tab_to(page, "input[name=ethnic_group]")
    for _ in range(2):
        page.keyboard.press("ArrowDown")  # White, Mixed, then Asian or Asian British
    assert page.is_checked("input[name=ethnic_group][value=asian]")
    expect(page.locator("#ethnic_background-asian_pakistani")).to_be_visible()
    expect(page.locator("label[for=ethnic_background-asian_pakistani]")).to_have_text(words["background"])
    assert axe_violations(page) == [], f"the backgrounds revealed in {language}"
    _tab_to(page, "input[name=ethnic_background]")
    page.keyboard.press("Space")  # Indian
    page.keyboard.press("ArrowDown")  # Pakistani
    assert page.is_checked("#ethnic_background-asian_pakistani")
    _press(page, "#equality_consent", "Space")
    _press(page, "main form button[type=submit]")

    page.wait_for_url("**/get-involved/check-answers")
    _step(page, language, direction, words["check"], "check your answers")
    expect(page.locator("#equality-answers")).to_contain_text(words["background"])
    assert members.find_by_email(email) is None, "nothing is saved before Submit"
    _press(page, "main form button[type=submit]")

    page.wait_for_url("**/get-involved/check-email")
    _step(page, language, direction, words["email"], "check your email")
    db.session.expire_all()
    member = members.find_by_email(email)
    assert member is not None and member.first_name == "Aisha"
    answers = db.session.get(EqualityAnswers, member.id)
    assert (answers.ethnic_group, answers.ethnic_background) == ("asian", "asian_pakistani")


def test_a_welsh_sign_up_with_mistakes_shows_welsh_errors_that_axe_accepts(app, live_server, page):
    members.ensure_default_topics()
    page.goto(live_server + "/get-involved?lang=cy")
    _tab_to(page, "#email")
    page.keyboard.type("not an address")
    _press(page, "main form button[type=submit]")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Rhowch eich enw cyntaf")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Rhowch gyfeiriad e-bost yn y fformat cywir")
    assert page.get_attribute("html", "lang") == "cy"
    assert axe_violations(page) == []


def test_the_preferences_pages_in_welsh_have_no_axe_violations(app, live_server, page):
    member = create_member("dewis@example.org")
    prefs = links.preferences_url(member).replace("http://localhost", live_server)
    for path, heading in (
        ("", "Eich dewisiadau"),
        ("/details", "Newid eich manylion"),
        ("/channels", "Sut rydym yn cysylltu â chi"),
        ("/equality", "Eich atebion monitro cydraddoldeb"),
    ):
        page.goto(prefs + path + "?lang=cy")
        assert page.get_attribute("html", "lang") == "cy", path
        expect(page.locator("h1")).to_contain_text(heading)
        assert axe_violations(page) == [], f"preferences{path} in Welsh"
