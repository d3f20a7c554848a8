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

DEFAULT_MIN_AGE = 16

# kind -> (label, function(params) -> a SELECT of member ids)
POPULATIONS: dict[str, tuple[str, object]] = {}


def register_population(kind: str, label: str, member_ids) -> None:
    """Make a group auditable: `member_ids(params)` returns a SELECT of Member.id (or a list of ids)."""
    POPULATIONS[kind] = (label, member_ids)


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
    "aged": {minimum age: {field: {code: Cell}}}, "aged_people": {minimum age: Cell},
    "imd": {decile or None: Cell} (only when the postcode lookup is loaded)}
    """
    fields = list(dict.fromkeys(mapping.ANSWER_FIELDS.values()))
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
        "aged": aged,
        "aged_people": aged_people,
    }
    if lookup:
        result["imd"] = tally.cells("imd_decile")
    return result


def _characteristic(key, counts, unknown, population, notes, rule):
    label = baselines.CHARACTERISTICS[key][0]
    entry = {"key": key, "label": label, "base": baselines.CHARACTERISTICS[key][1], "notes": notes}
    if population is None:
        entry.update(status="no_baseline", message=f"The area served has no baseline for {label.lower()}.")
        return entry
    population = {c: n for c, n in population.items() if c not in mapping.NOT_ANSWERED}
    entry.update(disclosure.compare(counts, population, unknown, rule))
    return entry


def compute(counts: dict, on: date, area_codes, min_age: int = DEFAULT_MIN_AGE, rule=None) -> dict:
    """Compare a group (cells from load_counts) with the baseline of the areas, characteristic by characteristic.

    Every figure in the result is published by disclosure control: nothing in it is an exact count.
    """
    rule = rule or disclosure.rules()
    out = []
    coarse = any(born is None and reported for born, reported, _ in counts["ages"])
    population = baselines.baseline_for(area_codes, "age_band")
    age, unknown = mapping.age_counts(counts["ages"], on, coarse)
    notes = []
    if population is not None:
        if coarse:
            population = mapping.coarsen_baseline(population)
            notes.append(
                "Some people gave an age band rather than a date of birth, so ages are compared on wider bands "
                "that both sets of bands fit into."
            )
        bands = mapping.coarse_bands() if coarse else [(lbl, lo, hi, None) for lbl, lo, hi in mapping.AGE_BANDS]
        dropped = [lbl for lbl, lo, hi, _ in bands if hi is not None and hi < min_age]
        if dropped:
            for lbl in dropped:
                age.pop(lbl, None)
            population = {c: n for c, n in population.items() if c not in dropped}
            notes.append(f"Bands wholly under {min_age} are left out of the comparison.")
    out.append(_characteristic("age_band", age, unknown, population, notes, rule))
    for key, field in mapping.ANSWER_FIELDS.items():
        notes = []
        answers = counts["answers"].get(field, {})
        minimum = mapping.MINIMUM_AGE.get(key)
        if minimum is not None:
            answers = counts["aged"][minimum][field]
            notes.append(f"The Census base is people aged {minimum} and over; younger members are left out.")
        if key in ("religion", "sexual_orientation"):
            notes.append(
                'The Census "Not answered" group is left out so that both sides are shares of people who answered.'
            )
        found, unknown = mapping.answer_counts(field, answers)
        population = baselines.baseline_for(area_codes, key)
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
