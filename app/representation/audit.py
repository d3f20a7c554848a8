"""The representativeness audit of a group of members against the population baseline.

Pure computation over aggregate counts: a population function returns the ids
of the people in the group, their ages and equality answers are counted (never
read one by one), and each characteristic is compared with the baseline of the
area served.
"""

from collections import Counter
from dataclasses import asdict
from datetime import date, datetime, time

from sqlalchemy import String, cast, select

from app.extensions import db
from app.members.models import EqualityAnswers, Member
from app.representation import baselines, mapping
from app.representation.models import PostcodeArea
from app.statistics.comparison import compare

MIN_ANSWERS = 20
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


def _condition(member_ids):
    if isinstance(member_ids, list | tuple | set):
        return Member.id.in_(list(member_ids))
    ids = member_ids.subquery()
    return Member.id.in_(select(ids.c[0]))


def _born_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def load_counts(member_ids, on: date) -> dict:
    """Aggregate counts for a group: how many people had each date of birth, band and answer.

    One pass over the group's rows, returning only totals, so callers never see
    anyone's answers. Dates travel as ISO text so that only distinct ones are parsed.
    {"people": n, "ages": [(date_of_birth, age_band, n)], "answers": {field: {code: n}},
    "aged": {minimum age: {field: {code: n}}}, "aged_people": {minimum age: n},
    "imd": {decile or None: n} (only when the postcode lookup is loaded)}
    """
    fields = list(dict.fromkeys(mapping.ANSWER_FIELDS.values()))
    lookup = db.session.scalar(select(PostcodeArea.postcode).limit(1)) is not None
    query = (
        select(cast(Member.date_of_birth, String), Member.age_band, *(getattr(EqualityAnswers, f) for f in fields))
        .outerjoin(EqualityAnswers, EqualityAnswers.member_id == Member.id)
        .where(_condition(member_ids))
    )
    if lookup:
        query = query.add_columns(PostcodeArea.imd_decile).outerjoin(
            PostcodeArea, PostcodeArea.postcode == Member.search_postcode
        )
    rows = db.session.connection().execute(query).all()
    # Counting whole columns (tuples) keeps the loop in C; 100,000 members count in milliseconds.
    columns = list(zip(*rows, strict=True)) or [()] * (2 + len(fields) + (1 if lookup else 0))
    ages = Counter(zip(columns[0], columns[1], strict=True))
    answers = {f: Counter(columns[2 + i]) for i, f in enumerate(fields)}
    aged, aged_people = {}, {}
    for key, minimum in mapping.MINIMUM_AGE.items():
        youngest = _born_before(on, minimum).isoformat()
        column = 2 + fields.index(mapping.ANSWER_FIELDS[key])
        old_enough = [row[column] for row in rows if (row[0] <= youngest if row[0] else row[1] != "under_16")]
        aged.setdefault(minimum, {})[mapping.ANSWER_FIELDS[key]] = Counter(old_enough)
        aged_people[minimum] = len(old_enough)
    result = {
        "people": len(rows),
        "ages": [(date.fromisoformat(born[:10]) if born else None, band, n) for (born, band), n in ages.items()],
        "answers": answers,
        "aged": aged,
        "aged_people": aged_people,
    }
    if lookup:
        result["imd"] = Counter(columns[-1])
    return result


def _characteristic(key, counts, unknown, population, notes, size, min_answers):
    label = baselines.CHARACTERISTICS[key][0]
    entry = {"key": key, "label": label, "base": baselines.CHARACTERISTICS[key][1], "notes": notes, "people": size}
    if population is None:
        entry.update(status="no_baseline", message=f"The area served has no baseline for {label.lower()}.")
        return entry
    population = {c: n for c, n in population.items() if c not in mapping.NOT_ANSWERED}
    result = compare(counts, population, unknown)
    chi = result.chi_square
    entry.update(
        status="ok",
        message="",
        known=result.known,
        unknown=result.unknown,
        coverage=result.coverage,
        dissimilarity=result.dissimilarity,
        population_base=result.population_base,
        chi_square={
            "statistic": chi.statistic,
            "dof": chi.dof,
            "p_value": chi.p_value,
            "merged": [[list(population)[i] for i in g] for g in chi.groups if len(g) > 1],
            "reason": chi.reason,
        },
        categories=[asdict(c) for c in result.categories],
    )
    if result.known < min_answers:
        entry.update(
            status="too_small",
            message=(
                f"Only {result.known} people in this group answered, fewer than the {min_answers} needed to say "
                "anything reliable about how they compare with the population. Numbers are not charted."
            ),
        )
    return entry


def compute(counts: dict, on: date, area_codes, min_age: int = DEFAULT_MIN_AGE, min_answers: int = MIN_ANSWERS) -> dict:
    """Compare a group (counts from load_counts) with the baseline of the areas, characteristic by characteristic."""
    size = counts["people"]
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
            left_out = sum(age.pop(lbl, 0) for lbl in dropped)
            population = {c: n for c, n in population.items() if c not in dropped}
            notes.append(
                f"Bands wholly under {min_age} are left out of the comparison"
                + (f" ({left_out} people in them)." if left_out else ".")
            )
    out.append(_characteristic("age_band", age, unknown, population, notes, size, min_answers))
    for key, field in mapping.ANSWER_FIELDS.items():
        notes = []
        answers, people = counts["answers"].get(field), size
        minimum = mapping.MINIMUM_AGE.get(key)
        if minimum is not None:
            answers, people = counts["aged"][minimum][field], counts["aged_people"][minimum]
            notes.append(f"The Census base is people aged {minimum} and over; younger members are left out.")
        if key in ("religion", "sexual_orientation"):
            notes.append(
                'The Census "Not answered" group is left out so that both sides are shares of people who answered.'
            )
        found, unknown = mapping.answer_counts(field, answers)
        population = baselines.baseline_for(area_codes, key)
        out.append(_characteristic(key, found, unknown, population, notes, people, min_answers))
    out.append(_deprivation(counts, area_codes, size, min_answers))
    return {"people": size, "characteristics": out}


def _deprivation(counts: dict, area_codes, size: int, min_answers: int) -> dict:
    if counts.get("imd") is None:
        return {
            "key": "imd_decile",
            "label": baselines.CHARACTERISTICS["imd_decile"][0],
            "base": baselines.CHARACTERISTICS["imd_decile"][1],
            "status": "no_data",
            "people": size,
            "notes": [],
            "message": (
                "Deprivation needs the postcode lookup: an administrator loads the ONS Postcode Directory for the "
                "area served with `flask baselines load-postcodes FILE`. Until then no member figures are estimated."
            ),
        }
    found = {str(decile): n for decile, n in counts["imd"].items() if decile is not None}
    unknown = counts["imd"].get(None, 0)
    notes = [
        "Members are placed in the IMD 2025 decile of the LSOA their postcode is in; a postcode missing from the "
        "lookup (or outside England) counts as not known."
    ]
    population = baselines.baseline_for(area_codes, "imd_decile")
    return _characteristic("imd_decile", found, unknown, population, notes, size, min_answers)
