"""How the audit words its figures: degrees of freedom in the right number, rounded parts said to be rounded."""

from datetime import date

from app.representation import report, services
from tests.factories import create_member, create_staff_user, login
from tests.representation.helpers import born_years_before, load_area

ON = date(2026, 6, 1)


def test_two_groups_are_tested_on_1_degree_of_freedom_and_more_on_degrees(client):
    load_area()
    for i in range(80):
        create_member(
            date_of_birth=born_years_before(ON, 30 + i % 40),
            equality={"sex": "female" if i % 3 else "male", "religion": ["christian", "muslim", "none"][i % 3]},
        )
    shown = {entry["key"]: entry for entry in report.present(services.run_audit("active", {}, ON))}
    assert " on 1 degree of freedom," in shown["sex"]["chi_square"]
    assert "degrees of freedom" in shown["religion"]["chi_square"]
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/representation/?population=active&on={ON.isoformat()}").get_data(as_text=True)
    assert "on 1 degree of freedom," in page and "on 1 degrees" not in page


def test_the_audit_says_its_parts_are_rounded_and_may_not_add_up(client):
    load_area()
    for i in range(80):
        create_member(date_of_birth=born_years_before(ON, 30 + i % 40), equality={"sex": "female" if i % 4 else ""})
    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/representation/?population=active&on={ON.isoformat()}").get_data(as_text=True)
    assert "Answered:" in page and "did not answer or preferred not to say:" in page
    assert "parts may not add up exactly to their totals" in page
