"""Mapping what members told us onto the categories of a population baseline.

Age bands come from date of birth at the audit date. People who gave only a
self-reported band (e.g. "16 to 24") cannot be placed in a five-year Census band,
so when any of them are present everyone is compared on the coarser bands that
both sets of bands are unions of.
"""

from datetime import date

from app.members import equality
from app.members.vocab import AGE_BANDS, SELF_REPORTED_AGE_BANDS, age_on

# characteristic -> the equality_answers column whose answers map onto it
ANSWER_FIELDS = {
    "sex": "sex",
    "broad_ethnic_group": "ethnic_group",
    "ethnic_group": "ethnic_background",
    "religion": "religion",
    "disability": "disability",
    "sexual_orientation": "sexual_orientation",
}

# Census categories for people who did not answer: compared as coverage, not as a group.
NOT_ANSWERED = {"Not answered"}

# Census characteristics whose base is not everyone, and the youngest age it covers.
MINIMUM_AGE = {"sexual_orientation": 16}


def census_band(age: int) -> str:
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[-1][0]


def _label(low: int, high: int | None) -> str:
    if low == 0:
        return f"Aged {high} years and under"
    if high is None:
        return f"Aged {low} years and over"
    return f"Aged {low} to {high} years"


def coarse_bands() -> list[tuple[str, int, int | None, list[str]]]:
    """(label, low, high, Census bands inside) for the bands both Census and self-reported bands fill."""
    census_lows = {low for _, low, _ in AGE_BANDS}
    reported_lows = {low for _, low, _ in SELF_REPORTED_AGE_BANDS.values()}
    lows = sorted(census_lows & reported_lows)
    bands = []
    for i, low in enumerate(lows):
        high = lows[i + 1] - 1 if i + 1 < len(lows) else None
        inside = [label for label, b_low, _ in AGE_BANDS if b_low >= low and (high is None or b_low <= high)]
        bands.append((_label(low, high), low, high, inside))
    return bands


def coarse_band_for_age(age: int) -> str:
    for label, low, high, _ in coarse_bands():
        if age >= low and (high is None or age <= high):
            return label
    return coarse_bands()[-1][0]


def coarse_band_for_reported(code: str) -> str | None:
    band = SELF_REPORTED_AGE_BANDS.get(code)
    if band is None:
        return None
    _, low, high = band
    for label, c_low, c_high, _ in coarse_bands():
        if low >= c_low and (c_high is None or (high is not None and high <= c_high)):
            return label
    return None


def coarsen_baseline(population: dict[str, int]) -> dict[str, int]:
    """A TS007A baseline added up into the coarse bands."""
    return {label: sum(population.get(b, 0) for b in inside) for label, _, _, inside in coarse_bands()}


def age_counts(people, on: date, coarse: bool) -> tuple[dict[str, int], int]:
    """Counts per band at `on` from (date_of_birth, age_band[, people]) rows, and how many have no age."""
    counts: dict[str, int] = {}
    unknown = 0
    by_birth: dict = {}
    for row in people:
        born, reported = row[0], row[1]
        n = row[2] if len(row) > 2 else 1
        if born is not None:
            by_birth[born] = by_birth.get(born, 0) + n
        elif reported and coarse:
            label = coarse_band_for_reported(reported)
            if label is None:
                unknown += n
            else:
                counts[label] = counts.get(label, 0) + n
        else:
            unknown += n
    band_of = coarse_band_for_age if coarse else census_band
    for born, n in by_birth.items():
        if born > on:
            unknown += n
            continue
        label = band_of(age_on(born, on))
        counts[label] = counts.get(label, 0) + n
    return counts, unknown


def answer_counts(field: str, answers: dict) -> tuple[dict[str, int], int]:
    """Census category counts from {answer code: people}, and how many gave no usable answer."""
    counts: dict[str, int] = {}
    unknown = 0
    for code, n in answers.items():
        category = equality.census_category(field, code)
        if category is None:
            unknown += n
        else:
            counts[category] = counts.get(category, 0) + n
    return counts, unknown
