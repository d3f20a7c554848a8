"""Reach: who answered a survey compared with the population of the area served.

The respondents' characteristics (survey equality answers first, the member's own answers
for identified responses without them) are added up into the counts the representation
engine reads, and the engine compares them with the Census 2021 baseline, so the report
says which groups were not heard. Anonymous responses are counted too: only totals leave here.
"""

from app.clock import today
from app.errors import InvalidRequest
from app.representation import audit as engine
from app.representation import baselines, mapping, report
from app.statistics import disclosure
from app.surveys import profiles


def _born_before(on, years: int):
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _cells(people, value) -> dict:
    cells: dict = {}
    for p in people:
        key = value(p)
        cells[key] = cells.get(key, disclosure.EMPTY) + disclosure.Cell(1, p["record_key"])
    return cells


def respondent_counts(survey, on) -> dict:
    """The cells representation.audit.load_counts returns, for a survey's complete responses.

    Each response counts with its own record key, so its figures are protected like the members'.
    """
    people = profiles.profiles(survey.id)
    fields = list(dict.fromkeys(mapping.ANSWER_FIELDS.values()))
    ages = _cells(people, lambda p: (p["date_of_birth"], None if p["date_of_birth"] else p["age_band"]))
    answers = {f: _cells(people, lambda p, f=f: p.get(f)) for f in fields}
    aged, aged_people = {}, {}
    for key, minimum in mapping.MINIMUM_AGE.items():
        youngest = _born_before(on, minimum)
        field = mapping.ANSWER_FIELDS[key]
        old_enough = [
            p for p in people if (p["date_of_birth"] <= youngest if p["date_of_birth"] else p["age_band"] != "under_16")
        ]
        aged.setdefault(minimum, {})[field] = _cells(old_enough, lambda p, field=field: p.get(field))
        aged_people[minimum] = disclosure.total(disclosure.Cell(1, p["record_key"]) for p in old_enough)
    pairs = {
        key: _cells(people, lambda p, key=key, second=second: (p.get(mapping.ANSWER_FIELDS[key]), p.get(second)))
        for key, second in mapping.PAIRED_FIELDS.items()
    }
    return {
        "people": disclosure.total(disclosure.Cell(1, p["record_key"]) for p in people),
        "ages": [(born, band, n) for (born, band), n in ages.items()],
        "answers": answers,
        "pairs": pairs,
        "aged": aged,
        "aged_people": aged_people,
    }


def survey_reach(survey, on=None) -> dict:
    """Representation results for a survey's respondents against the area served (nothing is saved)."""
    area = baselines.served_area()
    if area is None or not area.area_codes:
        raise InvalidRequest(
            "Choose the area your organisation serves (Representation > area) to compare respondents with it.", 400
        )
    on = on or today()
    counts = respondent_counts(survey, on)
    from app.representation import services as representation

    age_range = representation.network_age_range()
    results = engine.compute(counts, on, area.area_codes, age_range=age_range)
    results["population"] = {"kind": "survey", "label": f"People who answered “{survey.title}”", "params": {}}
    results["area"] = {"label": area.label, "codes": list(area.area_codes)}
    results["audit_date"] = on.isoformat()
    results["min_age"] = age_range.low
    results["age_range"] = age_range.as_dict() | {"source": "the involvement network's age range (a setting)"}
    results["summary"] = report.largest_gaps(results)
    results["not_heard"] = not_heard(results)
    # Recruitment targets speak of members; for a survey the list of groups not heard says what is needed.
    results["targets"] = []
    return results


def not_heard(results: dict) -> list[str]:
    """Plain sentences naming the groups under-represented among the respondents, or with no respondents at all."""
    sentences = []
    for entry in results["characteristics"]:
        if entry["status"] != "ok":
            continue
        for c in entry["categories"]:
            if c["flag"] == "under":
                if c["count"] == 0:  # a published zero: none, or so few that noise took them to zero
                    sentences.append(f"{entry['label']}: no one from {c['category']} answered.")
                else:
                    sentences.append(
                        f"{entry['label']}: {c['category']} were under-represented among those who answered."
                    )
    return sentences
