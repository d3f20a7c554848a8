"""The sign-up journey end to end in Chromium: with a mouse, and with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.mail.backends import read_outbox
from app.members import services as members
from app.members.models import EqualityAnswers

pytestmark = pytest.mark.browser


def _confirm_link(app, address: str) -> str:
    [message] = [m for m in read_outbox(app.config["OUTBOX_DIR"]) if m["to"] == address]
    return re.search(r"http://127\.0\.0\.1:\d+/get-involved/confirm/\S+", message["text"]).group(0)


def test_sign_up_confirm_and_unsubscribe(app, live_server, page):
    members.ensure_default_topics()
    page.goto(live_server + "/")
    page.click("text=Sign up to get involved")
    page.fill("#first_name", "Amara")
    page.fill("#last_name", "Okafor")
    page.fill("#email", "amara@example.org")
    page.fill("#postcode", "wv3 0aa")
    page.check("label:has-text('Carer')")
    page.check("label:has-text('Mental health')")
    page.check("label:has-text('Easy read')")
    page.check("label:has-text('Send me the e-bulletin')")
    page.click("button:has-text('Continue')")

    page.wait_for_url("**/get-involved/about-you")
    # The backgrounds of a group are revealed under it when it is chosen.
    expect(page.locator("#ethnic_background-black_caribbean")).to_be_hidden()
    page.check("label:has-text('Black, African, Caribbean or Black British') >> nth=0")
    page.check("#ethnic_background-black_caribbean")
    page.check("#equality_consent")
    page.click("button:has-text('Save and continue')")
    page.wait_for_url("**/get-involved/check-answers")
    expect(page.locator("#equality-answers")).to_contain_text("Caribbean")
    page.click("button:has-text('Submit')")
    page.wait_for_url("**/get-involved/check-email")
    expect(page.locator("h1")).to_have_text("Check your email")

    page.goto(_confirm_link(app, "amara@example.org"))
    expect(page.locator("h1")).to_have_text("Confirm your email address")
    page.click("button:has-text('Confirm your email address')")
    expect(page.locator("h1")).to_have_text("Your email address is confirmed")
    page.click("text=choose what we contact you about")
    page.wait_for_url("**/preferences/**")
    assert page.is_checked("input[name=purposes][value=bulletin]")
    page.click("button:has-text('Unsubscribe from everything')")
    expect(page.locator("h1")).to_have_text("You have been unsubscribed")

    db.session.expire_all()
    member = members.find_by_email("amara@example.org")
    assert member.status == "unsubscribed" and member.postcode == "WV3 0AA"
    assert member.contact_type == "carer" and member.communication_needs == ["easy_read"]
    assert db.session.get(EqualityAnswers, member.id).ethnic_background == "black_caribbean"


def _tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key")


def test_whole_journey_with_the_keyboard_only(app, live_server, page):
    members.ensure_default_topics()
    page.goto(live_server + "/get-involved")
    for selector, text in (
        ("#first_name", "Kai"),
        ("#last_name", "Lee"),
        ("#email", "kai@example.org"),
        ("#postcode", "WV10 6QE"),
    ):
        _tab_to(page, selector)
        page.keyboard.type(text)
    _tab_to(page, "#contact_type")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=topics][value=maternity]")
    page.keyboard.press("Space")
    _tab_to(page, "input[name=purposes][value=involvement]")
    page.keyboard.press("Space")
    _tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/get-involved/about-you")
    _tab_to(page, "a[href$='/get-involved/skip']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/get-involved/check-answers")
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/get-involved/check-email")

    page.goto(_confirm_link(app, "kai@example.org"))
    _tab_to(page, "form[method=post] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Your email address is confirmed")
    _tab_to(page, "a[href^='/preferences/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/preferences/**")
    _tab_to(page, "form[action$='/unsubscribe'] button")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=You have been unsubscribed")

    db.session.expire_all()
    member = members.find_by_email("kai@example.org")
    assert member.status == "unsubscribed" and member.contact_type == "resident"
    assert [t.slug for t in member.topics] == ["maternity"]
    assert member.live_consent("involvement") is None  # withdrawn by unsubscribing
