"""Reach: who answered a survey compared with the population of the area served.

The respondents' characteristics (survey equality answers first, the member's own answers
for identified responses without them) are counted by disclosure control into the cells the
representation engine reads, and the engine compares them with the Census 2021 baseline, so
the report says which groups were not heard. Anonymous responses are counted too: only
protected figures leave here.
"""

from datetime import date

from app.clock import today
from app.errors import InvalidRequest
from app.representation import audit as engine
from app.representation import baselines, mapping, report
from app.statistics import disclosure


def _born_before(on, years: int):
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def respondent_counts(survey, on) -> dict:
    """The cells representation.audit.load_counts returns, for a survey's complete responses.

    The respondents are read and counted by disclosure control (the "response" source), each
    with its own record key, so its figures are protected like the members'.
    """
    fields = list(dict.fromkeys(mapping.ANSWER_FIELDS.values()))
    tally = disclosure.tally("response", survey.id)
    ages: dict = {}
    for (born, band), cell in tally.cells("date_of_birth", "age_band").items():
        key = (date.fromisoformat(born[:10]), None) if born else (None, band)
        ages[key] = ages.get(key, disclosure.EMPTY) + cell
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
    return {
        "people": tally.people(),
        "ages": [(born, band, n) for (born, band), n in ages.items()],
        "answers": {f: tally.cells(f) for f in fields},
        "pairs": {
            key: tally.cells(mapping.ANSWER_FIELDS[key], second) for key, second in mapping.PAIRED_FIELDS.items()
        },
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
