"""Who answered a survey: each complete response's characteristics (a profile), for cross-tabulation and reach.

Equality answers given in the survey come first; for an identified response whose survey
answer to a question is missing, the member's own answer (and age) is used instead. An
anonymous response has no member, so only what was given in the survey is known. The
profiles are counted by callers and never shown one by one.
"""

from datetime import date

from sqlalchemy import String, cast, select

from app.extensions import db
from app.members import equality
from app.members.models import EqualityAnswers, Member
from app.members.vocab import SELF_REPORTED_AGE_BANDS, age_on, self_reported_band_for_age
from app.organisations.models import PCN, Practice
from app.representation.models import PostcodeArea
from app.surveys.models import CHANNELS, Response, ResponseEquality

EQUALITY_FIELDS = (
    "ethnic_group",
    "ethnic_background",
    "sex",
    "gender_identity_same",
    "sexual_orientation",
    "disability",
    "disability_impact",
    "religion",
)

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


def profiles(survey_id: int) -> list[dict]:
    """One dict per complete response: response_id, channel, date_of_birth, age_band code, equality codes, pcn."""
    member_answers = [getattr(EqualityAnswers, f) for f in EQUALITY_FIELDS]
    survey_answers = [getattr(ResponseEquality, f) for f in EQUALITY_FIELDS]
    query = (
        select(
            Response.id,
            Response.record_key,
            Response.channel,
            Response.completed_at,
            ResponseEquality.age_band,
            cast(Member.date_of_birth, String),
            Member.age_band,
            PCN.name,
            PostcodeArea.imd_decile,
            *survey_answers,
            *member_answers,
        )
        .outerjoin(ResponseEquality, ResponseEquality.response_id == Response.id)
        .outerjoin(Member, Member.id == Response.member_id)
        .outerjoin(EqualityAnswers, EqualityAnswers.member_id == Member.id)
        .outerjoin(Practice, Practice.id == Member.practice_id)
        .outerjoin(PCN, PCN.id == Practice.pcn_id)
        .outerjoin(PostcodeArea, PostcodeArea.postcode == Member.search_postcode)
        .where(Response.survey_id == survey_id, Response.completed_at.is_not(None))
    )
    count = len(EQUALITY_FIELDS)
    out = []
    for row in db.session.execute(query):
        response_id, record_key, channel, completed_at, reported_band, born, member_band, pcn, decile = row[:9]
        given, own = row[9 : 9 + count], row[9 + count :]
        born = date.fromisoformat(born[:10]) if born else None
        profile = {
            "response_id": response_id,
            "record_key": record_key or 0,
            "channel": channel,
            "completed_at": completed_at,
            "date_of_birth": born if not reported_band else None,
            "age_band": reported_band or member_band,
            "pcn": pcn,
            "imd_decile": str(decile) if decile else None,
        }
        if not profile["age_band"] and born is not None and completed_at is not None:
            profile["age_band"] = self_reported_band_for_age(age_on(born, completed_at.date()))
        for i, field in enumerate(EQUALITY_FIELDS):
            profile[field] = given[i] if given[i] else own[i]
        # The two disability questions are read together, from whichever answers gave the first.
        condition = EQUALITY_FIELDS.index("disability")
        impact = EQUALITY_FIELDS.index("disability_impact")
        profile["disability_impact"] = given[impact] if given[condition] else own[impact]
        out.append(profile)
    return out


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


def group_of(profile: dict, characteristic: str, known: dict[str, str]) -> str:
    """The label of the group a response falls in, or NOT_KNOWN."""
    value = profile.get(characteristic)
    if characteristic == "pcn":
        return value or NOT_KNOWN
    return known.get(value, NOT_KNOWN)
