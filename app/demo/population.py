"""Who joins the demo network: Wolverhampton's Census 2021 population, deliberately skewed.

A real involvement network rarely looks like its population: older White residents
join most, younger people and many ethnic minority communities least. The demo
draws its members from Wolverhampton's real Census 2021 shares multiplied by the
representation factors below, so the representativeness audit has real gaps to find.

Source: Office for National Statistics licensed under the Open Government Licence v.3.0
(data/wolverhampton_census2021.csv is the E08000031 extract of the project's census
baselines; see shared data README for provenance).
"""

import csv
from functools import cache
from pathlib import Path

from app.members import equality

AREA_CODE = "E08000031"
AREA_NAME = "Wolverhampton"
BASELINE_FILE = Path(__file__).parent / "data" / "wolverhampton_census2021.csv"

# Census age band's lowest age -> how much more (or less) likely than its population share
# a person of that age is to join. Children under 16 do not join at all.
AGE_FACTORS = {
    15: 0.25,
    20: 0.3,
    25: 0.45,
    30: 0.55,
    35: 0.75,
    40: 0.85,
    45: 1.0,
    50: 1.15,
    55: 1.35,
    60: 1.6,
    65: 2.0,
    70: 2.3,
    75: 2.2,
    80: 1.8,
    85: 1.1,
}

ETHNIC_FACTORS = {
    "white_british": 1.35,
    "white_irish": 1.2,
    "white_gypsy_traveller": 0.2,
    "white_roma": 0.2,
    "white_other": 0.7,
    "mixed_white_black_caribbean": 0.55,
    "mixed_white_black_african": 0.5,
    "mixed_white_asian": 0.6,
    "mixed_other": 0.55,
    "asian_indian": 0.5,
    "asian_pakistani": 0.4,
    "asian_bangladeshi": 0.35,
    "asian_chinese": 0.4,
    "asian_other": 0.4,
    "black_african": 0.4,
    "black_caribbean": 0.6,
    "black_other": 0.4,
    "other_arab": 0.4,
    "other_any": 0.4,
}

# Religion by ethnic background: rough, so that answers hang together for one person.
_RELIGION_BY_GROUP = {
    "white": {"christian": 55, "none": 40, "buddhist": 1, "jewish": 0.5, "other": 2},
    "mixed": {"christian": 40, "none": 48, "muslim": 6, "sikh": 2, "other": 3},
    "indian": {"sikh": 55, "hindu": 28, "none": 6, "christian": 4, "muslim": 4, "other": 2},
    "south_asian_muslim": {"muslim": 92, "none": 4, "christian": 1, "other": 1},
    "chinese": {"none": 55, "christian": 22, "buddhist": 20, "other": 3},
    "asian_other": {"muslim": 30, "hindu": 25, "christian": 15, "none": 12, "buddhist": 10, "sikh": 8},
    "black_african": {"christian": 78, "muslim": 14, "none": 8},
    "black": {"christian": 65, "none": 30, "other": 5},
    "arab": {"muslim": 85, "christian": 10, "none": 5},
    "other": {"muslim": 35, "christian": 30, "none": 22, "other": 10, "buddhist": 3},
}


def religion_weights(background: str) -> dict[str, float]:
    """Plausible religion answers for someone of this ethnic background."""
    if background == "asian_indian":
        return _RELIGION_BY_GROUP["indian"]
    if background in ("asian_pakistani", "asian_bangladeshi"):
        return _RELIGION_BY_GROUP["south_asian_muslim"]
    if background == "asian_chinese":
        return _RELIGION_BY_GROUP["chinese"]
    if background == "asian_other":
        return _RELIGION_BY_GROUP["asian_other"]
    if background == "black_african":
        return _RELIGION_BY_GROUP["black_african"]
    if background == "other_arab":
        return _RELIGION_BY_GROUP["arab"]
    group = equality.ETHNIC_BACKGROUNDS[background][0]
    return _RELIGION_BY_GROUP.get(group, _RELIGION_BY_GROUP["other"])


@cache
def baseline() -> dict[str, dict[str, tuple[int, int]]]:
    """characteristic -> {Census category: (count, population base)} for Wolverhampton."""
    table: dict[str, dict[str, tuple[int, int]]] = {}
    with open(BASELINE_FILE, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["area_code"] != AREA_CODE:
                continue
            table.setdefault(row["characteristic"], {})[row["category"]] = (
                int(row["count"]),
                int(row["population_base"]),
            )
    return table


def population_shares(characteristic: str) -> dict[str, float]:
    """Census category -> share of Wolverhampton's population."""
    return {category: count / base for category, (count, base) in baseline()[characteristic].items()}


def age_band_weights() -> list[tuple[int, int, float]]:
    """(lowest age, highest age, weight) for the Census bands members are drawn from."""
    from app.members.vocab import AGE_BANDS

    counts = baseline()["age_band"]
    weights = []
    for label, low, high in AGE_BANDS:
        if low not in AGE_FACTORS:
            continue
        count, _ = counts[label]
        weights.append((max(low, 16), high if high is not None else 94, count * AGE_FACTORS[low]))
    return weights


def ethnic_background_weights() -> dict[str, float]:
    """Ethnic background code -> weight: the Census count times its representation factor."""
    counts = baseline()["ethnic_group"]
    return {
        code: counts[census][0] * ETHNIC_FACTORS[code] for code, (_, _, census) in equality.ETHNIC_BACKGROUNDS.items()
    }
