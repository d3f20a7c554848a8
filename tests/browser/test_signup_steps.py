"""The steps of Get Involved with the keyboard alone in Chromium: the ethnic backgrounds revealed
under the group chosen, the Back link keeping answers, check your answers and its Change links,
and axe-core finding nothing on any page."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.members import services as members
from app.members.models import EqualityAnswers
from tests.browser.conftest import axe_violations
from tests.browser.test_journey import _tab_to

pytestmark = pytest.mark.browser


def _no_violations(page, label: str) -> None:
    assert axe_violations(page) == [], label


def _press(page, selector: str, key: str = "Enter") -> None:
    _tab_to(page, selector)
    page.keyboard.press(key)


def test_whole_sign_up_with_the_keyboard_alone_reveals_backgrounds_and_keeps_answers(app, live_server, page):
    members.ensure_default_topics()
    page.goto(live_server + "/get-involved")
    _no_violations(page, "step 1")
    for selector, text in (
        ("#first_name", "Zainab"),
        ("#last_name", "Hussain"),
        ("#email", "zainab@example.org"),
        ("#postcode", "WV1 1AA"),
    ):
        _tab_to(page, selector)
        page.keyboard.type(text)
    _press(page, "#contact_type", "Space")
    _press(page, "input[name=topics][value=maternity]", "Space")
    _press(page, "input[name=purposes][value=bulletin]", "Space")
    _press(page, "main form button[type=submit]")

    page.wait_for_url("**/get-involved/about-you")
    _no_violations(page, "step 2")
    # Nothing about backgrounds shows until a group is chosen; then only that group's.
    expect(page.locator("#ethnic_background-asian_pakistani")).to_be_hidden()
    _tab_to(page, "input[name=ethnic_group]")
    for _ in range(2):
        page.keyboard.press("ArrowDown")  # White, Mixed, then Asian or Asian British
    assert page.is_checked("input[name=ethnic_group][value=asian]")
    expect(page.locator("#ethnic_background-asian_pakistani")).to_be_visible()
    expect(page.locator("#ethnic_background-black_african")).to_be_hidden()
    _no_violations(page, "step 2 with a group's backgrounds revealed")
    _tab_to(page, "input[name=ethnic_background]")
    page.keyboard.press("Space")  # the group's first background: Indian
    for _ in range(4):
        page.keyboard.press("ArrowDown")  # to "Any other Asian background"
    assert page.is_checked("#ethnic_background-asian_other")
    expect(page.locator("input[name=ethnic_other-asian_other]")).to_be_visible()
    _tab_to(page, "input[name=ethnic_other-asian_other]")
    page.keyboard.type("Nepali")
    _press(page, "#equality_consent", "Space")
    _press(page, "main form button[type=submit]")

    page.wait_for_url("**/get-involved/check-answers")
    _no_violations(page, "check your answers")
    expect(page.locator("#equality-answers")).to_contain_text("Any other Asian background")
    expect(page.locator("#equality-answers")).to_contain_text("Nepali")

    # Back to the questions: the answers and the revealed background are still there.
    _press(page, "a.nhsuk-back-link")
    page.wait_for_url("**/get-involved/about-you")
    assert page.is_checked("#ethnic_background-asian_other")
    expect(page.locator("input[name=ethnic_other-asian_other]")).to_have_value("Nepali")
    _press(page, "a.nhsuk-back-link")
    page.wait_for_url("**/get-involved")
    expect(page.locator("#first_name")).to_have_value("Zainab")
    _press(page, "main form button[type=submit]")
    page.wait_for_url("**/get-involved/about-you")
    _press(page, "main form button[type=submit]")
    page.wait_for_url("**/get-involved/check-answers")

    # Change the postcode from check your answers, and come straight back to it.
    _press(page, "a[href*='change=1#postcode']")
    page.wait_for_url("**/get-involved?change=1*")
    _no_violations(page, "changing an answer")
    page.fill("#postcode", "")
    _tab_to(page, "#postcode")
    page.keyboard.type("WV10 6QE")
    _press(page, "main form button[type=submit]")
    page.wait_for_url("**/get-involved/check-answers")
    expect(page.locator("#your-details")).to_contain_text("WV10 6QE")
    assert members.find_by_email("zainab@example.org") is None, "nothing is saved before Submit"

    _press(page, "main form button[type=submit]")
    page.wait_for_url("**/get-involved/check-email")
    _no_violations(page, "check your email")
    db.session.expire_all()
    member = members.find_by_email("zainab@example.org")
    assert member.postcode == "WV10 6QE" and [t.slug for t in member.topics] == ["maternity"]
    answers = db.session.get(EqualityAnswers, member.id)
    assert (answers.ethnic_group, answers.ethnic_background, answers.ethnic_other) == ("asian", "asian_other", "Nepali")


def test_without_javascript_every_follow_up_shows_and_a_mismatch_is_refused(browser, live_server):
    members.ensure_default_topics()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + "/get-involved")
        page.fill("#first_name", "Ola")
        page.fill("#last_name", "Nowak")
        page.fill("#email", "ola@example.org")
        page.fill("#postcode", "WV1 1AA")
        page.check("#contact_type")
        page.check("#purposes")
        page.click("main form button[type=submit]")
        page.wait_for_url("**/get-involved/about-you")
        expect(page.locator("#ethnic_background-black_african")).to_be_visible()
        expect(page.locator("#religion_other")).to_be_visible()
        page.check("input[name=ethnic_group][value=white]")
        page.check("#ethnic_background-black_african")
        page.check("#equality_consent")
        page.click("main form button[type=submit]")
        expect(page.locator(".nhsuk-error-summary")).to_contain_text("not one of the White backgrounds")
    finally:
        context.close()
