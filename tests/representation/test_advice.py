"""Where to look for more people: curated advice per group, edited by administrators, used by the targets."""

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.representation import advice, report, services
from app.representation.models import OutreachAdvice
from tests.factories import create_staff_user, csrf_token, login
from tests.representation.helpers import load_area
from tests.representation.test_board import ASIAN, THIS_YEAR, _page, _section, _white

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0028_outreach_advice.py"
BROAD = "broad_ethnic_group"


def _number(key, category):
    return [*advice.categories(key), advice.ANY_GROUP].index(category) + 1


def _admin(client):
    login(client, create_staff_user("admin"))


def _post(client, url, **data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _audit_with_asian_gap():
    load_area()
    _white(80)
    return services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)


def test_the_migration_seeds_exactly_the_shipped_advice(app):
    spec = importlib.util.spec_from_file_location("advice_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeded = [(key, category, module.ADVICE[n]) for key, category, n in module.SEED]
    assert seeded == advice.defaults()


def test_young_age_bands_are_never_sent_to_older_peoples_places(app):
    young = [
        (category, text)
        for key, category, text in advice.defaults()
        if key == "age_band" and category and advice._ages(category)[1] < advice.YOUNG_UNDER
    ]
    assert {"Aged 24 years and under", "Aged 25 to 34 years", "Aged 20 to 24 years"} <= {c for c, _ in young}
    assert all("older people" not in text for _, text in young)


def test_out_of_the_box_every_group_gets_the_curated_advice(app):
    assert advice.where_to_look("age_band", "Aged 16 to 19 years") == advice.default_advice(
        "age_band", "Aged 16 to 19 years"
    )
    assert advice.where_to_look("religion", "A faith of a custom baseline") == advice.CHANNELS["religion"]
    assert advice.where_to_look(BROAD, ASIAN) == advice.CHANNELS[BROAD]


def test_only_administrators_see_the_advice_pages(client, app):
    other = app.test_client()
    login(other, create_staff_user("engagement"))
    assert other.get("/staff/representation/where-to-look").status_code == 403
    _admin(client)
    page = client.get("/staff/representation/where-to-look").get_data(as_text=True)
    assert "Where to look for more people" in page and "older people&#39;s forums" in page
    assert "Any other group" in page


def test_changed_advice_is_given_with_the_targets_and_in_the_board_paper(client, app):
    saved = _audit_with_asian_gap()
    _admin(client)
    url = f"/staff/representation/where-to-look/{BROAD}/{_number(BROAD, ASIAN)}"
    response = _post(client, url, advice="The Sikh gurdwara and Hindu mandir open days, and Asian radio stations")
    assert response.status_code == 302
    target = next(t for t in report.recruitment_targets(saved.results) if t["category"] == ASIAN)
    assert target["channels"] == "The Sikh gurdwara and Hindu mandir open days, and Asian radio stations"
    # Other groups keep the default.
    assert advice.where_to_look(BROAD, "White") == advice.CHANNELS[BROAD]
    plan = _section(_page(app.test_client(), saved), "plan")
    assert "Asian radio stations" in plan
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "advice_change"))
    assert entry is not None and entry.record_type == "outreach_advice"


@pytest.mark.parametrize(
    ("characteristic", "category", "text", "message"),
    [
        ("religion", "Muslim", "   ", "Enter where to look"),
        ("religion", "Muslim", "x" * 501, "500 characters or fewer"),
        ("age_band", "Aged 25 to 34 years", "Older people's forums and lunch clubs", "Remove older people"),
        ("age_band", "Aged 24 years and under", "Pensioners' clubs", "Remove older people"),
    ],
)
def test_unfit_advice_is_refused_with_the_reason_and_nothing_is_written(
    client, characteristic, category, text, message
):
    _admin(client)
    url = f"/staff/representation/where-to-look/{characteristic}/{_number(characteristic, category)}"
    response = _post(client, url, advice=text)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message in page
    assert db.session.scalar(select(OutreachAdvice).where(OutreachAdvice.changed_at.is_not(None))) is None
    assert db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "advice_change")) is None


def test_older_peoples_places_may_be_given_for_older_bands(client):
    _admin(client)
    url = f"/staff/representation/where-to-look/age_band/{_number('age_band', 'Aged 75 years and over')}"
    assert _post(client, url, advice="Older people's forums and the library's home service").status_code == 302
    assert advice.where_to_look("age_band", "Aged 75 years and over").startswith("Older people's forums")


def test_a_changed_census_band_reaches_the_bands_of_the_eligible_range(client):
    _admin(client)
    url = f"/staff/representation/where-to-look/age_band/{_number('age_band', 'Aged 15 to 19 years')}"
    _post(client, url, advice="Sixth-form colleges and the youth council")
    assert "the youth council" in advice.where_to_look("age_band", "Aged 16 to 19 years")


def test_a_save_without_the_form_token_changes_nothing(client):
    _admin(client)
    url = f"/staff/representation/where-to-look/religion/{_number('religion', 'Muslim')}"
    response = client.post(url, data={"advice": "Mosques"})
    assert response.status_code == 400
    assert advice.where_to_look("religion", "Muslim") == advice.CHANNELS["religion"]


def test_reset_asks_first_then_puts_the_default_back(client):
    _admin(client)
    url = f"/staff/representation/where-to-look/religion/{_number('religion', 'Muslim')}"
    _post(client, url, advice="Mosques and Islamic centres")
    asked = client.get(url + "/reset")
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "to the default?" in page and "Mosques and Islamic centres" in page
    # Asking changes nothing.
    assert advice.where_to_look("religion", "Muslim") == "Mosques and Islamic centres"
    response = _post(client, url + "/reset")
    assert response.status_code == 302
    assert advice.where_to_look("religion", "Muslim") == advice.CHANNELS["religion"]
    assert db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "advice_reset")) is not None


def test_an_unknown_group_is_not_found(client):
    _admin(client)
    assert client.get("/staff/representation/where-to-look/religion/99").status_code == 404
    assert client.get("/staff/representation/where-to-look/shoe_size/1").status_code == 404
