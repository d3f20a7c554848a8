"""Who a roster is made of, in aggregate only, as disclosure control publishes it.

Categories use the member-record codes that map to Census 2021 (members.equality), so
these tables can be set beside the representativeness baseline later. The roster's active
members are counted by app/statistics/disclosure.py: every count is perturbed and rounded,
shares are whole percentages of the published counts, and a characteristic that fewer people
answered than the floor shows no breakdown at all.
"""

from datetime import date

from app import clock
from app.extensions import db
from app.members import equality
from app.members.vocab import SELF_REPORTED_AGE_BANDS, age_on, self_reported_band_for_age
from app.rosters.models import RosterMembership
from app.statistics import disclosure

NOT_KNOWN = "Not known or prefer not to say"
TOTAL = "Total"

CHARACTERISTICS = {
    "ethnic_group": ("Ethnic group", equality.ETHNIC_GROUPS),
    "sex": ("Sex", equality.SEXES),
    "disability": ("Disability", equality.DISABILITY),
}


def _active_members(roster_id: int):
    return db.select(RosterMembership.member_id).where(
        RosterMembership.roster_id == roster_id, RosterMembership.status == "active"
    )


def _age_cells(tally, today: date) -> tuple[dict, disclosure.Cell]:
    """Cells per self-reported age band (from the date of birth where there is one), and the not known."""
    bands = {label: disclosure.EMPTY for label, _, _ in SELF_REPORTED_AGE_BANDS.values()}
    unknown = disclosure.EMPTY
    for (born, band), cell in tally.cells("date_of_birth", "age_band").items():
        code = self_reported_band_for_age(age_on(date.fromisoformat(born[:10]), today)) if born else band
        if code in SELF_REPORTED_AGE_BANDS:
            bands[SELF_REPORTED_AGE_BANDS[code][0]] += cell
        else:
            unknown += cell
    return bands, unknown


def _answer_cells(tally, field: str, table: dict) -> tuple[dict, disclosure.Cell]:
    found = tally.cells(field)
    cells = {label: found.get(code, disclosure.EMPTY) for code, (label, _) in table.items()}
    unknown = disclosure.total(cell for code, cell in found.items() if code not in table)
    return cells, unknown


def _share(figure: disclosure.Published, known: disclosure.Published) -> str:
    value = disclosure.percent(figure, known)
    if value is None:
        return disclosure.SUPPRESSED if figure.hidden else ""
    return f"{min(value, 100)}%"  # noise can lift one part above the whole it belongs to


def _table(label: str, cells: dict, unknown, people, rule) -> dict:
    known_cell = disclosure.total(cells.values())
    if disclosure.below_floor(known_cell, rule):
        return {
            "label": label,
            "status": "too_small",
            "message": disclosure.floor_message(rule, "people answered"),
            "rows": [],
        }
    known = disclosure.publish(known_cell, rule)
    rows = []
    for category, cell in cells.items():
        figure = disclosure.publish(cell, rule)
        rows.append(
            {"category": category, "count": figure.shown, "percent": _share(figure, known), "hidden": figure.hidden}
        )
    rows.append(
        {"category": NOT_KNOWN, "count": disclosure.publish(unknown, rule).shown, "percent": "", "hidden": False}
    )
    rows.append({"category": TOTAL, "count": disclosure.publish(people, rule).shown, "percent": "", "hidden": False})
    return {"label": label, "status": "ok", "message": "", "rows": rows}


def composition(roster_id: int, exact: bool = False) -> dict[str, dict]:
    """{characteristic: {"label", "status", "message", "rows"}} published for the roster's active members.

    Shares are of the people who answered. `exact` (for staff who may see individuals, never
    for publication) gives the exact counts and holds nothing back.
    """
    rule = disclosure.rules(exact=exact)
    tally = disclosure.tally("member", _active_members(roster_id), fields=tuple(CHARACTERISTICS))
    people = tally.people()
    ages, unknown_age = _age_cells(tally, clock.today())
    result = {"age_band": _table("Age band", ages, unknown_age, people, rule)}
    for name, (label, table) in CHARACTERISTICS.items():
        cells, unknown = _answer_cells(tally, name, table)
        result[name] = _table(label, cells, unknown, people, rule)
    return result
