"""Privacy notice and accessibility statement, with the organisation's own text."""

from app.extensions import db
from app.settings.models import SiteSetting
from tests.public.helpers import page_text


def test_privacy_notice_covers_basis_retention_rights_and_contact(client):
    db.session.add(SiteSetting(key="retention_lapse_months", value="18"))
    db.session.add(SiteSetting(key="retention_erase_months", value="6"))
    db.session.add(SiteSetting(key="privacy_contact", value="Data Protection Officer, dpo@wolves.example.nhs.uk"))
    db.session.commit()
    html = page_text(client.get("/privacy"))
    assert "Article 9" in html and "explicit consent" in html
    assert "18 months" in html and "6 months" in html
    assert "dpo@wolves.example.nhs.uk" in html
    assert "download a copy of your data" in html and "delete" in html


def test_accessibility_statement_follows_the_model(client):
    db.session.add(SiteSetting(key="accessibility_contact", value="access@wolves.example.nhs.uk"))
    db.session.commit()
    html = page_text(client.get("/accessibility"))
    for heading in ("Feedback and contact information", "Enforcement procedure", "Compliance status"):
        assert heading in html
    assert "access@wolves.example.nhs.uk" in html


def test_every_public_page_links_to_privacy_and_accessibility(client):
    for path in ("/", "/get-involved", "/get-involved/check-email", "/privacy", "/accessibility"):
        html = page_text(client.get(path))
        assert 'href="/privacy"' in html and 'href="/accessibility"' in html, path
