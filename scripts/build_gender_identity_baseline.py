"""Rebuild the gender_identity rows of ltla_baselines.csv from the ONS gender identity x sexual orientation dataset.

The input is the tidy LTLA download (columns area_code, area_name, gender_identity, sexual_orientation, n;
source S12 in app/representation/data/README.md): 7 gender identities x 4 sexual orientations per area.
Each area's row for a gender identity is the sum over the 4 sexual orientations; "Does not apply" is 0 for
residents aged 16 and over and is dropped.

Before writing, every area is checked: each gender identity has exactly one row for each sexual orientation,
and the area's total (residents aged 16 and over) agrees with the TS077 sexual orientation base already in
the file within --tolerance people, as do its straight, LGB+ and not-answered sums with TS077. Nothing is
written unless every area in the file is present and passes. An area whose difference was confirmed by
re-reading the source (so it is the Census perturbation, not a copying slip) can be let through with --accept.

    python scripts/build_gender_identity_baseline.py sexual_genmod_ew.csv          # check and write
    python scripts/build_gender_identity_baseline.py sexual_genmod_ew.csv --check  # report only
    python scripts/build_gender_identity_baseline.py sexual_genmod_ew.csv --accept E08000035
"""

import argparse
import csv
import io
import sys
from collections import defaultdict
from pathlib import Path

BASELINES = Path(__file__).resolve().parent.parent / "app" / "representation" / "data" / "ltla_baselines.csv"
CHARACTERISTIC = "gender_identity"
NOT_APPLICABLE = "Does not apply"
IDENTITIES = [
    "Gender identity the same as sex registered at birth",
    "Gender identity different from sex registered at birth but no specific identity given",
    "Trans woman",
    "Trans man",
    "All other gender identities",
    "Not answered",
]
ORIENTATIONS = [NOT_APPLICABLE, "Straight or Heterosexual", "Lesbian, Gay, Bisexual, or Other (LGB+)", "Not answered"]
# TS077's 5 categories grouped as the dataset's sexual orientation (4 categories) groups them
TS077_GROUPS = {
    "Straight or Heterosexual": ["Straight or Heterosexual"],
    "Lesbian, Gay, Bisexual, or Other (LGB+)": ["Gay or Lesbian", "Bisexual", "All other sexual orientations"],
    "Not answered": ["Not answered"],
}
BASE_DESCRIPTION = "Usual residents aged 16 years and over (sum of the gender identity categories)"
SOURCE_TABLE = "TS078"


def read_source(path):
    """(area, identity) -> {orientation: [n, ...]} for every row but the "Does not apply" identity."""
    cells = defaultdict(lambda: defaultdict(list))
    problems = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            identity, orientation = row["gender_identity"], row["sexual_orientation"]
            if identity == NOT_APPLICABLE:
                continue
            if identity not in IDENTITIES or orientation not in ORIENTATIONS:
                problems.append(f"line {line}: unknown category {identity!r} / {orientation!r}")
                continue
            try:
                n = int(row["n"])
            except ValueError:
                problems.append(f"line {line}: count {row['n']!r} is not a whole number")
                continue
            cells[(row["area_code"], identity)][orientation].append(n)
    return cells, problems


def read_baselines(path):
    """The file's lines as text, and each area's name and TS077 counts."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    names, ts077, existing = {}, defaultdict(dict), defaultdict(dict)
    for row in csv.DictReader(io.StringIO(text)):
        names.setdefault(row["area_code"], row["area_name"])
        if row["characteristic"] == "sexual_orientation":
            ts077[row["area_code"]][row["category"]] = int(row["count"])
            ts077[row["area_code"]]["_base"] = int(row["population_base"])
        elif row["characteristic"] == CHARACTERISTIC:
            existing[row["area_code"]][row["category"]] = int(row["count"])
    return lines, names, ts077, existing


def check(cells, names, ts077, tolerance, accepted=()):
    """Sums per area and identity, with every problem found and the largest differences from TS077."""
    problems, notes, sums = [], [], {}
    worst_total, worst_group = (0, ""), (0, "")
    for area in names:
        present = [identity for identity in IDENTITIES if (area, identity) in cells]
        if not present:
            continue
        if len(present) != len(IDENTITIES):
            problems.append(f"{area}: missing {sorted(set(IDENTITIES) - set(present))}")
            continue
        by_group = dict.fromkeys(TS077_GROUPS, 0)
        area_sums = {}
        for identity in IDENTITIES:
            found = cells[(area, identity)]
            counts = {orientation: len(found.get(orientation, [])) for orientation in ORIENTATIONS}
            if any(count != 1 for count in counts.values()):
                problems.append(f"{area} {identity}: orientation rows {counts}, wanted 1 of each")
                continue
            if found[NOT_APPLICABLE][0] != 0:
                problems.append(f"{area} {identity}: 'Does not apply' orientation is {found[NOT_APPLICABLE][0]}, not 0")
            area_sums[identity] = sum(values[0] for values in found.values())
            for group in TS077_GROUPS:
                by_group[group] += found[group][0]
        if len(area_sums) != len(IDENTITIES):
            continue
        total = sum(area_sums.values())
        base = ts077[area].get("_base")
        if base is None:
            problems.append(f"{area}: no TS077 base to check against")
            continue
        found_here = notes if area in accepted else problems
        gap = abs(total - base)
        worst_total = max(worst_total, (gap, area))
        if gap > tolerance:
            found_here.append(f"{area}: 16+ total {total} differs from the TS077 base {base} by {gap}")
        for group, categories in TS077_GROUPS.items():
            expected = sum(ts077[area][category] for category in categories)
            group_gap = abs(by_group[group] - expected)
            worst_group = max(worst_group, (group_gap, f"{area} {group}"))
            if group_gap > tolerance:
                found_here.append(f"{area}: {group} sums to {by_group[group]}, TS077 {expected} (by {group_gap})")
        sums[area] = area_sums
    extra = sorted({area for area, _ in cells} - set(names))
    problems += [f"{area}: not an area of the baselines file" for area in extra]
    return sums, problems, notes, worst_total, worst_group


def rows_for(area, name, area_sums):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    base = sum(area_sums.values())
    for identity in IDENTITIES:
        writer.writerow(
            [area, name, CHARACTERISTIC, identity, area_sums[identity], base, BASE_DESCRIPTION, SOURCE_TABLE]
        )
    return out.getvalue().splitlines(keepends=True)


def rebuild(lines, names, sums):
    """The file's lines with every gender_identity row replaced, each area's after its sexual_orientation rows."""
    header, body = lines[0], lines[1:]
    parsed = list(csv.reader(body))
    out, index = [header], 0
    while index < len(body):
        area, characteristic = parsed[index][0], parsed[index][2]
        if characteristic == CHARACTERISTIC:
            index += 1
            continue
        out.append(body[index])
        index += 1
        ends_block = index >= len(body) or parsed[index][2] != "sexual_orientation" or parsed[index][0] != area
        if characteristic == "sexual_orientation" and ends_block:
            out += rows_for(area, names[area], sums[area])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the ONS gender identity x sexual orientation CSV (tidy form)")
    parser.add_argument("--baselines", type=Path, default=BASELINES)
    parser.add_argument("--tolerance", type=int, default=20, help="people by which totals may differ from TS077")
    parser.add_argument("--check", action="store_true", help="report only; do not write")
    parser.add_argument(
        "--accept", action="append", default=[], metavar="AREA", help="area whose TS077 difference was confirmed"
    )
    args = parser.parse_args(argv)

    cells, problems = read_source(args.source)
    lines, names, ts077, existing = read_baselines(args.baselines)
    sums, found, notes, worst_total, worst_group = check(cells, names, ts077, args.tolerance, set(args.accept))
    problems += found
    missing = [area for area in names if area not in sums]
    changed = [area for area in existing if area in sums and existing[area] != sums[area]]

    print(f"{len(sums)} of {len(names)} areas checked; largest 16+ total difference from TS077: {worst_total}")
    print(f"largest sexual orientation group difference from TS077: {worst_group}")
    print(f"areas that already had gender identity rows: {len(existing)}, of which changed: {changed or 'none'}")
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        print(f"{len(missing)} areas not complete in the source: {shown}")
    for note in notes:
        print(f"accepted {note}")
    for problem in problems:
        print(f"PROBLEM {problem}")
    if args.check:
        return 1 if problems else 0
    if problems or missing:
        print("not written: fix the problems above first", file=sys.stderr)
        return 1
    args.baselines.write_text("".join(rebuild(lines, names, sums)), encoding="utf-8")
    print(f"wrote {len(sums) * len(IDENTITIES)} gender identity rows to {args.baselines}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
