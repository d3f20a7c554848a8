"""The settings page: every setting editable, checked, saved all-or-nothing, audited."""

import pytest

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.settings.services import SETTINGS, all_settings, get_setting
from tests.factories import create_staff_user, csrf_token, login


def valid_form(**changes) -> dict:
    return {**all_settings(), **changes}


def post_settings(client, data):
    token = csrf_token(client.get("/staff/settings").get_data(as_text=True))
    return client.post("/staff/settings", data={**data, "csrf_token": token})


def test_every_setting_is_on_the_page(client):
    login(client, create_staff_user("admin"))
    html = client.get("/staff/settings").get_data(as_text=True)
    for key, (label, _, _) in SETTINGS.items():
        assert f'name="{key}"' in html, key
        assert label in html


def test_saving_changes_settings_and_writes_an_audit_entry(client):
    login(client, create_staff_user("admin"))
    response = post_settings(
        client,
        valid_form(retention_lapse_months="36", require_two_factor="no", privacy_contact="DPO, dpo@example.nhs.uk"),
    )
    assert response.status_code == 302
    assert get_setting("retention_lapse_months") == "36"
    assert get_setting("privacy_contact") == "DPO, dpo@example.nhs.uk"
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "settings"))
    assert "retention_lapse_months" in entry.detail and "privacy_contact" in entry.detail
    assert "Settings saved." in client.get("/staff/settings").get_data(as_text=True)
    assert 'value="36"' in client.get("/staff/settings").get_data(as_text=True)


def test_privacy_text_reaches_the_public_page(client):
    login(client, create_staff_user("admin"))
    post_settings(client, valid_form(privacy_contact="Our data protection officer at dpo@example.nhs.uk"))
    assert "Our data protection officer at dpo@example.nhs.uk" in client.get("/privacy").get_data(as_text=True)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("retention_lapse_months", "-1", "Enter a whole number of months, 0 or more"),
        ("retention_erase_months", "1.5", "Enter a whole number of months, 0 or more"),
        ("retention_erase_months", "twelve", "Enter a whole number of months, 0 or more"),
        ("require_two_factor", "maybe", "Choose yes or no"),
        ("privacy_extra", "x" * 5001, "Enter 5000 characters or fewer"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(client, key, value, message):
    login(client, create_staff_user("admin"))
    response = post_settings(client, valid_form(**{key: value, "accessibility_contact": "changed@example.nhs.uk"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    assert get_setting("accessibility_contact") != "changed@example.nhs.uk", "nothing half-saved"
    assert db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "settings")) is None


def test_zero_months_turns_lapsing_off(client):
    login(client, create_staff_user("admin"))
    assert post_settings(client, valid_form(retention_lapse_months="0")).status_code == 302
    assert get_setting("retention_lapse_months") == "0"


@pytest.mark.parametrize("role, status", [("admin", 200), ("engagement", 403), ("comms", 403), ("analyst", 403)])
def test_only_admins_change_settings(client, role, status):
    login(client, create_staff_user(role))
    assert client.get("/staff/settings").status_code == status


def test_signed_out_people_cannot_change_settings(client):
    assert client.get("/staff/settings").status_code == 302
