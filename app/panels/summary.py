"""The make-up of a draw's pool beside its quotas, with the counts through disclosure control.

Counting the pool by sex, age band, ethnic group or any other column of an uploaded file is
counting people by an equality characteristic (an uploaded column may hold any of them under
any name), so every count goes through app/statistics/disclosure.py: perturbed with the
people's record keys, small numbers hidden, the rest rounded, and no breakdown at all for a
pool under the floor. Members keep their own record keys (read by disclosure control's
"member" source); volunteers from a file get one each when the file is uploaded, kept with
the draw and never shown or downloaded. The quotas are staff's own figures, shown as typed.
"""

from datetime import date

from app.representation import mapping
from app.statistics import disclosure


def new_record_keys(pool: list[dict]) -> dict[str, int]:
    """A record key for each volunteer of an uploaded pool, drawn once."""
    return {str(p["id"]): disclosure.new_record_key() for p in pool}


def _network_cells(pool: list[dict], on: date) -> dict[str, dict]:
    # Members' ages are placed in bands the way the pool was built (app.panels.services.network_pool).
    tally = disclosure.tally("member", [int(p["id"]) for p in pool], fields=())
    cells: dict = {}
    for (born, reported), cell in tally.cells("date_of_birth", "age_band").items():
        counts, _ = mapping.age_counts([(date.fromisoformat(born[:10]) if born else None, reported)], on, coarse=True)
        band = next(iter(counts), "Not known")
        cells[band] = cells.get(band, disclosure.EMPTY) + cell
    return {"age_band": cells}


def _uploaded_cells(pool: list[dict], features: list[str], keys: dict[str, int]) -> dict[str, dict]:
    cells: dict = {feature: {} for feature in features}
    for person in pool:
        one = disclosure.Cell(1, keys.get(str(person["id"]), 0))
        for feature in features:
            value = person[feature]
            cells[feature][value] = cells[feature].get(value, disclosure.EMPTY) + one
    return cells


def pool_summary(record) -> list[dict]:
    """Per characteristic: each value's published count in the pool and its quota, or why counts are held back."""
    inputs = record.inputs
    pool, features, quotas = inputs["pool"], inputs["features"], inputs["quotas"]
    if record.pool_source == "network":
        cells = _network_cells(pool, record.created_at.date())
    else:
        cells = _uploaded_cells(pool, features, inputs.get("record_keys", {}))
    rule = disclosure.rules()
    summary = []
    for feature in features:
        by_value = cells.get(feature, {})
        limits = {q["value"]: (q["min"], q["max"]) for q in quotas if q["feature"] == feature}
        everyone = disclosure.total(by_value.values())
        hidden = disclosure.below_floor(everyone, rule)
        rows = []
        for value in sorted(set(by_value) | set(limits)):
            low, high = limits.get(value, ("", ""))
            shown = "" if hidden else disclosure.publish(by_value.get(value, disclosure.EMPTY), rule).shown
            rows.append({"value": value, "pool": shown, "min": low, "max": high})
        summary.append(
            {
                "feature": feature,
                "rows": rows,
                "total": "" if hidden else disclosure.publish(everyone, rule).shown,
                "message": disclosure.floor_message(rule, "people are in the pool") if hidden else "",
            }
        )
    return summary
