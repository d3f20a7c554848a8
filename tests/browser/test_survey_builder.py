"""A member of staff builds a survey in Chromium: several kinds of question, skip logic, a second page, publishing.

Part of it is done with the keyboard alone, and axe-core checks every builder page on the way.
"""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.surveys import builder
from app.surveys.models import Survey
from tests.browser_support import axe_violations, sign_in
from tests.factories import create_staff_user

pytestmark = pytest.mark.browser


def _tab_to(page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching selector has focus, as someone without a mouse would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


class Checked:
    """Runs axe-core on each page it is shown and keeps what it finds."""

    def __init__(self, page):
        self.page, self.found, self.seen = page, {}, []

    def __call__(self, name: str) -> None:
        self.page.wait_for_load_state()
        self.seen.append(name)
        violations = axe_violations(self.page)
        if violations:
            self.found[name] = violations

    def report(self) -> str:
        return "\n".join(
            f"{name}:\n" + "\n".join(f"  {v['id']}: {v['help']} {v['nodes']}" for v in violations)
            for name, violations in self.found.items()
        )


def test_staff_build_a_survey_with_skip_logic(app, live_server, page):
    sign_in(page, live_server, create_staff_user("engagement"))
    axe = Checked(page)

    page.goto(live_server + "/staff/surveys/")
    axe("list")
    page.click("text=New survey")
    axe("new survey")
    page.click("button:has-text('Create survey')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a title for the survey")
    # The summary takes focus once the page's script has run, so a screen reader hears the problems first.
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    axe("new survey with errors")
    page.fill("#title", "Getting to your GP")
    page.check("label:has-text('Anonymous')")
    page.click("button:has-text('Create survey')")
    expect(page.locator("h1")).to_have_text("Getting to your GP")
    axe("survey page, empty")

    # The first question with the keyboard alone: reach the link, choose the type, type the question and options.
    _tab_to(page, "a[href$='/questions/new']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe("choose a type")
    _tab_to(page, "input[name=kind][value=single]")
    page.keyboard.press("Space")
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Add a question")
    axe("single choice form")
    _tab_to(page, "#text")
    page.keyboard.type("How do you usually travel?")
    _tab_to(page, "input[name=required]")
    page.keyboard.press("Space")
    _tab_to(page, "#options")
    for line in ("Bus", "Car", "On foot"):
        page.keyboard.type(line)
        page.keyboard.press("Enter")
    _tab_to(page, "main form[method=post] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("1. How do you usually travel?")

    # A yes/no and a number question with the mouse; a bad number range is explained first.
    page.click("a:has-text('Add a question')")
    page.check("label:has-text('Yes or no')")
    page.click("button:has-text('Continue')")
    page.fill("#text", "Is there a bus stop near your home?")
    page.click("button:has-text('Add question')")
    page.click("a:has-text('Add a question')")
    page.check("label:has-text('Number')")
    page.click("button:has-text('Continue')")
    page.fill("#text", "How many minutes does the journey take?")
    page.fill("#min", "90")
    page.fill("#max", "0")
    page.click("button:has-text('Add question')")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The highest number must be more than the lowest number"
    )
    axe("number form with errors")
    page.fill("#min", "0")
    page.fill("#max", "300")
    page.check("label:has-text('Answers must be whole numbers')")
    page.click("button:has-text('Add question')")
    expect(page.locator("main")).to_contain_text("3. How many minutes does the journey take?")

    # Skip logic in words: ask about the bus stop only of people who travel by bus.
    page.click("#question-2 >> a:has-text('Skip logic')")
    axe("skip logic, choose a question")
    page.select_option("#question_id", label="How do you usually travel?")
    page.click("button:has-text('Use this question')")
    expect(page.locator("legend")).to_contain_text(["Show this question if “How do you usually travel?”"])
    axe("skip logic, choose answers")
    page.check("label:has-text('Bus')")
    page.click("button:has-text('Save skip logic')")
    expect(page.locator("#question-2")).to_contain_text("Shown only if “How do you usually travel?” is Bus.")

    # A second page with a grid, then publishing.
    page.click("a:has-text('Add a page')")
    axe("add a page")
    page.fill("#title", "Your last visit")
    page.click("button:has-text('Add page')")
    page.click("a:has-text('Add a question to page 2')")
    page.check("label:has-text('Grid')")
    page.click("button:has-text('Continue')")
    axe("grid form")
    page.fill("#text", "How much do you agree?")
    page.fill("#rows", "Parking was easy\nThe bus was on time")
    page.click("button:has-text('Add question')")
    expect(page.locator("main")).to_contain_text("Page 2: Your last visit")
    page.click("#question-4 >> button:has-text('Save to bank')")
    page.click("a:has-text('Change details')")
    axe("settings")
    page.click("a:has-text('Back to the survey')")
    page.click("button:has-text('Publish')")
    expect(page.locator("#public-link")).to_contain_text("/surveys/")
    axe("survey page, published")
    page.goto(live_server + "/staff/surveys/bank")
    expect(page.locator("main")).to_contain_text("How much do you agree?")
    axe("question bank")

    db.session.expire_all()
    survey = db.session.scalar(db.select(Survey))
    questions = builder.questions_of(survey)
    assert survey.status == "open" and survey.mode == "anonymous"
    assert [q.kind for q in questions] == ["single", "yes_no", "number", "matrix"]
    assert questions[0].required and [o["code"] for o in questions[0].options] == ["bus", "car", "on_foot"]
    assert questions[1].show_if == {"question_id": questions[0].id, "op": "equals", "values": ["bus"]}
    assert questions[2].settings == {"min": 0, "max": 300, "whole": True}
    assert len(axe.seen) >= 14
    assert not axe.found, f"axe-core violations on builder pages:\n{axe.report()}"
