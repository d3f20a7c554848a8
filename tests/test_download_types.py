"""Every download names its type and its character set once, as a spreadsheet or browser expects."""

import pytest

from app.extensions import db
from tests.factories import create_member, create_staff_user, login
from tests.newsletters.factories import create_campaign
from tests.representation.helpers import load_area
from tests.surveys.factories import create_survey


@pytest.fixture
def downloads(app):
    load_area()
    # Enough people answered for the audit to show a breakdown at all.
    for i in range(60):
        create_member(first_name=f"P{i}", equality={"ethnic_group": "white"})
    survey = create_survey()
    campaign = create_campaign()
    db.session.commit()
    return [
        "/staff/members/export?format=csv",
        "/staff/representation/export.csv?on=2026-06-01",
        f"/staff/surveys/{survey.id}/responses.csv?style=codes",
        f"/staff/bulletins/campaigns/{campaign.id}/report.csv",
    ]


def test_csv_downloads_carry_one_charset(client, downloads):
    login(client, create_staff_user("admin"))
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url
