"""Reading and changing administrator settings."""

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.settings.models import SiteSetting
from app.transactions import transactional

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
    "roster_review_email": (
        "Email admin and engagement staff a weekly summary of group members to review",
        "yes",
        "yes or no; sent on Mondays when the review list is not empty",
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
    "eligible_min_age": (
        "Youngest age a person can join the involvement network",
        "16",
        "Whole years. The representativeness audit compares members with the residents of this age and over",
    ),
    "eligible_max_age": (
        "Oldest age a person can join the involvement network",
        "",
        "Whole years; leave blank for no upper age",
    ),
}


def get_setting(key: str) -> str:
    if key not in SETTINGS:
        raise KeyError(key)
    row = db.session.get(SiteSetting, key)
    return row.value if row is not None else SETTINGS[key][1]


def all_settings() -> dict[str, str]:
    stored = {row.key: row.value for row in db.session.scalars(db.select(SiteSetting))}
    return {key: stored.get(key, default) for key, (_, default, _) in SETTINGS.items()}


# How each setting is checked; anything not listed is free text.
KINDS = {
    "require_two_factor": "yes_no",
    "roster_review_email": "yes_no",
    "retention_lapse_months": "months",
    "retention_erase_months": "months",
    "eligible_min_age": "age",
    "eligible_max_age": "optional_age",
}

# Checks over several settings together, offered to the domains that use them:
# function(the settings as they would be) -> {key: message}.
CHECKS = []


def register_check(check) -> None:
    """Have `check(settings)` judge every change to the settings before it is saved."""
    if check not in CHECKS:
        CHECKS.append(check)


TEXT_MAX_LENGTH = 5000


def kind_of(key: str) -> str:
    return KINDS.get(key, "text")


def check_settings(values: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(cleaned values, {key: message}) for every known setting present in `values`."""
    cleaned, errors = {}, {}
    for key, (label, _, _) in SETTINGS.items():
        if key not in values:
            continue
        value = (values.get(key) or "").strip()
        kind = kind_of(key)
        if kind == "yes_no":
            if value not in ("yes", "no"):
                errors[key] = f"Choose yes or no for: {label.lower()}"
                continue
        elif kind == "months":
            if not value.isdecimal():
                errors[key] = "Enter a whole number of months, 0 or more, like 24"
                continue
            if int(value) > 1200:
                errors[key] = "Enter a number of months of 1200 or fewer"
                continue
            value = str(int(value))
        elif kind in ("age", "optional_age"):
            if not value and kind == "optional_age":
                cleaned[key] = ""
                continue
            if not value.isdecimal() or int(value) > 120:
                errors[key] = "Enter a whole number of years from 0 to 120, like 16"
                continue
            value = str(int(value))
        elif len(value) > TEXT_MAX_LENGTH:
            errors[key] = f"Enter {TEXT_MAX_LENGTH} characters or fewer"
            continue
        cleaned[key] = value
    if not errors and CHECKS:
        future = all_settings() | cleaned
        for check in CHECKS:
            errors.update({k: m for k, m in check(future).items() if k in values})
    return cleaned, errors


@transactional
def save_settings(values: dict) -> list[str]:
    """Store every valid setting given, or none if any is wrong; returns the keys that changed."""
    cleaned, errors = check_settings(values)
    if errors:
        raise InvalidRequest("There is a problem with the settings.", 400, errors)
    current = all_settings()
    changed = [key for key, value in cleaned.items() if current[key] != value]
    for key in changed:
        row = db.session.get(SiteSetting, key)
        if row is None:
            row = SiteSetting(key=key)
            db.session.add(row)
        row.value = cleaned[key]
        row.updated_at = now()
    if changed:
        # Keys only: the values are policy, but the log stays a list of who changed what.
        audit.record("settings", "site_setting", "", "changed: " + ", ".join(changed))
    return changed
