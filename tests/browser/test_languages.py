"""The public pages in Welsh and Urdu in a real browser: the switch by keyboard, axe-core, the mirrored layout."""

import os
from datetime import datetime

import pytest

from app.extensions import db
from app.members import links
from tests.browser.conftest import axe_violations
from tests.factories import create_member
from tests.surveys.factories import create_survey

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("INVOLVE_SCREENSHOTS")


def _pages(live_server) -> dict[str, str]:
    member = create_member("lang@example.org")
    survey = create_survey(title="Getting to your GP", status="closed")
    survey.we_asked, survey.you_said, survey.we_did = "How you travel.", "Buses are rare.", "We asked the council."
    survey.outcome_published_at = datetime(2026, 12, 7, 10, 0)
    db.session.commit()
    prefs = links.preferences_url(member)
    open_survey = create_survey(title="Travelling to your GP")
    return {
        "home": live_server + "/",
        "privacy": live_server + "/privacy",
        "accessibility": live_server + "/accessibility",
        "new link": live_server + "/preferences/new-link",
        "bad preferences link": live_server + "/preferences/not-a-token",
        "bad confirm link": live_server + "/get-involved/confirm/not-a-token",
        "erase": prefs + "/erase",
        "event device": live_server + "/get-involved/here",
        "consultations": live_server + "/consultations/",
        "consultation outcome": live_server + f"/consultations/{survey.slug}",
        "survey start": live_server + f"/surveys/{open_survey.slug}",
        "survey not found": live_server + "/surveys/no-such-survey",
        "page not found": live_server + "/no-such-page",
    }


def _switch_by_keyboard(page, name: str) -> None:
    """Tab from the top of the page to the language's link and press Enter, as a keyboard user does."""
    page.locator("body").focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError(f"no link to {name} reached by Tab")


@pytest.mark.parametrize("language,name,direction", [("cy", "Cymraeg", "ltr"), ("ur", "اردو", "rtl")])
def test_public_pages_in_welsh_and_urdu_have_no_axe_violations(live_server, page, language, name, direction):
    pages = _pages(live_server)
    page.goto(pages["home"])
    _switch_by_keyboard(page, name)
    assert page.get_attribute("html", "lang") == language
    assert page.get_attribute("html", "dir") == direction
    for label, url in pages.items():
        page.goto(url)
        assert page.get_attribute("html", "lang") == language, label
        assert page.get_attribute("html", "dir") == direction, label
        assert axe_violations(page) == [], f"{label} in {language}"
    # And back to English from the switch, by keyboard too.
    page.goto(pages["home"])
    _switch_by_keyboard(page, "English")
    assert page.get_attribute("html", "lang") == "en" and page.get_attribute("html", "dir") == "ltr"


def test_the_layout_mirrors_in_urdu(live_server, page):
    page.set_viewport_size({"width": 1024, "height": 900})
    page.goto(live_server + "/privacy?lang=en")
    english_logo = page.locator(".nhsuk-header__logo").bounding_box()
    english_list = page.locator("main ul").first.bounding_box()
    english_bullet = page.locator("main li").first.bounding_box()
    english_footer = page.locator(".nhsuk-footer__list-item").first.bounding_box()

    page.goto(live_server + "/privacy?lang=ur")
    width = page.viewport_size["width"]
    logo = page.locator(".nhsuk-header__logo").bounding_box()
    bullet_list = page.locator("main ul").first.bounding_box()
    bullet = page.locator("main li").first.bounding_box()
    footer = page.locator(".nhsuk-footer__list-item").first.bounding_box()
    switch = page.locator(".involve-language-switch").bounding_box()
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "privacy-ur.png"), full_page=True)

    # The NHS logo sits on the left in English and on the right in Urdu, and the switch opposite it.
    assert english_logo["x"] < width / 2
    assert logo["x"] > width / 2
    assert switch["x"] + switch["width"] < logo["x"]
    # A bulleted list is indented from the left in English and from the right in Urdu.
    assert english_bullet["x"] > english_list["x"]
    assert english_bullet["x"] + english_bullet["width"] == pytest.approx(english_list["x"] + english_list["width"])
    assert bullet["x"] == pytest.approx(bullet_list["x"])
    assert bullet["x"] + bullet["width"] < bullet_list["x"] + bullet_list["width"] - 10
    assert page.evaluate("getComputedStyle(document.querySelector('main li')).direction") == "rtl"
    # The footer links run from the right.
    assert footer["x"] > english_footer["x"]


def test_radios_and_the_back_link_mirror_in_urdu(live_server, page):
    member = create_member("radios@example.org")
    page.set_viewport_size({"width": 1024, "height": 900})
    prefs = links.preferences_url(member)
    page.goto(prefs + "/erase?lang=ur")
    back = page.locator(".nhsuk-back-link")
    arrow = page.evaluate(
        "(() => { const a = document.querySelector('.nhsuk-back-link'); const s = getComputedStyle(a, '::before');"
        " return {right: s.right, left: s.left}; })()"
    )
    assert arrow["right"] == "0px" and arrow["left"] != "0px"
    assert back.bounding_box()["x"] > page.viewport_size["width"] / 2
    # A radio's circle is drawn on the right of its label (a survey's question, in Urdu).
    survey = create_survey(title="Travelling to your GP")
    page.goto(live_server + f"/surveys/{survey.slug}?lang=ur")
    page.click("button[value=start]")
    page.wait_for_url("**/page/1")
    assert page.get_attribute("html", "dir") == "rtl"
    item = page.locator(".nhsuk-radios__item").first
    label = item.locator(".nhsuk-radios__label")
    circle = page.evaluate(
        "(el) => { const s = getComputedStyle(el, '::before'); return {right: s.right, left: s.left}; }",
        label.element_handle(),
    )
    assert circle["right"] == "2px" and circle["left"] != "2px"
    input_box = item.locator("input").bounding_box()
    assert input_box["x"] > label.bounding_box()["x"]
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, "survey-page-ur.png"), full_page=True)
    # Nothing hangs off the side of a mirrored page to make it scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
