"""Turning audit results into what people read: suppressed tables, a plain summary, recruitment targets."""

from app.statistics.comparison import wilson_interval
from app.statistics.suppression import SUPPRESSED, derived, is_small, suppress

# Where to look for more people in each characteristic: areas and channels, never individuals'
# special-category answers.
CHANNELS = {
    "age_band": "youth and student services, colleges, parent groups, social media, and older people's forums",
    "sex": "places and groups used mostly by the under-represented sex (e.g. men's sheds, parent and baby groups)",
    "broad_ethnic_group": "community, faith and voluntary organisations, and events in the areas where more people "
    "of the group live",
    "ethnic_group": "community, faith and voluntary organisations serving the group, and translated materials",
    "religion": "faith groups and places of worship",
    "disability": "disabled people's organisations, carers' groups, and accessible formats (easy read, BSL)",
    "sexual_orientation": "LGBT+ community groups and events",
    "imd_decile": "the postcodes of these areas (download the list): community centres, GP practices, schools, "
    "food banks and door-to-door or local advertising there",
}


def recruits_needed(count: int, known: int, population_share: float, limit: int = 1_000_000) -> int:
    """How many more people of a group would lift its Wilson upper bound to the population share."""
    if wilson_interval(count, known)[1] >= population_share if known else True:
        return 0
    low, high = 0, 1
    while wilson_interval(count + high, known + high)[1] < population_share:
        high *= 2
        if high > limit:
            return limit
    while low + 1 < high:
        middle = (low + high) // 2
        if wilson_interval(count + middle, known + middle)[1] < population_share:
            low = middle
        else:
            high = middle
    return high


def _num(value, digits=2, scale=1, suffix=""):
    if value is None:
        return ""
    if value == SUPPRESSED:
        return SUPPRESSED
    return f"{scale * value:.{digits}f}{suffix}"


def _pct(value, digits=1):
    return _num(value, digits, scale=100, suffix="%")


def present(results: dict, suppress_below: int | None = None, round_to: int | None = None) -> list[dict]:
    """Each characteristic with every figure as it may be shown: small counts and what derives from them hidden."""
    shown = []
    for entry in results["characteristics"]:
        item = {k: entry.get(k) for k in ("key", "label", "base", "status", "message", "notes")}
        item["people"] = suppress(entry.get("people"), suppress_below, round_to)
        if entry["status"] in ("ok", "too_small"):
            known = entry["known"]
            item["known"] = suppress(known, suppress_below, round_to)
            item["unknown"] = suppress(entry["unknown"], suppress_below, round_to)
            item["coverage"] = _pct(derived(entry["coverage"], known, below=suppress_below))
            hide_summary = is_small(known, suppress_below) or entry["status"] == "too_small"
            item["dissimilarity"] = "" if hide_summary else _num(entry["dissimilarity"])
            chi = entry["chi_square"]
            if hide_summary or chi["statistic"] is None:
                item["chi_square"] = chi["reason"] or "Not tested."
            else:
                p = chi["p_value"]
                item["chi_square"] = (
                    f"χ² = {chi['statistic']:.1f} on {chi['dof']} degrees of freedom, "
                    + ("p < 0.001" if p < 0.001 else f"p = {p:.3f}")
                    + (f" (merged: {'; '.join(' + '.join(g) for g in chi['merged'])})" if chi["merged"] else "")
                )
            rows = []
            for c in entry["categories"]:
                n = c["count"]

                def hide(value, n=n):
                    return derived(value, n, below=suppress_below)

                share = hide(c["share"])
                rows.append(
                    {
                        "category": c["category"],
                        "count": suppress(n, suppress_below, round_to),
                        "share": _pct(share),
                        "share_value": None if share == SUPPRESSED or share is None else share,
                        "population_share": _pct(c["population_share"]),
                        "population_share_value": c["population_share"],
                        "ratio": _num(hide(c["ratio"])),
                        "ratio_value": None if hide(c["ratio"]) in (SUPPRESSED, None) else c["ratio"],
                        "gap": _num(hide(c["gap_points"]), 1),
                        "interval": ""
                        if c["lower"] is None
                        else (
                            SUPPRESSED if is_small(n, suppress_below) else f"{_pct(c['lower'])} to {_pct(c['upper'])}"
                        ),
                        "flag": hide(c["flag"]) if c["flag"] else "",
                    }
                )
            item["categories"] = rows
        shown.append(item)
    return shown


def largest_gaps(results: dict, limit: int = 5, suppress_below: int | None = None) -> list[str]:
    """Plain-English sentences on the flagged groups with the largest gaps."""
    found = []
    for entry in results["characteristics"]:
        if entry["status"] != "ok":
            continue
        for c in entry["categories"]:
            if c["flag"] and not is_small(c["count"], suppress_below):
                found.append((abs(c["gap_points"]), entry, c))
    found.sort(key=lambda item: -item[0])
    sentences = []
    for _, entry, c in found[:limit]:
        word = "fewer" if c["flag"] == "under" else "more"
        sentences.append(
            f"{entry['label']}: {c['category']} make up {100 * c['share']:.1f}% of the group who answered, against "
            f"{100 * c['population_share']:.1f}% of the population ({abs(c['gap_points']):.1f} percentage points "
            f"{word}; {'under' if c['flag'] == 'under' else 'over'}-represented)."
        )
    if not sentences:
        sentences.append(
            "No group is clearly under- or over-represented: every 95% interval includes the population share."
        )
    return sentences


def recruitment_targets(results: dict, suppress_below: int | None = None) -> list[dict]:
    """For each under-represented group: how many more members close the gap, and where to look."""
    targets = []
    for entry in results["characteristics"]:
        if entry["status"] != "ok":
            continue
        for c in entry["categories"]:
            if c["flag"] != "under":
                continue
            more = recruits_needed(c["count"], entry["known"], c["population_share"])
            targets.append(
                {
                    "characteristic": entry["label"],
                    "key": entry["key"],
                    "category": c["category"],
                    "more": SUPPRESSED if is_small(c["count"], suppress_below) else more,
                    "channels": CHANNELS.get(entry["key"], ""),
                    # Areas, never people's answers: deprivation comes from where someone lives.
                    "decile": int(c["category"]) if entry["key"] == "imd_decile" else None,
                }
            )
    return targets
