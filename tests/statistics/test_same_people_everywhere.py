"""The same people give the same published figure on every page that counts them.

An analyst who could read one group's count from the audit, a bulletin's readership by group
and a survey's cross-tab, each with its own noise, could average the three towards the exact
count. Cell key perturbation closes this when every page counts a person with the same key.
"""

import pytest
from sqlalchemy import update

from app.clock import now
from app.extensions import db
from app.newsletters import group_readership, sending
from app.newsletters.models import Delivery
from app.representation import services
from app.statistics import disclosure
from app.surveys import crosstab
from tests.factories import create_member
from tests.newsletters.factories import create_campaign
from tests.representation.helpers import born_years_before, load_area
from tests.representation.test_like_with_like import ON
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response


@pytest.fixture
def config_overrides():
    return {"SUPPRESS_BELOW": 8, "ROUND_TO": 5, "DISCLOSURE_FLOOR": 50}


def _shift_that_would_show(women) -> int:
    """A key shift under which the women's responses, counted with keys of their own, would publish another figure."""
    true = disclosure.publish(disclosure.total(disclosure.Cell(1, w.record_key) for w in women)).shown
    for shift in range(1, disclosure.KEY_RANGE):
        keys = [(w.record_key + shift) % disclosure.KEY_RANGE for w in women]
        if disclosure.publish(disclosure.Cell(len(keys), sum(keys))).shown != true:
            return shift
    raise AssertionError("no key shift changes the figure")  # pragma: no cover


def test_one_group_shows_one_figure_in_the_audit_the_readership_and_a_survey(app, outbox):
    load_area()
    born = born_years_before(ON, 40)
    women = [create_member(date_of_birth=born, equality={"sex": "female"}) for _ in range(63)]
    for _ in range(52):
        create_member(date_of_birth=born, equality={"sex": "male"})

    campaign = create_campaign()
    sending.start_send(campaign.id)
    db.session.execute(update(Delivery).where(Delivery.campaign_id == campaign.id).values(first_open_at=now()))
    db.session.commit()

    survey = create_survey()
    travel = questions_of(survey)[0]
    shift = _shift_that_would_show(women)
    for i, woman in enumerate(women):
        # Each response has a random key of its own, which alone would publish another figure.
        key = (woman.record_key + shift) % disclosure.KEY_RANGE
        create_response(survey, {travel.id: ("bus", "car", "walk")[i % 3]}, member=woman, record_key=key)

    audit = {c["key"]: c for c in services.run_audit("active", on=ON)["characteristics"]}["sex"]
    in_audit = {row["category"]: row["count"] for row in audit["categories"]}["Female"]
    read = {row["group"]: row for row in group_readership.readership_by_group(campaign.id, "sex")}["Female"]
    table = crosstab.present(crosstab.crosstab(survey, str(travel.id), "sex"))
    in_survey = next(c for c in table["columns"] if c["group"] == "Female")["n"]

    assert str(in_audit) == read["recipients"] == read["readers"] == str(in_survey)
    assert in_audit != disclosure.SUPPRESSED
