"""Turning audit results into what people read: the published tables, a plain summary, recruitment targets.

Audit results are published by disclosure control when they are made (app/statistics/disclosure.py);
this module only words them. Snapshots saved before disclosure control kept exact counts: those
are published here from their rounded, suppressed counts, so no exact figure leaves either way.
"""

import re

from app.statistics import disclosure
from app.statistics.suppression import suppress

# Where to look for more people in each characteristic: areas and channels, never individuals'
# special-category answers.
CHANNELS = {
    "age_band": "local groups and services used by people of these ages, and social media",
    "sex": "places and groups used mostly by the under-represented sex (e.g. men's sheds, parent and baby groups)",
    "broad_ethnic_group": "community, faith and voluntary organisations, and events in the areas where more people "
    "of the group live",
    "ethnic_group": "community, faith and voluntary organisations serving the group, and translated materials",
    "religion": "faith groups and places of worship",
    "disability": "disabled people's organisations, carers' groups, and accessible formats (easy read, BSL)",
    "sexual_orientation": "LGBT+ community groups and events",
    "gender_identity": "trans and non-binary community groups and events",
    "imd_decile": "the postcodes of these areas (download the list): community centres, GP practices, schools, "
    "food banks and door-to-door or local advertising there",
}

# Where people of an age are found, by the oldest age a band holds (a band is "Aged 20 to 24
# years", "Aged 85 years and over" and the like).
AGE_CHANNELS = (
    (
        24,
        "youth and student services, colleges and sixth forms, youth councils, young carers' groups, and social media",
    ),
    (49, "workplaces, parent and toddler groups, nurseries and school gates, sports clubs, and social media"),
    (64, "workplaces, community centres, carers' groups, faith groups, and local radio and newspapers"),
    (200, "older people's forums, lunch clubs, libraries, GP practices and pharmacies, and printed materials"),
)

KEEP = ("key", "label", "base", "status", "message", "notes")


def where_to_look(key: str, category: str) -> str:
    """Areas and channels where more people of `category` may be found; for ages, ones used at that age."""
    ages = [int(part) for part in re.findall(r"\d+", category)] if key == "age_band" else []
    if ages:
        youngest = 0 if "and under" in category else min(ages)
        oldest = 200 if "and over" in category else max(ages)
        first = next(text for top, text in AGE_CHANNELS if youngest <= top)
        last = next(text for top, text in AGE_CHANNELS if oldest <= top)
        # A band across two of the rows above ("Aged 60 to 69 years") gets the places of both.
        return first if first == last else f"{first}; {last}"
    return CHANNELS.get(key, "")


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
                    "channels": where_to_look(entry["key"], c["category"]),
                    # Areas, never people's answers: deprivation comes from where someone lives.
                    "decile": int(c["category"]) if entry["key"] == "imd_decile" else None,
                }
            )
    return targets
