"""Download my data as a page to read or a spreadsheet: every section and answer in words, nothing left out."""

import csv
import io
import json

from tests.factories import create_member
from tests.public.test_preferences import _open


def _download(client, member, kind):
    path, token = _open(client, member)
    return client.post(path + "/download", data={"csrf_token": token, "format": kind})


def _member():
    return create_member(
        "sam@example.org",
        first_name="Sam",
        equality={"sex": "female", "ethnic_group": "asian", "disability": "no"},
        communication_needs=["large_print"],
    )


def test_the_preferences_page_offers_the_readable_page_first(client):
    path, _ = _open(client, _member())
    page = client.get(path).get_data(as_text=True)
    assert 'value="page" checked' in page and "A page you can read or print" in page and "A spreadsheet (CSV)" in page


def test_the_readable_page_names_every_section_and_answer_in_words(client):
    response = _download(client, _member(), "page")
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and 'filename="my-data.html"' in response.headers["Content-Disposition"]
    assert "<h2>Your details</h2>" in page and "<h2>Your equality monitoring answers</h2>" in page
    assert '<th scope="row">What is your sex?</th><td>Female</td>' in page
    assert '<th scope="row">How you need us to communicate</th><td>Large print</td>' in page
    assert '<th scope="row">Email address</th><td>sam@example.org</td>' in page
    assert "first_name" not in page and "large_print" not in page and '"female"' not in page


def test_the_spreadsheet_has_one_row_per_answer_with_labels_and_the_same_values_as_the_json(client):
    member = _member()
    rows = list(csv.reader(io.StringIO(_download(client, member, "csv").get_data(as_text=True))))
    assert rows[0] == ["Section", "Item", "Question", "Answer"]
    assert ["Your details", "1", "First name", "Sam"] in rows
    assert ["Your equality monitoring answers", "1", "What is your sex?", "Female"] in rows
    data = json.loads(_download(client, member, "json").get_data(as_text=True))
    # Every value of every record in the JSON has its own row.
    expected = sum(
        len(record) if isinstance(record, dict) else 1
        for value in data.values()
        for record in (value if isinstance(value, list) else [value])
    )
    assert len(rows) - 1 == expected


def test_times_are_shown_in_uk_time():
    from app.members import readable_export

    assert readable_export.text("given_at", "2026-07-01T08:00:00") == "1 July 2026 09:00 BST"
    assert readable_export.text("event_starts_at", "2026-07-01T18:30:00") == "1 July 2026 18:30"
    assert readable_export.text("withdrawn_at", None) == "Not given"
    assert readable_export.text("active", True) == "Yes"
