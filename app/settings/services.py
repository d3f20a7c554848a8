"""Reading and changing administrator settings."""

from app.extensions import db
from app.settings.models import SiteSetting

# key -> (label, default, help)
SETTINGS = {
    "require_two_factor": ("Require two-factor sign-in for every staff account", "no", "yes or no"),
    "retention_lapse_months": (
        "Lapse members with no activity for this many months",
        "24",
        "Whole months; 0 turns lapsing off",
    ),
    "retention_erase_months": (
        "Erase lapsed members after this many further months",
        "12",
        "Whole months; 0 turns erasure off",
    ),
    "privacy_contact": (
        "Privacy contact (shown on the privacy notice)",
        "Data Protection Officer, NHS Example Integrated Care Board, dpo@example.nhs.uk",
        "",
    ),
    "privacy_extra": ("Extra text for the privacy notice", "", "Plain text; blank lines start new paragraphs"),
    "accessibility_contact": (
        "Accessibility contact (shown on the accessibility statement)",
        "involve@example.nhs.uk",
        "",
    ),
    "accessibility_extra": ("Extra text for the accessibility statement", "", "Plain text"),
}


def get_setting(key: str) -> str:
    if key not in SETTINGS:
        raise KeyError(key)
    row = db.session.get(SiteSetting, key)
    return row.value if row is not None else SETTINGS[key][1]


def all_settings() -> dict[str, str]:
    stored = {row.key: row.value for row in db.session.scalars(db.select(SiteSetting))}
    return {key: stored.get(key, default) for key, (_, default, _) in SETTINGS.items()}
