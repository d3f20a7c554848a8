"""Running audits, saving the annual snapshot, trends and exports."""

import csv
import io
from datetime import date

from sqlalchemy import select

from app.audit import services as audit_log
from app.clock import today
from app.errors import InvalidRequest
from app.extensions import db
from app.representation import audit as engine
from app.representation import baselines, mapping, populations, report
from app.representation.models import Audit
from app.settings import services as site_settings
from app.statistics import disclosure
from app.transactions import transactional


def _whole_years(value) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdecimal() and int(text) <= 120 else None


def _check_network_ages(settings: dict) -> dict:
    low = _whole_years(settings.get("eligible_min_age"))
    high = _whole_years(settings.get("eligible_max_age")) if settings.get("eligible_max_age") else None
    if low is None:
        return {}
    problems = mapping.range_problems(low, high)
    return {f"eligible_{k}": v for k, v in problems.items()}


site_settings.register_check(_check_network_ages)


def network_age_range() -> mapping.AgeRange:
    """The ages a person can join the network at (a setting; 16 and over unless changed)."""
    low = _whole_years(site_settings.get_setting("eligible_min_age"))
    high = _whole_years(site_settings.get_setting("eligible_max_age") or None)
    return mapping.AgeRange(mapping.ADULT_AGE if low is None else low, high)


def eligible_age_range(kind: str, params: dict) -> tuple[mapping.AgeRange, str]:
    """The ages of the people who could be in the group, and where that range comes from.

    An age range chosen for the audit comes first; then a roster's own limits (the network's
    for an end the roster leaves open); every other group uses the network's range.
    InvalidRequest (400) when the Census age bands cannot give the range.
    """
    network = network_age_range()
    low, high, source = network.low, network.high, "the involvement network's age range (a setting)"
    if kind == "roster" and params.get("roster_id"):
        roster = populations.roster_age_limits(params["roster_id"])
        if roster is not None and (roster[0] is not None or roster[1] is not None):
            low = roster[0] if roster[0] is not None else low
            high = roster[1] if roster[1] is not None else high
            source = "the group's age range"
    if "min_age" in params or "max_age" in params:
        low = params.get("min_age", low)
        high = params.get("max_age", high)
        source = "the age range chosen for this audit"
    problems = mapping.range_problems(low, high)
    if problems:
        asked = mapping.AgeRange(low, high).text() if high is None or high >= low else f"{low} to {high}"
        raise InvalidRequest(
            f"The audit compares people aged {asked} ({source}), but the Census 2021 age bands cannot give "
            "that range. Choose an age range for this audit that the bands can give.",
            400,
            problems,
        )
    return mapping.AgeRange(low, high), source


def disclosure_settings() -> dict:
    return disclosure.rules().as_dict()


def group_choices() -> dict:
    """The rosters, sent bulletins and identified surveys a person can choose to audit, as (id, name) pairs."""
    return {name: choices() for name, choices in engine.CHOICES.items()}


def check_population(kind: str, params: dict) -> dict:
    """Validated population parameters; InvalidRequest with field errors otherwise."""
    if kind not in engine.POPULATIONS:
        raise InvalidRequest("Choose a group to audit.", 400, {"population": "Choose a group to audit"})
    clean = {}
    errors = {}
    for name in ("start", "end"):
        value = (params.get(name) or "").strip()
        if value:
            try:
                clean[name] = date.fromisoformat(value).isoformat()
            except ValueError:
                errors[name] = "Enter a real date as YYYY-MM-DD"
    for name in ("roster_id", "campaign_id", "survey_id"):
        value = str(params.get(name) or "").strip()
        if value:
            if value.isdecimal() and 0 < int(value) < 2**31:
                clean[name] = int(value)
            else:
                errors[name] = "Choose from the list"
    if "start" in clean and "end" in clean and clean["start"] > clean["end"]:
        errors["end"] = "The end date must be on or after the start date"
    for name in ("min_age", "max_age"):
        value = str(params.get(name) if params.get(name) is not None else "").strip()
        if value:
            years = _whole_years(value)
            if years is None:
                errors[name] = "Enter a whole number of years from 0 to 120, like 16"
            else:
                clean[name] = years
    if "max_age" in clean and "min_age" not in clean:
        clean["min_age"] = network_age_range().low
    if "min_age" in clean and "max_age" not in clean:
        clean["max_age"] = None
    if errors:
        raise InvalidRequest("There is a problem with the audit's choices.", 400, errors)
    return clean


def snap(params: dict, quarters: bool = False) -> dict:
    """The window widened to whole months (quarters for small groups), so audits cannot be shifted a day at a time."""
    if not (params.get("start") or params.get("end")):
        return params
    start = date.fromisoformat(params["start"]) if params.get("start") else None
    end = date.fromisoformat(params["end"]) if params.get("end") else None
    try:
        start, end = disclosure.snap_window(start, end, today(), quarters)
    except ValueError as error:
        raise InvalidRequest(str(error), 400, {"end": str(error)}) from error
    snapped = dict(params, start=start.isoformat() if start else "", end=end.isoformat() if end else "")
    snapped["period"] = "quarters" if quarters else "months"
    return {k: v for k, v in snapped.items() if v != ""}


def run_audit(
    kind: str = "active", params: dict | None = None, on: date | None = None, min_age=None, exact=False
) -> dict:
    """Audit results for a group against the baseline of the area served (nothing is saved).

    The group is compared with the residents of its eligible age range (eligible_age_range);
    `min_age` (or min_age/max_age in params) chooses another.

    Every figure is published by disclosure control; `exact` (for staff who may see
    individuals, never for publication) gives the exact figures instead.
    """
    params = check_population(kind, params or {})
    area = baselines.served_area()
    if area is None or not area.area_codes:
        raise InvalidRequest("Choose the area your organisation serves before running an audit.", 400)
    on = on or today()
    if min_age is not None:
        params = {"max_age": None} | params | {"min_age": min_age}
    age_range, age_source = eligible_age_range(kind, params)
    rule = disclosure.rules(exact=exact)
    label, member_ids = engine.POPULATIONS[kind]
    asked = params
    windowed = params.get("start") or params.get("end")
    if windowed:
        params = snap(asked)
    counts = engine.load_counts(member_ids(params), on)
    if windowed and disclosure.below_floor(counts["people"], disclosure.Rules(floor=disclosure.QUARTERLY_BELOW)):
        params = snap(asked, quarters=True)
        counts = engine.load_counts(member_ids(params), on)
    if disclosure.below_floor(counts["people"], rule):
        raise InvalidRequest(
            disclosure.floor_message(rule, "people are in this group") + " Choose a wider period or a larger group.",
            400,
            {"population": f"Choose a group of at least {rule.floor} people"},
        )
    results = engine.compute(counts, on, area.area_codes, age_range=age_range, rule=rule)
    results["population"] = {"kind": kind, "label": label, "params": params}
    results["area"] = {"label": area.label, "codes": list(area.area_codes)}
    results["audit_date"] = on.isoformat()
    results["min_age"] = age_range.low
    results["age_range"] = age_range.as_dict() | {"source": age_source}
    results["exact"] = exact
    results["summary"] = report.largest_gaps(results)
    results["targets"] = report.recruitment_targets(results)
    return results


def audit_inputs(results: dict) -> dict:
    """What went into an audit, as a saved audit keeps it."""
    return {
        "population": results["population"],
        "area": results["area"],
        "audit_date": results["audit_date"],
        "min_age": results["min_age"],
        "age_range": results["age_range"],
        "disclosure": disclosure_settings(),
        "baseline_source": "Census 2021 (ONS), IoD 2025 (MHCLG)",
    }


def unsaved_audit(results: dict, title: str) -> Audit:
    """An audit run now, shaped as a saved one for the board paper; it is not added to the database."""
    return Audit(
        title=title,
        audit_date=date.fromisoformat(results["audit_date"]),
        population_kind=results["population"]["kind"],
        inputs=audit_inputs(results),
        results=results,
    )


@transactional
def save_annual_audit(title: str, kind: str = "active", params=None, on=None, staff_user_id=None) -> Audit:
    """Freeze an audit: its inputs and results are stored once and never changed."""
    title = (title or "").strip()
    if not title:
        raise InvalidRequest("Give the audit a title.", 400, {"title": "Enter a title, e.g. Annual audit 2026"})
    results = run_audit(kind, params, on)
    inputs = audit_inputs(results)
    saved = Audit(
        title=title[:200],
        audit_date=date.fromisoformat(results["audit_date"]),
        created_by_id=staff_user_id,
        population_kind=kind,
        inputs=inputs,
        results=results,
    )
    db.session.add(saved)
    db.session.flush()
    audit_log.record("create", "representation_audit", saved.id, "annual audit saved")
    return saved


def saved_audits() -> list[Audit]:
    return list(db.session.scalars(select(Audit).order_by(Audit.audit_date.desc(), Audit.id.desc())))


def get_audit(audit_id: int) -> Audit:
    found = db.session.get(Audit, audit_id)
    if found is None:
        raise InvalidRequest("There is no saved audit with that number.", 404)
    return found


def trend(kind: str = "active") -> dict:
    """Share per group across saved audits of a kind of population, oldest first (suppressed)."""
    audits = sorted((a for a in saved_audits() if a.population_kind == kind), key=lambda a: (a.audit_date, a.id))
    table: dict[str, dict[str, list]] = {}
    for position, saved in enumerate(audits):
        for item in report.present(saved.results):
            for row in item.get("categories", []):
                series = table.setdefault(item["label"], {}).setdefault(row["category"], [""] * len(audits))
                series[position] = row["share"]
    return {"audits": audits, "table": table}


EXPORT_COLUMNS = [
    "characteristic",
    "category",
    "members",
    "share",
    "population_share",
    "ratio",
    "gap_points",
    "interval_95",
    "flag",
]


def export_rows(results: dict) -> list[list]:
    rows = []
    for item in report.present(results):
        for r in item.get("categories", []):
            rows.append(
                [
                    item["label"],
                    r["category"],
                    r["count"],
                    r["share"],
                    r["population_share"],
                    r["ratio"],
                    r["gap"],
                    r["interval"],
                    r["flag"],
                ]
            )
    return rows


def export_csv(results: dict) -> bytes:
    """The audit table as CSV, suppressed, with the licence attribution at the foot."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(export_rows(results))
    writer.writerow([])
    for line in baselines.ATTRIBUTION:
        writer.writerow([line])
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(results: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Audit"
    sheet.append(EXPORT_COLUMNS)
    for row in export_rows(results):
        sheet.append(row)
    sheet.append([])
    for line in baselines.ATTRIBUTION:
        sheet.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf_from_html(html: str, stylesheet: str | None = None) -> bytes:
    """A PDF of a page made for print; 503 with what to install when the server lacks Pango."""
    try:
        from weasyprint import CSS, HTML
    except OSError as error:  # Pango is missing on this server
        raise InvalidRequest(
            "PDF reports need the Pango library on the server (Debian: libpango-1.0-0 libpangoft2-1.0-0). "
            "Download the CSV or Excel file instead.",
            503,
        ) from error
    sheets = [CSS(filename=stylesheet)] if stylesheet else []
    return HTML(string=html).write_pdf(stylesheets=sheets)


def record_export(kind: str, audit_id) -> None:
    """Note an export of aggregate figures in the audit log."""
    audit_log.record("export", "representation_audit", audit_id or "", f"audit {kind} export")
    db.session.commit()


def served_baselines() -> dict:
    """The baseline of the area served, characteristic by characteristic: categories, counts and shares.

    Census figures are published counts of residents, so they are shown as published; a characteristic
    the area has no baseline for is listed with available false rather than left out.
    """
    area = baselines.served_area()
    if area is None or not area.area_codes:
        raise InvalidRequest("Choose the area your organisation serves first.", 400)
    characteristics = []
    for key, (label, base) in baselines.CHARACTERISTICS.items():
        counts = baselines.baseline_for(area.area_codes, key)
        total = sum(counts.values()) if counts else 0
        characteristics.append(
            {
                "key": key,
                "label": label,
                "base": base,
                "available": counts is not None,
                "total": total,
                "categories": [
                    {"category": c, "count": n, "share": n / total if total else None}
                    for c, n in (counts or {}).items()
                ],
            }
        )
    return {
        "area": {"label": area.label, "codes": list(area.area_codes)},
        "characteristics": characteristics,
        "attribution": baselines.ATTRIBUTION,
    }


def shown_results(results: dict) -> dict:
    """Audit results as they may leave the team: every figure suppressed, no raw counts."""
    return {
        "population": results["population"],
        "area": results["area"],
        "audit_date": results["audit_date"],
        "min_age": results["min_age"],
        "age_range": results.get("age_range"),
        "characteristics": report.present(results),
        "summary": results.get("summary", []),
        "targets": results.get("targets", []),
        "attribution": baselines.ATTRIBUTION,
    }
