"""The representativeness audit of a group of members against the population baseline.

Pure computation over aggregate counts: a population function returns the ids
of the people in the group, their ages and equality answers are counted (never
read one by one), and each characteristic is compared with the baseline of the
area served.
"""

from datetime import date, datetime, time

from sqlalchemy import select

from app.extensions import db
from app.members.models import Member
from app.representation import baselines, mapping
from app.representation.models import PostcodeArea
from app.statistics import disclosure

DEFAULT_MIN_AGE = mapping.ADULT_AGE

# kind -> (label, function(params) -> a SELECT of member ids)
POPULATIONS: dict[str, tuple[str, object]] = {}


def register_population(kind: str, label: str, member_ids) -> None:
    """Make a group auditable: `member_ids(params)` returns a SELECT of Member.id (or a list of ids)."""
    POPULATIONS[kind] = (label, member_ids)


# name -> function() -> [(id, name)]: what the audit form offers to choose a group by (rosters, bulletins...)
CHOICES: dict[str, object] = {}


def register_choices(name: str, choices) -> None:
    """Offer the audit form a list to choose one group of a registered kind from."""
    CHOICES[name] = choices


def _active(params):
    return select(Member.id).where(Member.status == "active")


def _signed_up(params):
    start = params.get("start")
    end = params.get("end")
    query = select(Member.id).where(Member.status.notin_(("erased", "pending")))
    if start:
        query = query.where(Member.created_at >= datetime.combine(date.fromisoformat(start), time.min))
    if end:
        query = query.where(Member.created_at <= datetime.combine(date.fromisoformat(end), time.max))
    return query


register_population("active", "All active members", _active)
register_population("signed_up", "People who signed up in a period", _signed_up)


def _born_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def load_counts(member_ids, on: date) -> dict:
    """Protected tallies for a group: cells (never counts) per date of birth and band, answer and decile.

    The rows are read and counted by disclosure control; this module only ever holds cells.
    {"people": Cell, "ages": [(date_of_birth, age_band, Cell)], "answers": {field: {code: Cell}},
    "pairs": {characteristic: {(first answer, second answer): Cell}},
    "aged": {minimum age: {field: {code: Cell}}}, "aged_people": {minimum age: Cell},
    "imd": {decile or None: Cell} (only when the postcode lookup is loaded)}
    """
    fields = list(dict.fromkeys([*mapping.ANSWER_FIELDS.values(), *mapping.PAIRED_FIELDS.values()]))
    lookup = db.session.scalar(select(PostcodeArea.postcode).limit(1)) is not None
    decile = (PostcodeArea, PostcodeArea.postcode, PostcodeArea.imd_decile) if lookup else None
    tally = disclosure.tally("member", member_ids, fields=fields, decile=decile)
    ages = tally.cells("date_of_birth", "age_band")
    born_column, band_column = tally.plain("date_of_birth"), tally.plain("age_band")
    aged, aged_people = {}, {}
    for key, minimum in mapping.MINIMUM_AGE.items():
        youngest = _born_before(on, minimum).isoformat()
        where = [
            (born <= youngest) if born else band != "under_16"
            for born, band in zip(born_column, band_column, strict=True)
        ]
        field = mapping.ANSWER_FIELDS[key]
        aged.setdefault(minimum, {})[field] = tally.cells(field, where=where)
        aged_people[minimum] = tally.people(where)
    result = {
        "people": tally.people(),
        "ages": [(date.fromisoformat(born[:10]) if born else None, band, n) for (born, band), n in ages.items()],
        "answers": {f: tally.cells(f) for f in fields},
        "pairs": {
            key: tally.cells(mapping.ANSWER_FIELDS[key], second) for key, second in mapping.PAIRED_FIELDS.items()
        },
        "aged": aged,
        "aged_people": aged_people,
    }
    if lookup:
        result["imd"] = tally.cells("imd_decile")
    return result


def _characteristic(key, counts, unknown, population, notes, rule, base=None, message=None):
    label = baselines.CHARACTERISTICS[key][0]
    entry = {"key": key, "label": label, "base": base or baselines.CHARACTERISTICS[key][1], "notes": notes}
    if population is None:
        entry.update(status="no_baseline", message=message or f"The area served has no baseline for {label.lower()}.")
        return entry
    population = {c: n for c, n in population.items() if c not in mapping.NOT_ANSWERED}
    entry.update(disclosure.compare(counts, population, unknown, rule))
    return entry


def _age(counts: dict, on: date, area_codes, age_range: mapping.AgeRange, rule) -> dict:
    """Members' ages against the residents of the eligible range, on the same bands."""
    coarse = any(
        born is None
        and reported in mapping.SELF_REPORTED_AGE_BANDS
        and not age_range.misses(*mapping.SELF_REPORTED_AGE_BANDS[reported][1:])
        for born, reported, _ in counts["ages"]
    )
    tables = baselines.age_tables(area_codes)
    population = mapping.age_baseline(tables, age_range, coarse) if tables is not None else None
    age, unknown = mapping.age_counts_in(counts["ages"], on, age_range, coarse)
    words = age_range.text()
    base = f"Usual residents aged {words} (Census 2021 TS007A)" if age_range.low or age_range.high else None
    notes = []
    if age_range.low or age_range.high is not None:
        notes.append(
            f"Compared with the residents who could be in the group, those aged {words}: Census bands outside "
            "the range are left out, and so are members whose age is outside it."
        )
    if any(label in ("Aged 15 years", "Aged 16 to 19 years") for label, *_ in mapping.fine_bands(age_range, coarse)):
        notes.append(
            "The Census band 15 to 19 holds children and adults, so it is cut at 16: the 15-year-olds are the "
            "residents under 16 (all residents less the TS077 count of those aged 16 and over) less those under 15. "
            "The two tables were protected separately, so that figure is within a few people of the truth."
        )
    if coarse:
        notes.append(
            "Some people gave an age band rather than a date of birth, so ages are compared on wider bands "
            "that both sets of bands fit into."
        )
    message = None
    if population is None and tables is not None:
        message = (
            f"The baseline of the area served cannot be cut at 16 (it has no count of residents aged 16 and over), "
            f"so ages cannot be compared for the range {words}."
        )
    return _characteristic("age_band", age, unknown, population, notes, rule, base, message)


def _universe_note(key: str, age_range: mapping.AgeRange) -> str | None:
    """Which residents the Census table counts, set beside the eligible range."""
    minimum = mapping.MINIMUM_AGE.get(key)
    everyone = age_range.low == 0 and age_range.high is None
    if key == "imd_decile":
        return None
    if minimum is not None:
        if age_range.low == minimum and age_range.high is None:
            return f"The Census table counts residents aged {minimum} and over, the same as the eligible range."
        return (
            f"The Census table counts residents aged {minimum} and over and is shipped without an age breakdown, "
            f"so it is not cut to the eligible range ({age_range.text()})."
        )
    if everyone:
        return None
    return (
        "The Census table counts residents of all ages and is shipped without an age breakdown, so it cannot be "
        f"cut to the eligible range ({age_range.text()}): its shares include people outside it."
    )


def compute(counts: dict, on: date, area_codes, age_range: mapping.AgeRange | None = None, rule=None) -> dict:
    """Compare a group (cells from load_counts) with the baseline of the areas, characteristic by characteristic.

    Ages are compared with the residents of the eligible range only. Every figure in the result is
    published by disclosure control: nothing in it is an exact count.
    """
    rule = rule or disclosure.rules()
    age_range = age_range or mapping.AgeRange()
    out = [_age(counts, on, area_codes, age_range, rule)]
    for key, field in mapping.ANSWER_FIELDS.items():
        notes = []
        universe = _universe_note(key, age_range)
        if universe:
            notes.append(universe)
        answers = counts["answers"].get(field, {})
        minimum = mapping.MINIMUM_AGE.get(key)
        if minimum is not None:
            answers = counts["aged"][minimum][field]
            notes.append(f"The Census base is people aged {minimum} and over; younger members are left out.")
        if key in ("religion", "sexual_orientation", "gender_identity"):
            notes.append(
                'The Census "Not answered" group is left out so that both sides are shares of people who answered.'
            )
        population = baselines.baseline_for(area_codes, key)
        if key == "disability":
            found, unknown = mapping.disability_counts(counts.get("pairs", {}).get("disability", {}))
            notes.append(
                "Disabled under the Equality Act, as Census 2021 counts it: a long-term physical or mental health "
                "condition or illness that reduces the ability to carry out day-to-day activities a lot or a little. "
                "Members who said they have a condition but not whether it limits them count as not known."
            )
        elif key == "gender_identity":
            found, unknown = mapping.gender_identity_counts(answers)
            if population is not None:
                population = mapping.gender_identity_baseline(population)
            notes.append(
                "The question asks whether a person's gender identity is the same as their sex registered at "
                "birth, so the Census groups for other identities (trans woman, trans man, all other gender "
                "identities, and different with no identity given) are compared together."
            )
            notes.append(
                "ONS reclassified the Census 2021 gender identity estimates as official statistics in development "
                "in 2024, because some people may have misunderstood the question: read this comparison with care."
            )
        else:
            found, unknown = mapping.answer_counts(field, answers)
        out.append(_characteristic(key, found, unknown, population, notes, rule))
    out.append(_deprivation(counts, area_codes, rule))
    return {"people": disclosure.publish(counts["people"], rule).shown, "characteristics": out, "protected": True}


def _deprivation(counts: dict, area_codes, rule) -> dict:
    if counts.get("imd") is None:
        return {
            "key": "imd_decile",
            "label": baselines.CHARACTERISTICS["imd_decile"][0],
            "base": baselines.CHARACTERISTICS["imd_decile"][1],
            "status": "no_data",
            "notes": [],
            "message": (
                "Deprivation needs the postcode lookup: an administrator loads the ONS Postcode Directory for the "
                "area served with `flask baselines load-postcodes FILE`. Until then no member figures are estimated."
            ),
        }
    found = {str(decile): n for decile, n in counts["imd"].items() if decile is not None}
    unknown = counts["imd"].get(None, disclosure.EMPTY)
    notes = [
        "Members are placed in the IMD 2025 decile of the LSOA their postcode is in; a postcode missing from the "
        "lookup (or outside England) counts as not known."
    ]
    population = baselines.baseline_for(area_codes, "imd_decile")
    return _characteristic("imd_decile", found, unknown, population, notes, rule)
