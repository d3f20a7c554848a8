"""Mapping what members told us onto the categories of a population baseline.

Age bands come from date of birth at the audit date. People who gave only a
self-reported band (e.g. "16 to 24") cannot be placed in a five-year Census band,
so when any of them are present everyone is compared on the coarser bands that
both sets of bands are unions of.

A group is compared only with the part of the population that could be in it: its
eligible age range (`AgeRange`). The Census band "15 to 19" holds 15-year-olds, who
are under the age of the network, and adults; it is cut at 16 with the Census count
of residents aged 16 and over (TS077's base), so no band mixes children with adults.
"""

from dataclasses import dataclass
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
    "gender_identity": "gender_identity_same",
}

# Characteristics worked out from two answers together: key -> the second answer's column.
PAIRED_FIELDS = {"disability": "disability_impact"}

# Census categories for people who did not answer: compared as coverage, not as a group.
NOT_ANSWERED = {"Not answered"}

# Census characteristics whose base is not everyone, and the youngest age it covers.
MINIMUM_AGE = {"sexual_orientation": 16, "gender_identity": 16}

# Census 2021 gender identity (TS078) categories an answer to "Is the gender you identify with the
# same as your sex registered at birth?" counts towards. "No" covers every TS078 category other than
# "the same", so it is compared with their sum.
GENDER_IDENTITY_SAME = "Gender identity the same as sex registered at birth"
GENDER_IDENTITY_DIFFERENT = "Gender identity different from sex registered at birth"
GENDER_IDENTITY_ANSWERS = {"yes": GENDER_IDENTITY_SAME, "no": GENDER_IDENTITY_DIFFERENT}


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


def disability_counts(pairs: dict) -> tuple[dict, object]:
    """Census disability counts from {(condition, impact): people}, and how many are not known.

    Disabled under the Equality Act = a long-term condition that limits day-to-day activities a lot
    or a little; a "yes" to the condition with no answer on its effect is not known.
    """
    counts: dict = {}
    unknown = 0
    for (condition, impact), n in pairs.items():
        category = equality.census_disability(condition, impact)
        if category is None:
            unknown = unknown + n
        else:
            counts[category] = counts.get(category, 0) + n
    return counts, unknown


def gender_identity_counts(answers: dict) -> tuple[dict, object]:
    """Counts on the two groups the question can tell apart, and how many gave no usable answer."""
    counts: dict = {}
    unknown = 0
    for code, n in answers.items():
        category = GENDER_IDENTITY_ANSWERS.get(code)
        if category is None:
            unknown = unknown + n
        else:
            counts[category] = counts.get(category, 0) + n
    return counts, unknown


def gender_identity_baseline(population: dict[str, int]) -> dict[str, int]:
    """TS078 counts folded into the two groups the question asks about ("Not answered" kept apart)."""
    folded = {GENDER_IDENTITY_SAME: 0, GENDER_IDENTITY_DIFFERENT: 0}
    for category, n in population.items():
        if category in NOT_ANSWERED or category == "Does not apply":
            continue
        key = GENDER_IDENTITY_SAME if category == GENDER_IDENTITY_SAME else GENDER_IDENTITY_DIFFERENT
        folded[key] += n
    return folded


# --- eligible age ranges --------------------------------------------------------------------------

ADULT_AGE = 16  # the Census asks its sexual orientation and gender identity questions from 16
SPLIT_BAND = ("Aged 15 to 19 years", 15, 19)
BAND_LOWS = sorted({low for _, low, _ in AGE_BANDS} | {ADULT_AGE})
BAND_HIGHS = sorted({high for _, _, high in AGE_BANDS if high is not None} | {ADULT_AGE - 1})


@dataclass(frozen=True)
class AgeRange:
    """Who could be in a group: aged `low` to `high` (None: no upper limit) on the audit date."""

    low: int = ADULT_AGE
    high: int | None = None

    def text(self) -> str:
        if self.high is None:
            return f"{self.low} and over" if self.low else "all ages"
        if self.low == 0:
            return f"{self.high} and under"
        return f"{self.low} to {self.high}"

    def holds(self, low: int, high: int | None) -> bool:
        """True when every age from low to high is in the range."""
        top = 10**6 if high is None else high
        return low >= self.low and (self.high is None or top <= self.high)

    def misses(self, low: int, high: int | None) -> bool:
        """True when no age from low to high is in the range."""
        return (high is not None and high < self.low) or (self.high is not None and low > self.high)

    def as_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "text": self.text()}


def _nearest(value: int, edges: list[int]) -> str:
    below = [e for e in edges if e < value]
    above = [e for e in edges if e > value]
    return " or ".join(str(e) for e in ([below[-1]] if below else []) + ([above[0]] if above else []))


def range_problems(low: int, high: int | None) -> dict[str, str]:
    """{field: message} for an age range the Census age bands cannot give (empty when they can)."""
    problems = {}
    if low not in BAND_LOWS:
        problems["min_age"] = (
            f"The Census age bands cannot start at {low}: choose a lowest age of {_nearest(low, BAND_LOWS)} "
            "(bands start at 0, 5, 10, 15, 16, 20, 25 and every 5 years to 85)"
        )
    if high is not None and high not in BAND_HIGHS:
        problems["max_age"] = (
            f"The Census age bands cannot end at {high}: choose a highest age of {_nearest(high, BAND_HIGHS)}, "
            "or no highest age (bands end at 4, 9, 14, 15, 19, 24 and every 5 years to 84)"
        )
    if high is not None and high < low and not problems:
        problems["max_age"] = "The highest age must be the same as or more than the lowest age"
    return problems


def _split(age_range: AgeRange, coarse: bool) -> bool:
    """Whether the 15 to 19 band is cut at 16: where the range starts or ends there, or to keep children apart."""
    if age_range.low == ADULT_AGE or age_range.high == ADULT_AGE - 1:
        return True
    return coarse and age_range.holds(ADULT_AGE - 1, ADULT_AGE)


def fine_bands(age_range: AgeRange, coarse: bool = False) -> list[tuple[str, int, int | None]]:
    """The Census bands inside the range, the 15 to 19 band cut at 16 where needed."""
    bands = []
    for label, low, high in AGE_BANDS:
        pieces = [(label, low, high)]
        if (label, low, high) == SPLIT_BAND and _split(age_range, coarse):
            pieces = [("Aged 15 years", 15, 15), ("Aged 16 to 19 years", 16, 19)]
        bands.extend(p for p in pieces if age_range.holds(p[1], p[2]))
    return bands


def _range_label(low: int, high: int | None) -> str:
    if low == high:
        return f"Aged {low} years"
    return _label(low, high)


def bands_for(age_range: AgeRange, coarse: bool = False) -> list[tuple[str, int, int | None, list[str]]]:
    """(label, low, high, Census bands inside) compared for the range.

    With `coarse`, the bands are the unions of Census bands that self-reported bands also fill
    (the first starting where the range does), and never put under-16s with adults.
    """
    fine = fine_bands(age_range, coarse)
    if not coarse:
        return [(label, low, high, [label]) for label, low, high in fine]
    reported_lows = {low for _, low, _ in SELF_REPORTED_AGE_BANDS.values()} | {ADULT_AGE}
    lows = [low for _, low, _ in fine if low in reported_lows or low == age_range.low]
    bands = []
    for i, low in enumerate(lows):
        high = lows[i + 1] - 1 if i + 1 < len(lows) else age_range.high
        inside = [label for label, b_low, _ in fine if b_low >= low and (high is None or b_low <= high)]
        bands.append((_range_label(low, high), low, high, inside))
    return bands


def _band_of(bands, low: int, high: int | None) -> str | None:
    for label, b_low, b_high, _ in bands:
        if low >= b_low and (b_high is None or (high is not None and high <= b_high)):
            return label
    return None


def age_counts_in(people, on: date, age_range: AgeRange, coarse: bool) -> tuple[dict, object]:
    """Counts per band of the range from (date_of_birth, age_band, people) rows, and how many have no age.

    People whose age is known to be outside the range are left out: they are not of the population
    compared. A self-reported band that straddles the edge of the range counts as not known.
    """
    bands = bands_for(age_range, coarse)
    counts: dict = {}
    unknown = 0
    for row in people:
        born, reported = row[0], row[1]
        n = row[2] if len(row) > 2 else 1
        if born is not None:
            if born > on:
                unknown = unknown + n
                continue
            age = age_on(born, on)
            if age_range.misses(age, age):
                continue
            label = _band_of(bands, age, age)
        elif reported and coarse and reported in SELF_REPORTED_AGE_BANDS:
            _, low, high = SELF_REPORTED_AGE_BANDS[reported]
            if age_range.misses(low, high):
                continue
            label = _band_of(bands, low, high) if age_range.holds(low, high) else None
        else:
            label = None
        if label is None:
            unknown = unknown + n
        else:
            counts[label] = counts.get(label, 0) + n
    return counts, unknown


def aged_15(population: dict[str, int], adults: int) -> int:
    """15-year-olds in an area: its residents under 16 (all less those aged 16 and over) less those under 15.

    The two Census tables were perturbed apart, so the figure is within a few people of the truth;
    it is kept between 0 and the whole 15 to 19 band.
    """
    under_15 = sum(population.get(label, 0) for label, _, high in AGE_BANDS if high is not None and high < 15)
    whole = population.get(SPLIT_BAND[0], 0)
    return max(0, min(whole, sum(population.values()) - adults - under_15))


def age_baseline(areas: list[tuple[dict[str, int], int | None]], age_range: AgeRange, coarse: bool):
    """The age baseline of the range: Census counts per band of `bands_for`, summed over areas.

    `areas` holds each area's TS007A counts and its residents aged 16 and over (None where
    unknown). None when a band must be cut at 16 and an area has no count of its adults.
    """
    split = any(label != SPLIT_BAND[0] and low in (15, 16) for label, low, _ in fine_bands(age_range, coarse))
    totals: dict[str, int] = {}
    for population, adults in areas:
        counts = dict(population)
        if split:
            if adults is None:
                return None
            fifteen = aged_15(population, adults)
            counts["Aged 15 years"] = fifteen
            counts["Aged 16 to 19 years"] = population.get(SPLIT_BAND[0], 0) - fifteen
        for label, count in counts.items():
            totals[label] = totals.get(label, 0) + count
    return {label: sum(totals.get(b, 0) for b in inside) for label, _, _, inside in bands_for(age_range, coarse)}
