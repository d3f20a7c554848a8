"""Response exports (CSV and XLSX, labels and codes) keep anonymity; the summary report has the right figures."""

import csv
import io

import pytest
from openpyxl import load_workbook

from app.surveys import exports
from tests.factories import create_member, create_staff_user, login
from tests.surveys.factories import TRANSPORT, create_survey, questions_of
from tests.surveys.response_factories import create_response

ROWS = [{"code": "wait", "label": "Waiting time"}, {"code": "staff", "label": "Staff"}]


@pytest.fixture
def config_overrides():
    return {"SUPPRESS_BELOW": 8, "ROUND_TO": 5}


def _survey(mode):
    return create_survey(
        mode=mode,
        pages=[
            [
                {"kind": "single", "text": "Travel", "options": TRANSPORT},
                {"kind": "multiple", "text": "Used", "options": TRANSPORT},
                {"kind": "matrix", "text": "Grid", "rows": ROWS},
                {"kind": "ranking", "text": "Order", "options": TRANSPORT},
                {"kind": "long_text", "text": "Comments"},
            ]
        ],
    )


def _answers(survey):
    travel, used, grid, order, text = questions_of(survey)
    return {
        travel.id: "car",
        used.id: ["bus", "walk"],
        grid.id: {"wait": "disagree"},
        order.id: ["walk", "car", "bus"],
        text.id: "Fine, thanks",
    }


def _csv(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_labels_export_has_one_column_per_question_option_and_row(app):
    survey = _survey("invitation")
    member = create_member(email="named.person@example.org", first_name="Named", last_name="Person")
    create_response(survey, _answers(survey), member=member, invited=True, equality={"sex": "female"})

    row = _csv(exports.responses_csv(survey, "labels", include_equality=True))[0]

    assert row["Q1. Travel"] == "Car"
    assert row["Q2. Used: Bus"] == "Bus" and row["Q2. Used: Car"] == "" and row["Q2. Used: Walk"] == "Walk"
    assert row["Q3. Grid: Waiting time"] == "Disagree" and row["Q3. Grid: Staff"] == ""
    assert row["Q4. Order: rank of Walk"] == "1" and row["Q4. Order: rank of Bus"] == "3"
    assert row["Q5. Comments"] == "Fine, thanks"
    assert row["member_id"] == str(member.id) and row["invitation_id"]
    assert row["Equality: sex"] == "Female" and row["status"] == "complete"


def test_free_text_that_looks_like_a_formula_is_made_inert(app):
    survey = _survey("open")
    text = questions_of(survey)[4]
    create_response(survey, {text.id: '=HYPERLINK("http://example.org")'})
    row = _csv(exports.responses_csv(survey, "labels"))[0]
    assert row["Q5. Comments"] == '\'=HYPERLINK("http://example.org")'


def test_codes_export(app):
    survey = _survey("open")
    create_response(survey, _answers(survey), channel="paper")
    row = _csv(exports.responses_csv(survey, "codes"))[0]
    assert row["q1"] == "car" and row["q2_bus"] == "1" and row["q2_car"] == "0"
    assert row["q3_wait"] == "disagree" and row["q4_car"] == "2" and row["channel"] == "paper"


def test_anonymous_export_contains_no_member_data(app):
    survey = _survey("anonymous")
    member = create_member(email="hidden.person@example.org", first_name="Hidden", last_name="Person")
    # Even if a member were passed in, an anonymous response keeps no link to them.
    create_response(survey, _answers(survey), member=member)

    for body in (exports.responses_csv(survey, "labels"), exports.responses_csv(survey, "codes")):
        text = body.decode("utf-8-sig")
        header = text.splitlines()[0]
        assert "member" not in header and "invitation" not in header
        assert "hidden.person" not in text and "Hidden" not in text
        row = _csv(body)[0]
        assert len(row["completed"]) == 10  # a date, no time of day
    sheet = load_workbook(io.BytesIO(exports.responses_xlsx(survey, "labels"))).active
    cells = [str(c) for r in sheet.iter_rows(values_only=True) for c in r if c is not None]
    assert "Car" in cells
    assert not any("member" in c or "invitation" in c or "Hidden" in c for c in cells)


def test_xlsx_export_matches_the_csv(app):
    survey = _survey("invitation")
    create_response(survey, _answers(survey), member=create_member())
    sheet = load_workbook(io.BytesIO(exports.responses_xlsx(survey, "codes"))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, first = rows[0], rows[1]
    assert first[header.index("q1")] == "car" and first[header.index("q2_walk")] == 1


def test_summary_report_has_the_suppressed_figures(app, client):
    survey = _survey("open")
    travel = questions_of(survey)[0]
    for _n in range(12):
        create_response(survey, {travel.id: "bus"})
    for _n in range(2):
        create_response(survey, {travel.id: "walk"})

    html = exports.summary_html(survey)
    assert '<td>Bus</td><td class="n">10</td>' in html
    assert '<td>Walk</td><td class="n">*</td>' in html

    login(client, create_staff_user("analyst"))
    response = client.get(f"/staff/surveys/{survey.id}/summary.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_equality_answers_are_left_out_unless_asked_for(app):
    survey = _survey("open")
    create_response(survey, _answers(survey), equality={"sex": "male"})
    header = exports.response_rows(survey, "codes")[0]
    assert not any(h.startswith("equality_") for h in header)
    row = _csv(exports.responses_csv(survey, "codes", include_equality=True))[0]
    assert row["equality_sex"] == "male"


def test_response_exports_need_the_responses_permission(app, client):
    survey = _survey("open")
    login(client, create_staff_user("analyst"))
    assert client.get(f"/staff/surveys/{survey.id}/responses.csv").status_code == 403
    assert client.get(f"/staff/surveys/{survey.id}/responses.xlsx").status_code == 403
