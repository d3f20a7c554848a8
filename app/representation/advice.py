"""Where to look for more people of an under-represented group: advice per characteristic and category.

The advice ships as the curated defaults below and is held in the outreach_advice table, where an
administrator may reword it for the area. Recruitment targets and the board paper read it from
there. Advice names areas and channels, never individuals' special-category answers.
"""

import re

from sqlalchemy import select

from app.audit import services as audit_log
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members.vocab import AGE_BANDS
from app.representation import baselines, mapping
from app.representation.models import OutreachAdvice
from app.transactions import transactional

# Where to look for more people in each characteristic: areas and channels.
CHANNELS = {
    "age_band": "local groups and services used by people of these ages, and social media",
    "sex": "places and groups used mostly by the under-represented sex (e.g. men's sheds, parent and baby groups)",
    "broad_ethnic_group": "community, faith and voluntary organisations, and events in the areas where more people "
    "of the group live",
    "ethnic_group": "community, faith and voluntary organisations serving the group, and translated materials",
    "religion": "faith groups and places of worship",
    "disability": "disabled people's organisations, carers' groups, and accessible formats (easy read, BSL)",
    "sexual_orientation": "LGBT+ community groups and events",
    "gender_identity": "trans and non-binary community groups and events",
    "imd_decile": "the postcodes of these areas (download the list): community centres, GP practices, schools, "
    "food banks and door-to-door or local advertising there",
}

# Where people of an age are found, by the oldest age a band holds (a band is "Aged 20 to 24
# years", "Aged 85 years and over" and the like).
AGE_CHANNELS = (
    (
        24,
        "youth and student services, colleges and sixth forms, youth councils, young carers' groups, and social media",
    ),
    (49, "workplaces, parent and toddler groups, nurseries and school gates, sports clubs, and social media"),
    (64, "workplaces, community centres, carers' groups, faith groups, and local radio and newspapers"),
    (200, "older people's forums, lunch clubs, libraries, GP practices and pharmacies, and printed materials"),
)

# Any group of a characteristic that has no advice of its own (a custom baseline's categories, say).
ANY_GROUP = ""
MAX_LENGTH = 500
# Bands whose oldest age is under this are never sent to older people's places.
YOUNG_UNDER = 35
OLDER_PLACES = re.compile(r"older people|pensioner|retire", re.I)


def _ages(category: str) -> tuple[int, int] | None:
    """The youngest and oldest age an age band holds, or None when its label names no ages."""
    ages = [int(part) for part in re.findall(r"\d+", category)]
    if not ages:
        return None
    youngest = 0 if "and under" in category else min(ages)
    oldest = 200 if "and over" in category else max(ages)
    return youngest, oldest


def default_advice(key: str, category: str) -> str:
    """The curated advice a group starts with; for ages, places used at those ages."""
    ages = _ages(category) if key == "age_band" else None
    if ages:
        youngest, oldest = ages
        first = next(text for top, text in AGE_CHANNELS if youngest <= top)
        last = next(text for top, text in AGE_CHANNELS if oldest <= top)
        # A band across two of the rows above ("Aged 60 to 69 years") gets the places of both.
        return first if first == last else f"{first}; {last}"
    return CHANNELS.get(key, "")


def categories(key: str) -> list[str]:
    """The groups of a characteristic that have advice of their own (ages: Census and wider bands)."""
    if key == "age_band":
        bands = [label for label, _, _ in AGE_BANDS] + [label for label, *_ in mapping.coarse_bands()]
        return list(dict.fromkeys(bands))
    return [c for c in baselines.census_categories(key) if c not in mapping.NOT_ANSWERED]


def defaults() -> list[tuple[str, str, str]]:
    """(characteristic, category, advice) for every group, as shipped: the seed of outreach_advice."""
    return [
        (key, category, default_advice(key, category)) for key in CHANNELS for category in [*categories(key), ANY_GROUP]
    ]


def _stored() -> dict[tuple[str, str], OutreachAdvice]:
    return {(row.characteristic, row.category): row for row in db.session.scalars(select(OutreachAdvice))}


def table() -> dict[tuple[str, str], str]:
    """The advice in force for every group: the defaults with what administrators changed."""
    found = {(key, category): text for key, category, text in defaults()}
    found.update({cell: row.advice for cell, row in _stored().items()})
    return found


def where_to_look(key: str, category: str, advice: dict | None = None) -> str:
    """Areas and channels where more people of `category` may be found (`advice`: a table() read once)."""
    advice = table() if advice is None else advice
    if (key, category) in advice:
        return advice[(key, category)]
    ages = _ages(category) if key == "age_band" else None
    if ages:
        # A band of the eligible range ("Aged 16 to 19 years"): the advice of the Census bands it overlaps,
        # or, while none of those was changed, the default for its ages.
        youngest, oldest = ages
        overlapping = [label for label, low, high in AGE_BANDS if low <= oldest and (high is None or high >= youngest)]
        texts = [advice.get((key, label), default_advice(key, label)) for label in overlapping]
        if any(text != default_advice(key, label) for text, label in zip(texts, overlapping, strict=True)):
            return "; ".join(dict.fromkeys(texts))
        return default_advice(key, category)
    return advice.get((key, ANY_GROUP), default_advice(key, ANY_GROUP))


def entries() -> list[dict]:
    """Every characteristic with its groups' advice, for the admin page, in the order the audit shows them."""
    advice = table()
    shown = []
    for key in CHANNELS:
        groups = [*categories(key), ANY_GROUP]
        shown.append(
            {
                "key": key,
                "label": baselines.CHARACTERISTICS[key][0],
                "groups": [_entry(key, number, category, advice) for number, category in enumerate(groups, 1)],
            }
        )
    return shown


def _entry(key: str, number: int, category: str, advice: dict) -> dict:
    text = advice[(key, category)]
    return {
        "key": key,
        "number": number,
        "category": category,
        "name": category or "Any other group",
        "advice": text,
        "default": default_advice(key, category),
        "changed": text != default_advice(key, category),
    }


def entry(key: str, number: int) -> dict:
    """One group's advice by its characteristic and place in the list (1 = the first group)."""
    if key not in CHANNELS:
        raise InvalidRequest("There is no such characteristic.", 404)
    groups = [*categories(key), ANY_GROUP]
    if not 1 <= number <= len(groups):
        raise InvalidRequest("There is no such group.", 404)
    found = _entry(key, number, groups[number - 1], table())
    found["label"] = baselines.CHARACTERISTICS[key][0]
    return found


def _check(key: str, category: str, text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidRequest(
            "Enter where to look for more people of this group, or reset it to the default.",
            400,
            {"advice": "Enter where to look, for example groups, services or places in the area"},
        )
    if len(text) > MAX_LENGTH:
        raise InvalidRequest(
            f"Where to look must be {MAX_LENGTH} characters or fewer.",
            400,
            {"advice": f"Where to look must be {MAX_LENGTH} characters or fewer (it has {len(text)})"},
        )
    ages = _ages(category) if key == "age_band" else None
    if ages and ages[1] < YOUNG_UNDER and OLDER_PLACES.search(text):
        raise InvalidRequest(
            "Older people's places are not where to find younger people.",
            400,
            {"advice": f"Remove older people's places: this advice is for people {category[0].lower()}{category[1:]}"},
        )
    return text


@transactional
def save(key: str, number: int, text: str, staff_user_id: int | None) -> bool:
    """Change one group's advice; False when it was already worded so. Refused with a reason when unfit."""
    found = entry(key, number)
    text = _check(key, found["category"], text)
    if text == found["advice"]:
        return False
    _store(key, found["category"], text, staff_user_id)
    audit_log.record("advice_change", "outreach_advice", f"{key}:{number}", f"where to look changed: {key}")
    return True


@transactional
def reset(key: str, number: int, staff_user_id: int | None) -> bool:
    """Put one group's advice back to the default; False when it was the default already."""
    found = entry(key, number)
    if not found["changed"]:
        return False
    _store(key, found["category"], found["default"], staff_user_id)
    audit_log.record("advice_reset", "outreach_advice", f"{key}:{number}", f"where to look reset: {key}")
    return True


def _store(key: str, category: str, text: str, staff_user_id: int | None) -> None:
    row = _stored().get((key, category))
    if row is None:
        row = OutreachAdvice(characteristic=key, category=category)
        db.session.add(row)
    row.advice = text
    row.changed_at = now()
    row.changed_by_id = staff_user_id
    db.session.flush()
