"""axe-core finds no violations on any staff page, and the staff pages work from the keyboard.

The walk reads the app's URL map: every GET page under /staff without parameters, and every
page whose parameters name an object made here (filled by name, as tests/test_permissions.py
does), so pages added later are checked without editing this file.
"""

from datetime import date, datetime

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from werkzeug.routing import AnyConverter

from app.extensions import db
from app.mail import Message, backend
from app.members import signup_events
from app.newsletters import campaigns
from app.panels import services as panels
from app.representation import advice
from app.representation import services as representation
from app.surveys import bank
from tests.browser_support import AXE, sign_in
from tests.factories import create_member, create_pcn, create_practice, create_staff_user
from tests.newsletters.factories import create_audience, create_campaign
from tests.representation.helpers import load_area
from tests.rosters.factories import add, create_meeting, create_roster
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response

ROWS = [{"code": "speed", "label": "Speed"}, {"code": "kindness", "label": "Kindness"}]

pytestmark = pytest.mark.browser

# Signing in and out are not staff pages; the preview is a bulletin email exactly as mail clients receive it.
NOT_PAGES = {"auth.login", "auth.login_two_factor", "auth.logout", "bulletins.campaign_preview"}


def _make_data(admin) -> dict:
    """A little of everything a staff page shows, made through the services; URL values by parameter name."""
    practice = create_practice(ods_code="M92011", name="Axe Surgery", pcn=create_pcn(code="U90001", name="Axe PCN"))
    member = create_member(
        "axe.member@example.org",
        equality={"sex": "female", "ethnic_group": "white"},
        practice_id=practice.id,
        date_of_birth=date(1970, 5, 1),
        communication_needs=["large_print", "braille"],
        address_line_1="1 Axe Street",
        town="Wolverhampton",
    )
    roster = create_roster()
    add(roster, member)
    meeting = create_meeting(roster, starts_at=datetime(2026, 3, 1, 18, 0))
    template = campaigns.save_template("Monthly", "Hello {{ first_name }}")
    campaign = create_campaign(create_audience())
    load_area()
    # The audit publishes nothing for fewer than the disclosure floor of people.
    for i in range(60):
        create_member(f"axe.crowd{i}@example.org", date_of_birth=date(1950 + i % 50, 1, 1), equality={"sex": "male"})
    audit = representation.save_annual_audit("Annual audit 2026", on=date(2026, 6, 1), staff_user_id=admin.id)
    pool = [{"id": f"v{i}", "sex": "Female" if i % 2 else "Male", "_household": ""} for i in range(12)]
    quotas = [{"feature": "sex", "value": v, "min": 2, "max": 2} for v in ("Female", "Male")]
    draw = panels.create_draw("Cabinet", pool, ["sex"], quotas, 4, "maximin", 5)
    panels.start_draw(draw.id)
    survey = create_survey(
        status="closed",
        pages=[
            [{"kind": "single", "text": "How do you travel?", "options": TRANSPORT, "required": True}],
            [{"kind": "long_text", "text": "What would help?"}, {"kind": "matrix", "text": "Rate us", "rows": ROWS}],
        ],
    )
    travel, text, grid = questions_of(survey)
    create_response(survey, {travel.id: "bus", text.id: "More buses please", grid.id: {"speed": "agree"}})
    saved = bank.save_to_bank(travel)
    fair = signup_events.create_signup_event("Health fair", "Civic Hall", signup_events._uk_today(), [], admin.id)
    signup_events.reopen_signup_event(fair, admin.id)
    # Changed, so the page asking before it is reset shows both wordings and the button.
    advice.save("age_band", 2, "Primary schools and after-school clubs", admin.id)
    db.session.commit()
    message_id = backend().send(Message(to="axe.member@example.org", subject="Hello", text="Hi", html="<p>Hi</p>"))
    return {
        "member_id": member.id,
        "practice_id": practice.id,
        "pcn_id": practice.pcn_id,
        "roster_id": roster.id,
        "meeting_id": meeting.id,
        "campaign_id": campaign.id,
        "template_id": template.id,
        "audience_id": campaign.audience_id,
        "audit_id": audit.id,
        "draw_id": draw.id,
        "user_id": admin.id,
        "message_id": message_id,
        "survey_id": survey.id,
        "page_id": survey.pages[1].id,
        "question_id": text.id,
        "bank_question_id": saved.id,
        "signup_event_id": fair.id,
        "characteristic": "age_band",
        "group": 2,
        "language": "cy",
    }


def _violations(page) -> list[dict]:
    """Every rule axe runs by default; only violations are collected, which keeps a long walk quick."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]
    ]


def _staff_pages(app, values: dict) -> list[str]:
    """Paths of every staff GET page whose parameters can all be filled with real objects."""
    paths = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        filled = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                break  # a choice of download formats
            if values.get(name) is None:
                break
            filled[name] = values[name]
        else:
            paths.add(rule.build(filled, append_unknown=False)[1])
    return sorted(paths)


def test_every_staff_page_has_no_axe_violations(app, live_server, page):
    admin = create_staff_user("admin")
    values = _make_data(admin)
    sign_in(page, live_server, admin)
    paths = _staff_pages(app, values)
    assert "/staff/members" in paths and f"/staff/members/{values['member_id']}" in paths
    assert f"/staff/meetings/{values['meeting_id']}/cancel" in paths, "the page asking before an event is cancelled"
    assert f"/staff/bulletins/campaigns/{values['campaign_id']}/print" in paths, "print formats, with needs to count"
    assert "/staff/representation/where-to-look/age_band/2/reset" in paths, "the page asking before advice is reset"
    assert f"/staff/surveys/{values['survey_id']}/translations/cy" in paths, "translating a survey"

    found, checked = {}, []
    for path in paths:
        try:
            response = page.goto(live_server + path)
        except PlaywrightError as error:
            if "Download is starting" in error.message:
                continue  # an export
            raise
        if not response.headers.get("content-type", "").startswith("text/html"):
            continue  # a download or JSON
        assert response.status == 200, f"{path}: {response.status}"
        assert "/login" not in page.url, path
        checked.append(path)
        violations = _violations(page)
        if violations:
            found[path] = violations
    assert len(checked) >= 30, checked
    for path in [p for p in checked if p.endswith("/new")]:
        # An empty form: the error summary takes focus, so a screen reader hears the problems first.
        page.goto(live_server + path)
        submit = page.locator("main form[method=post] button[type=submit]:visible")
        if submit.count() == 0:
            continue  # a search comes first (adding someone to a group)
        submit.last.click()
        page.wait_for_load_state()
        if page.locator(".nhsuk-error-summary").count() == 0:
            continue
        checked.append(f"{path} with errors")
        # Waits for the page's script to move focus, as a screen reader user would hear it.
        expect(page.locator(".nhsuk-error-summary"), f"{path}: the error summary does not take focus").to_be_focused()
        violations = _violations(page)
        if violations:
            found[f"{path} with errors"] = violations
    assert sum(p.endswith("with errors") for p in checked) >= 5, checked
    report = "\n".join(
        f"{path}:\n" + "\n".join(f"  {v['id']}: {v['help']} {v['nodes']}" for v in violations)
        for path, violations in found.items()
    )
    assert not found, f"axe-core violations on {len(found)} of {len(checked)} staff pages:\n{report}"
    _check_keyboard(page, live_server)


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching selector has focus, as someone without a mouse would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def _check_keyboard(page, server: str) -> None:
    page.goto(server + "/staff/")
    _tab_to(page, "nav[aria-label='Staff menu'] a[href$='/staff/members']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/staff/members")
    expect(page.locator("nav[aria-label='Staff menu'] a[aria-current=page]")).to_have_text("Members")

    _tab_to(page, "input[name=q]")
    page.keyboard.type("Jones")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "q=Jones" in page.url
    assert page.get_by_role("link", name="Alex Jones").count() >= 1
