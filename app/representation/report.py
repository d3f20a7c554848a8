"""Turning audit results into what people read: the published tables, a plain summary, recruitment targets.

Audit results are published by disclosure control when they are made (app/statistics/disclosure.py);
this module only words them. Snapshots saved before disclosure control kept exact counts: those
are published here from their rounded, suppressed counts, so no exact figure leaves either way.
"""

from app.representation import advice
from app.statistics import disclosure
from app.statistics.suppression import suppress

KEEP = ("key", "label", "base", "status", "message", "notes")


def present(results: dict) -> list[dict]:
    """Each characteristic with every figure as it may be shown."""
    if results.get("protected"):
        return [dict(entry) for entry in results["characteristics"]]
    return [_legacy(entry) for entry in results["characteristics"]]


def people(results: dict) -> int | str | None:
    """How many people the group holds, as it may be shown (a snapshot made before disclosure control: rounded)."""
    if results.get("protected"):
        return results.get("people")
    rule = disclosure.rules()
    return suppress(results.get("people"), rule.suppress_below, rule.round_to)


def _legacy(entry: dict) -> dict:
    """A snapshot made before disclosure control: published from its rounded, suppressed counts only."""
    item = {k: entry.get(k) for k in KEEP}
    if entry.get("status") not in ("ok", "too_small"):
        return item
    rule = disclosure.rules()

    def figure(n):
        shown = suppress(n, rule.suppress_below, rule.round_to)
        return disclosure.Published(None if shown == disclosure.SUPPRESSED else shown)

    known = entry.get("known") or 0
    if known < rule.floor or entry["status"] == "too_small":
        item.update(status="too_small", message=disclosure.floor_message(rule), categories=[])
        return item
    population = {c["category"]: c["population_share"] for c in entry["categories"]}
    published = {c["category"]: figure(c["count"]) for c in entry["categories"]}
    unknown = entry.get("unknown") or 0
    item.update(
        disclosure.compare_published(published, figure(known), figure(unknown), figure(known + unknown), population)
    )
    return item


def largest_gaps(results: dict, limit: int = 5) -> list[str]:
    """Plain-English sentences on the flagged groups with the largest gaps (published figures only)."""
    found = []
    for entry in present(results):
        if entry["status"] != "ok":
            continue
        for c in entry["categories"]:
            if c["flag"] and c.get("gap_value") is not None:
                found.append((abs(c["gap_value"]), entry, c))
    found.sort(key=lambda item: -item[0])
    sentences = []
    for _, entry, c in found[:limit]:
        word = "fewer" if c["flag"] == "under" else "more"
        points = abs(c["gap_value"])
        sentences.append(
            f"{entry['label']}: {c['category']} make up {c['share']} of the group who answered, against "
            f"{c['population_share']} of the population ({points} percentage point{'s' if points != 1 else ''} "
            f"{word}; {'under' if c['flag'] == 'under' else 'over'}-represented)."
        )
    if not sentences:
        sentences.append(
            "No group is clearly under- or over-represented: every 95% interval includes the population share."
        )
    return sentences


def recruitment_targets(results: dict) -> list[dict]:
    """For each under-represented group: about how many more members close the gap, and where to look."""
    targets = []
    where = advice.table()
    for entry in present(results):
        if entry["status"] != "ok":
            continue
        for c in entry["categories"]:
            if c["flag"] != "under":
                continue
            targets.append(
                {
                    "characteristic": entry["label"],
                    "key": entry["key"],
                    "category": c["category"],
                    "more": disclosure.recruits_needed(c, entry["known"], c["population_share_value"]),
                    "channels": advice.where_to_look(entry["key"], c["category"], where),
                    # Areas, never people's answers: deprivation comes from where someone lives.
                    "decile": int(c["category"]) if entry["key"] == "imd_decile" else None,
                }
            )
    return targets
