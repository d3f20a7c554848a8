"""axe-core on the staff survey pages: invitations, preview, paper and telephone entry, the responses list."""

import pytest

from app.extensions import db
from app.surveys.models import Invitation, Response
from tests.browser.conftest import axe_violations
from tests.browser_support import sign_in
from tests.factories import create_member, create_staff_user
from tests.surveys.answer_factories import GRID_ROWS
from tests.surveys.factories import TRANSPORT, create_survey, questions_of

pytestmark = pytest.mark.browser


def test_staff_survey_pages_have_no_axe_violations(app, live_server, page):
    survey = create_survey(
        mode="invitation",
        include_equality=True,
        consent_question="I agree to take part.",
        pages=[
            [{"kind": "yes_no", "text": "Do you drive?", "required": True}],
            [
                {"kind": "ranking", "text": "Put these in order", "options": TRANSPORT},
                {"kind": "matrix", "text": "How do you feel?", "rows": GRID_ROWS},
                {"kind": "date", "text": "When?"},
            ],
        ],
    )
    drive = questions_of(survey)[0]
    survey.pages[1].show_if = {"question_id": drive.id, "op": "equals", "values": ["yes"]}
    member = create_member(first_name="Priya")
    invitation = Invitation(survey_id=survey.id, member_id=member.id)
    db.session.add(invitation)
    db.session.flush()
    db.session.add(Response(survey_id=survey.id, member_id=member.id, invitation_id=invitation.id))
    db.session.commit()
    sign_in(page, live_server, create_staff_user("admin"))
    base = f"{live_server}/staff/surveys/{survey.id}"

    for path, label in (
        ("/invitations", "invitations"),
        ("/responses", "responses"),
        ("/responses/new", "new response"),
        ("/preview", "preview start"),
        ("/preview/1", "preview page"),
    ):
        page.goto(base + path)
        assert axe_violations(page) == [], label

    page.goto(base + "/responses/new")
    page.click("button:has-text('Save the response')")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "new response with errors"

    page.goto(base + "/invitations")
    page.click("button:has-text('Make the invitation bulletin')")
    page.wait_for_selector(".nhsuk-error-summary")
    assert axe_violations(page) == [], "invitations with errors"

    page.goto(base + "/preview/1")
    page.check(f"#q{drive.id}")
    page.click("button[value=continue]")
    page.wait_for_url("**/preview/2")
    assert axe_violations(page) == [], "preview page 2"
    page.click("button[value=continue]")
    page.wait_for_url("**/preview/end")
    assert axe_violations(page) == [], "end of the preview"
