"""The representativeness audit of a group of members against the population baseline.

Pure computation over aggregate counts: a population function returns the ids
of the people in the group, their ages and equality answers are counted (never
read one by one), and each characteristic is compared with the baseline of the
area served.
"""

from collections import Counter
from dataclasses import asdict
from datetime import date, datetime, time

from sqlalchemy import select

from app.extensions import db
from app.members.models import EqualityAnswers, Member
from app.representation import baselines, mapping
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

ANSWER_COLUMNS = [getattr(EqualityAnswers, f) for f in dict.fromkeys(mapping.ANSWER_FIELDS.values())]


def load_people(member_ids) -> list[tuple]:
    """(date_of_birth, age_band, answers...) for each person in the group, in ANSWER_COLUMNS order."""
    if not isinstance(member_ids, list | tuple | set):
        ids = member_ids.subquery()
        condition = Member.id.in_(select(ids.c[0]))
    else:
        condition = Member.id.in_(list(member_ids))
    query = (
        select(Member.date_of_birth, Member.age_band, *ANSWER_COLUMNS)
        .outerjoin(EqualityAnswers, EqualityAnswers.member_id == Member.id)
        .where(condition)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _too_young(born, reported, on, minimum) -> bool:
    if born is not None:
        return born > on or mapping.age_on(born, on) < minimum
    if reported:
        low, high = (
            mapping.SELF_REPORTED_AGE_BANDS[reported][1:] if reported in mapping.SELF_REPORTED_AGE_BANDS else (0, None)
        )
        return high is not None and high < minimum
    return False


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


def compute(
    people: list[tuple], on: date, area_codes, min_age: int = DEFAULT_MIN_AGE, min_answers: int = MIN_ANSWERS
) -> dict:
    """Compare a group (rows from load_people) with the baseline of the areas, characteristic by characteristic."""
    size = len(people)
    out = []
    # Age
    coarse = any(born is None and reported for born, reported, *_ in people)
    population = baselines.baseline_for(area_codes, "age_band")
    counts, unknown = mapping.age_counts(((p[0], p[1]) for p in people), on, coarse)
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
            left_out = sum(counts.pop(lbl, 0) for lbl in dropped)
            population = {c: n for c, n in population.items() if c not in dropped}
            notes.append(
                f"Bands wholly under {min_age} are left out of the comparison"
                + (f" ({left_out} people in them)." if left_out else ".")
            )
    out.append(_characteristic("age_band", counts, unknown, population, notes, size, min_answers))
    # Equality answers
    for key, field in mapping.ANSWER_FIELDS.items():
        column = 2 + list(dict.fromkeys(mapping.ANSWER_FIELDS.values())).index(field)
        notes = []
        rows = people
        if key in mapping.MINIMUM_AGE:
            minimum = mapping.MINIMUM_AGE[key]
            rows = [p for p in people if not _too_young(p[0], p[1], on, minimum)]
            notes.append(f"The Census base is people aged {minimum} and over; younger members are left out.")
        if key in ("religion", "sexual_orientation"):
            notes.append(
                'The Census "Not answered" group is left out so that both sides are shares of people who answered.'
            )
        answers = Counter(p[column] for p in rows)
        counts, unknown = mapping.answer_counts(field, answers)
        population = baselines.baseline_for(area_codes, key)
        out.append(_characteristic(key, counts, unknown, population, notes, len(rows), min_answers))
    out.append(
        {
            "key": "imd_decile",
            "label": baselines.CHARACTERISTICS["imd_decile"][0],
            "base": baselines.CHARACTERISTICS["imd_decile"][1],
            "status": "no_data",
            "people": size,
            "notes": [],
            "message": (
                "Deprivation cannot be audited yet: placing a member in an IMD decile needs a lookup from postcode "
                "to LSOA (the ONS Postcode Directory), which Involve does not include. The population baseline by "
                "decile is loaded; no member figures are estimated or invented."
            ),
        }
    )
    return {"people": size, "characteristics": out}
