"""The annual audit as a paper for the board: a summary first, then charts, trend, plan and method.

Every figure comes from the published (protected) rows of report.present: gaps, shares and
changes since an earlier snapshot are worked out from those, never from exact counts.
"""

from collections.abc import Callable

from app.members import signup_events
from app.representation import charts, report, services
from app.representation.models import Audit
from app.statistics import disclosure

# name -> function() -> [{"name", "date", "detail"}]: outreach planned elsewhere (bulletin segments...)
OUTREACH: dict[str, Callable[[], list[dict]]] = {}

SECTIONS = (
    ("summary", "Summary"),
    ("characteristics", "Members against the population"),
    ("trend", "Year on year"),
    ("plan", "Recruitment plan"),
    ("method", "Method and disclosure control"),
)
GAPS_SHOWN = 5
EARLIER_SHOWN = 3


def register_outreach(name: str, planned: Callable[[], list[dict]]) -> None:
    """List planned outreach in the recruitment plan under `name` (each item: name, date, detail)."""
    OUTREACH[name] = planned


def earlier_snapshots(saved: Audit) -> list[Audit]:
    """Saved audits of the same kind of group made before this one, oldest first."""
    mine = (saved.audit_date, saved.id)
    return sorted(
        (
            a
            for a in services.saved_audits()
            if a.population_kind == saved.population_kind and (a.audit_date, a.id) < mine
        ),
        key=lambda a: (a.audit_date, a.id),
    )


def _rows(shown: list[dict]) -> dict:
    return {
        (entry["key"], row["category"]): (entry, row)
        for entry in shown
        if entry.get("status") == "ok"
        for row in entry.get("categories", [])
    }


def _signed(points: int) -> str:
    return f"{points:+d}" if points else "0"


def _points(value: int) -> str:
    return f"{value} percentage point{'s' if value != 1 else ''}"


def gaps(shown: list[dict], targets: list[dict]) -> list[dict]:
    """The under-represented groups with the largest gaps, each with the recruits its target asks for."""
    wanted = {(t["key"], t["category"]): t["more"] for t in targets}
    found = [
        (entry, row)
        for entry, row in _rows(shown).values()
        if row["flag"] == "under" and row.get("gap_value") is not None
    ]
    found.sort(key=lambda item: -abs(item[1]["gap_value"]))
    return [
        {
            "characteristic": entry["label"],
            "category": row["category"],
            "share": row["share"],
            "population_share": row["population_share"],
            "points": abs(row["gap_value"]),
            "more": wanted.get((entry["key"], row["category"]), disclosure.SUPPRESSED),
            "sentence": (
                f"{row['category']} ({entry['label'].lower()}): {row['share']} of members who answered, against "
                f"{row['population_share']} of the population, {_points(abs(row['gap_value']))} too few."
            ),
        }
        for entry, row in found[:GAPS_SHOWN]
    ]


def recruits(targets: list[dict]) -> dict:
    """The recruitment targets added up: their sum, the largest, and how many are hidden."""
    numbers = [t["more"] for t in targets if isinstance(t["more"], int) and t["more"] > 0]
    return {
        "total": sum(numbers),
        "largest": max(numbers, default=0),
        "groups": len(numbers),
        "hidden": sum(1 for t in targets if not isinstance(t["more"], int)),
    }


def changes(saved: Audit, shown: list[dict], previous: Audit | None) -> dict:
    """What moved since the previous snapshot, in sentences, from the published shares of both."""
    if previous is None:
        return {
            "previous": None,
            "sentences": [
                "There is no earlier saved audit of this group, so there is nothing yet to compare this year with. "
                "Next year's paper will show what has changed."
            ],
        }
    before = _rows(report.present(previous.results))
    now_under, no_longer, moves = [], [], []
    for key, (entry, row) in _rows(shown).items():
        old = before.get(key)
        if old is None:
            continue
        old_row = old[1]
        name = f"{row['category']} ({entry['label'].lower()})"
        if row["flag"] == "under" and old_row["flag"] != "under":
            now_under.append(name)
        if old_row["flag"] == "under" and row["flag"] != "under":
            no_longer.append(name)
        if row.get("share_value") is not None and old_row.get("share_value") is not None:
            change = round(100 * (row["share_value"] - old_row["share_value"]))
            if change:
                moves.append((abs(change), change, name, old_row["share"], row["share"]))
    when = previous.audit_date.strftime("%d %B %Y")
    sentences = [
        f"Compared with the audit of {when} ({previous.title}): {report.people(saved.results)} people in the group, "
        f"against {report.people(previous.results)} then."
    ]
    if no_longer:
        sentences.append(f"No longer under-represented: {'; '.join(no_longer)}.")
    if now_under:
        sentences.append(f"Under-represented now but not then: {'; '.join(now_under)}.")
    moves.sort(key=lambda m: -m[0])
    for _, change, name, old_share, new_share in moves[:3]:
        sentences.append(
            f"{name}: {old_share} then, {new_share} now ({_points(abs(change))} {'up' if change > 0 else 'down'})."
        )
    if len(sentences) == 1:
        sentences.append("No group's share of members moved by a whole percentage point.")
    return {"previous": previous, "sentences": sentences}


def trend(saved: Audit, earlier: list[Audit], shown: list[dict]) -> dict:
    """Each characteristic's shares at the last few snapshots and this one, with a small chart each."""
    snapshots = earlier[-EARLIER_SHOWN:]
    dates = [a.audit_date.isoformat() for a in snapshots] + [saved.audit_date.isoformat()]
    before = [_rows(report.present(a.results)) for a in snapshots]
    characteristics = []
    for entry in shown:
        if entry.get("status") != "ok" or not snapshots:
            continue
        rows, values = [], {}
        for row in entry["categories"]:
            key = (entry["key"], row["category"])
            olds = [b.get(key, (None, {}))[1] for b in before]
            series = [o.get("share_value") for o in olds] + [row.get("share_value")]
            last = olds[-1].get("share_value") if olds else None
            change = (
                _signed(round(100 * (row["share_value"] - last)))
                if last is not None and row.get("share_value") is not None
                else disclosure.SUPPRESSED
            )
            rows.append(
                {
                    "category": row["category"],
                    "shares": [o.get("share", "") for o in olds] + [row["share"]],
                    "change": change,
                }
            )
            values[row["category"]] = series
        characteristics.append(
            {
                "key": entry["key"],
                "label": entry["label"],
                "rows": rows,
                "chart": charts.trend_chart(entry["key"], entry["label"], dates, values),
            }
        )
    return {"dates": dates, "characteristics": characteristics, "earlier": snapshots}


def plan(targets: list[dict]) -> dict:
    """The targets with where to look, and the sign-up events and other outreach already planned."""
    events = [
        {"name": e.name, "place": e.place, "date": e.held_on, "status": e.status()}
        for e in signup_events.planned_signup_events()
    ]
    outreach = {name: planned() for name, planned in OUTREACH.items()}
    return {"targets": targets, "events": events, "outreach": outreach}


def method(saved: Audit, shown: list[dict]) -> dict:
    inputs = saved.inputs or {}
    rule = inputs.get("disclosure") or disclosure.rules().as_dict()
    return {
        "area": (inputs.get("area") or {}).get("label", ""),
        "source": inputs.get("baseline_source", "Census 2021 (ONS)"),
        "ages": (inputs.get("age_range") or {}).get("text", ""),
        "bases": [(entry["label"], entry.get("base", "")) for entry in shown],
        "rules": rule,
    }


NOT_SAVED = (
    "This audit is not saved, so it is not compared with earlier audits. Save it as an annual audit to see what "
    "changed since the last one."
)


def paper(saved: Audit) -> dict:
    """Everything the board paper shows for one audit; one not saved (no id) is compared with nothing."""
    shown = report.present(saved.results)
    targets = report.recruitment_targets(saved.results)
    unsaved = saved.id is None
    earlier = [] if unsaved else earlier_snapshots(saved)
    found_changes = changes(saved, shown, earlier[-1] if earlier else None)
    if unsaved:
        found_changes["sentences"] = [NOT_SAVED]
    return {
        "saved": saved,
        "unsaved": unsaved,
        "results": saved.results,
        "shown": shown,
        "sections": SECTIONS,
        "gaps": gaps(shown, targets),
        "recruits": recruits(targets),
        "changes": found_changes,
        "charts": {entry["key"]: charts.share_chart(entry) for entry in shown},
        "trend": trend(saved, earlier, shown),
        "plan": plan(targets),
        "method": method(saved, shown),
    }
