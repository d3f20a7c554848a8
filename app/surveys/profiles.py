"""The groups respondents are compared in: the characteristics a cross-tabulation can be cut by,
their categories, and which group a respondent's answers place them in.

Respondents' answers are read and counted by disclosure control (the "response" source in
app/surveys/equality_counts.py); this module only names the groups.
"""

from datetime import date, datetime

from app.members import equality
from app.members.vocab import SELF_REPORTED_AGE_BANDS, age_on, self_reported_band_for_age
from app.surveys.models import CHANNELS

# Characteristics a question can be cross-tabulated by: key -> label.
CHARACTERISTICS = {
    "age_band": "Age band",
    "sex": "Sex",
    "ethnic_group": "Ethnic group (broad)",
    "disability": "Long-term condition or illness (disability)",
    "religion": "Religion",
    "sexual_orientation": "Sexual orientation",
    "gender_identity_same": "Gender identity the same as sex registered at birth",
    "pcn": "Primary care network (PCN)",
    "imd_decile": "Deprivation decile where they live (IMD 2025; invited members only)",
    "channel": "How the response was given",
}
NOT_KNOWN = "Not known or preferred not to say"
DEPRIVATION_NOTE = (
    "Deprivation decile comes from the postcode of an invited member, through the ONS postcode lookup an "
    "administrator loads (flask baselines load-postcodes). Open and anonymous responses have no postcode, so they "
    "count as not known; no figures are estimated or invented."
)


def categories(characteristic: str) -> list[tuple[str, str]]:
    """(code, label) pairs a characteristic's groups are shown in, in the order of the question."""
    if characteristic == "age_band":
        return [(code, band[0]) for code, band in SELF_REPORTED_AGE_BANDS.items()]
    if characteristic == "channel":
        return list(CHANNELS.items())
    if characteristic == "pcn":
        return []
    if characteristic == "imd_decile":
        return [
            (str(n), f"Decile {n}" + (" (most deprived)" if n == 1 else " (least deprived)" if n == 10 else ""))
            for n in range(1, 11)
        ]
    return [(code, label) for code, label in equality.choices(characteristic) if code != equality.PREFER_NOT_TO_SAY]


# The columns of the "response" source a characteristic's group is worked out from.
COLUMNS = {"age_band": ("age_band", "date_of_birth", "completed_at")}


def columns_of(characteristic: str) -> tuple[str, ...]:
    """The source columns that place a respondent in a group of this characteristic."""
    return COLUMNS.get(characteristic, (characteristic,))


def _age_band(band: str | None, born: str | None, completed_at: datetime | None) -> str | None:
    # The band given (in the survey, else the member's own); failing that, the age on the day they answered.
    if band or not born or completed_at is None:
        return band
    return self_reported_band_for_age(age_on(date.fromisoformat(born[:10]), completed_at.date()))


def group_of(characteristic: str, values: tuple, known: dict[str, str]) -> str:
    """The label of the group the values of `columns_of(characteristic)` place a response in, or NOT_KNOWN."""
    if characteristic == "age_band":
        return known.get(_age_band(*values), NOT_KNOWN)
    (value,) = values
    if characteristic == "pcn":
        return value or NOT_KNOWN
    if characteristic == "imd_decile":
        value = str(value) if value else None
    return known.get(value, NOT_KNOWN)
