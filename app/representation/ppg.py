"""A practice's PPG against its registered list, in the layout of the PPG reporting template.

The template compared the group with the practice population by sex, age band and ethnic
group. Practices' registered lists come by sex and five-year band, so the template's bands
(under 16, 17 to 24, ...) are moved by a year to fit the quinary file. The list has no
ethnic group, so that table uses the Census baseline of the area served where one exists.
"""

import re
from datetime import date

from sqlalchemy import select

from app.clock import today
from app.errors import InvalidRequest
from app.members.vocab import age_on
from app.organisations import services as organisations
from app.representation import audit as engine
from app.representation import baselines, mapping
from app.rosters import services as rosters
from app.rosters.models import RosterMembership
from app.statistics import disclosure

NOT_KNOWN = "Not known"
# (label, lowest age, highest age or None)
PPG_AGE_BANDS = [
    ("Under 15", 0, 14),
    ("15 to 24", 15, 24),
    ("25 to 34", 25, 34),
    ("35 to 44", 35, 44),
    ("45 to 54", 45, 54),
    ("55 to 64", 55, 64),
    ("65 to 74", 65, 74),
    ("75 to 84", 75, 84),
    ("85 and over", 85, None),
]


def ppg_band(age: int) -> str:
    for label, low, high in PPG_AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return PPG_AGE_BANDS[0][0]


def _list_band(quinary: str) -> str | None:
    """The PPG band a quinary list band such as "15_19" or "95+" falls in."""
    found = re.match(r"\s*(\d+)", quinary)
    return ppg_band(int(found.group(1))) if found else None


def _table(ppg: dict, unknown, population: dict[str, int] | None) -> list[dict]:
    """Rows of the PPG's published count and share beside the population share, then who is not known.

    Counts are published by disclosure control; shares are worked out from the published counts.
    """
    known = disclosure.publish(disclosure.total(ppg.values()))
    total = sum(population.values()) if population else 0
    rows = []
    for category in population or ppg:
        figure = disclosure.publish(ppg.get(category, disclosure.EMPTY))
        base = population.get(category, 0) if population else None
        share = disclosure.percent(figure, known)
        rows.append(
            {
                "category": category,
                "count": figure.shown,
                "share": disclosure.SUPPRESSED
                if share is None and known.value
                else (f"{share}%" if share is not None else None),
                "population_share": f"{100 * base / total:.1f}%" if total else "",
            }
        )
    unknown_figure = disclosure.publish(unknown if isinstance(unknown, disclosure.Cell) else disclosure.EMPTY)
    rows.append({"category": NOT_KNOWN, "count": unknown_figure.shown, "share": "", "population_share": ""})
    return rows


def ppg_view(practice_id: int, on: date | None = None) -> dict:
    """The practice's PPG beside its registered list by sex and age band, and ethnic group where a baseline exists."""
    practice = organisations.get_practice(practice_id)
    if practice is None:
        raise InvalidRequest("There is no practice with that number.", 404)
    on = on or today()
    roster = rosters.ppgs_by_practice().get(practice_id)
    result = {"practice": practice, "roster": roster, "on": on, "tables": [], "message": ""}
    if roster is None:
        result["message"] = "This practice has no PPG roster yet. Create a roster of kind PPG for the practice."
        return result
    list_rows = organisations.list_size_rows(practice_id)
    members = select(RosterMembership.member_id).where(
        RosterMembership.roster_id == roster.id, RosterMembership.status == "active"
    )
    counts = engine.load_counts(members, on)
    result["people"] = disclosure.publish(counts["people"]).shown

    list_sex: dict[str, int] = {}
    list_age = {label: 0 for label, _, _ in PPG_AGE_BANDS}
    for row in list_rows:
        sex = row.sex.capitalize()
        list_sex[sex] = list_sex.get(sex, 0) + row.patients
        band = _list_band(row.age_band)
        if band:
            list_age[band] += row.patients
    has_list = bool(list_rows)

    sex, sex_unknown = mapping.answer_counts("sex", counts["answers"]["sex"])
    result["tables"].append(
        {
            "label": "Sex",
            "compared_with": "Registered list" if has_list else "",
            "rows": _table(sex, sex_unknown, list_sex if has_list else None),
        }
    )
    ages = {label: disclosure.EMPTY for label, _, _ in PPG_AGE_BANDS}
    age_unknown = disclosure.EMPTY
    for born, _band, n in counts["ages"]:
        if born is None:
            age_unknown += n
        else:
            ages[ppg_band(age_on(born, on))] += n
    result["tables"].append(
        {
            "label": "Age band",
            "compared_with": "Registered list" if has_list else "",
            "rows": _table(ages, age_unknown, list_age if has_list else None),
        }
    )
    area = baselines.served_area()
    ethnic_base = baselines.baseline_for(area.area_codes, "broad_ethnic_group") if area else None
    ethnic, ethnic_unknown = mapping.answer_counts("ethnic_group", counts["answers"]["ethnic_group"])
    result["tables"].append(
        {
            "label": "Ethnic group",
            "compared_with": f"Census 2021, {area.label}" if ethnic_base else "",
            "rows": _table(ethnic, ethnic_unknown, ethnic_base),
        }
    )
    if not has_list:
        result["message"] = "The practice's registered list has not been uploaded, so only the PPG is shown."
    return result
