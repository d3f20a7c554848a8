"""Population baselines: the Census 2021 tables shipped with Involve, custom uploads, the area served."""

import csv
import io
import logging
from functools import lru_cache
from pathlib import Path

from sqlalchemy import delete, func, select

from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.representation.models import Baseline, ServedArea
from app.transactions import transactional

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
CENSUS_FILE = DATA_DIR / "ltla_baselines.csv"
ICB_LOOKUP_FILE = DATA_DIR / "ltla_icb_lookup.csv"
CENSUS = "census2021"
CUSTOM = "custom"
CUSTOM_PREFIX = "custom:"

ATTRIBUTION = [
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0",
    "Contains OS data © Crown copyright and database right 2024",
    "English Indices of Deprivation 2025, Ministry of Housing, Communities and Local Government. "
    "Contains public sector information licensed under the Open Government Licence v3.0.",
]
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

# characteristic -> (label, what its base is)
CHARACTERISTICS = {
    "age_band": ("Age", "All usual residents (Census 2021 TS007A)"),
    "sex": ("Sex", "All usual residents (Census 2021 TS009)"),
    "broad_ethnic_group": ("Ethnic group (5 broad groups)", "All usual residents (Census 2021 TS021)"),
    "ethnic_group": ("Ethnic group (19 detailed groups)", "All usual residents (Census 2021 TS021)"),
    "religion": ("Religion", "All usual residents (Census 2021 TS030)"),
    "disability": ("Disability (Equality Act)", "All usual residents (Census 2021 TS038)"),
    "sexual_orientation": ("Sexual orientation", "Usual residents aged 16 and over (Census 2021 TS077)"),
    "gender_identity": ("Gender identity", "Usual residents aged 16 and over (Census 2021 TS078)"),
    "imd_decile": ("Deprivation (IMD 2025 decile)", "Usual residents of English LSOAs (IoD 2025)"),
}


def _census_rows():
    with open(CENSUS_FILE, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


@transactional
def load_census_baselines(area_codes=None) -> int:
    """Replace the Census 2021 baselines with the shipped tables (all areas, or those given); returns rows."""
    wanted = set(area_codes) if area_codes else None
    query = delete(Baseline).where(Baseline.source == CENSUS)
    if wanted:
        query = query.where(Baseline.area_code.in_(wanted))
    db.session.execute(query)
    rows, positions = [], {}
    for row in _census_rows():
        if row["characteristic"] not in CHARACTERISTICS:
            continue
        if wanted and row["area_code"] not in wanted:
            continue
        key = (row["area_code"], row["characteristic"])
        positions[key] = positions.get(key, -1) + 1
        rows.append(
            {
                "source": CENSUS,
                "area_code": row["area_code"],
                "area_name": row["area_name"],
                "characteristic": row["characteristic"],
                "category": row["category"],
                "position": positions[key],
                "count": int(row["count"]),
                "base": int(row["population_base"]),
                "source_table": row["source_table"],
            }
        )
    for start in range(0, len(rows), 5000):
        db.session.execute(Baseline.__table__.insert(), rows[start : start + 5000])
    log.info("loaded %d Census 2021 baseline rows", len(rows))
    return len(rows)


def census_loaded() -> bool:
    return db.session.scalar(select(func.count()).select_from(Baseline).where(Baseline.source == CENSUS)) > 0


def _areas(source: str) -> list[tuple[str, str]]:
    query = (
        select(Baseline.area_code, Baseline.area_name)
        .where(Baseline.source == source)
        .distinct()
        .order_by(Baseline.area_name)
    )
    return [(code, name) for code, name in db.session.execute(query)]


def local_authorities() -> list[tuple[str, str]]:
    """(code, name) of every area with a Census baseline, by name."""
    return _areas(CENSUS)


def custom_baselines() -> list[tuple[str, str]]:
    """(code, name) of every uploaded custom baseline, by name."""
    return _areas(CUSTOM)


@lru_cache(maxsize=1)
def icbs() -> dict[str, tuple[str, tuple[str, ...]]]:
    """ICB or Welsh health board code -> (name, its local authorities).

    An authority split between two boards counts towards the one holding most
    of its people (is_main_icb), so no one is counted twice.
    """
    boards: dict[str, tuple[str, list[str]]] = {}
    with open(ICB_LOOKUP_FILE, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["is_main_icb"] != "1":
                continue
            name, codes = boards.setdefault(row["icb_code"], (row["icb_name"], []))
            if row["ltla_code"] not in codes:
                codes.append(row["ltla_code"])
    return {code: (name, tuple(codes)) for code, (name, codes) in sorted(boards.items(), key=lambda i: i[1][0])}


def served_area() -> ServedArea | None:
    return db.session.scalar(select(ServedArea).order_by(ServedArea.id).limit(1))


@transactional
def save_served_area(area_codes, icb_code: str = "") -> ServedArea:
    """Set the area served to the given local authorities (or an ICB's, or one custom baseline)."""
    codes = list(dict.fromkeys(c.strip() for c in (area_codes or []) if c and c.strip()))
    label = ""
    if icb_code:
        board = icbs().get(icb_code)
        if board is None:
            raise InvalidRequest("Choose an ICB from the list.", 400, {"icb": "Choose an ICB from the list"})
        label, codes = board[0], list(board[1])
    if not codes:
        raise InvalidRequest(
            "Choose at least one local authority, an ICB or a custom baseline.",
            400,
            {"areas": "Choose at least one local authority, an ICB or a custom baseline"},
        )
    known = dict(local_authorities() + custom_baselines())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise InvalidRequest(
            "Some areas have no baseline loaded.", 400, {"areas": f"No baseline for: {', '.join(unknown)}"}
        )
    if any(c.startswith(CUSTOM_PREFIX) for c in codes) and len(codes) > 1:
        raise InvalidRequest(
            "A custom baseline is used on its own.", 400, {"areas": "Choose a custom baseline on its own"}
        )
    area = served_area() or ServedArea()
    area.area_codes = codes
    area.label = label or ", ".join(known[c] for c in codes)
    area.updated_at = now()
    db.session.add(area)
    from app.audit import services as audit_log

    audit_log.record("settings", "served_area", "", f"{len(codes)} areas")
    return area


def baseline_for(area_codes, characteristic: str) -> dict[str, int] | None:
    """Category -> population count summed over the areas, in ONS order; None if any area lacks it."""
    codes = list(area_codes)
    if not codes:
        return None
    rows = db.session.execute(
        select(Baseline.area_code, Baseline.category, Baseline.count, Baseline.position)
        .where(Baseline.area_code.in_(codes), Baseline.characteristic == characteristic)
        .order_by(Baseline.position)
    ).all()
    if {r.area_code for r in rows} != set(codes):
        return None
    totals: dict[str, int] = {}
    for row in sorted(rows, key=lambda r: r.position):
        totals[row.category] = totals.get(row.category, 0) + row.count
    return totals


# The table whose base counts an area's residents aged 16 and over (TS077 asks from 16).
ADULTS_TABLE = "sexual_orientation"


def age_tables(area_codes) -> list[tuple[dict[str, int], int | None]] | None:
    """Per area: its age band counts and its residents aged 16 and over (None where not known).

    None when an area has no age bands. The count of adults is the base of the area's
    sexual orientation table (Census 2021 TS077 counts everyone aged 16 and over).
    """
    codes = list(area_codes)
    if not codes:
        return None
    rows = db.session.execute(
        select(Baseline.area_code, Baseline.characteristic, Baseline.category, Baseline.count, Baseline.base)
        .where(Baseline.area_code.in_(codes), Baseline.characteristic.in_(("age_band", ADULTS_TABLE)))
        .order_by(Baseline.position)
    ).all()
    bands: dict[str, dict[str, int]] = {}
    adults: dict[str, int] = {}
    for row in rows:
        if row.characteristic == "age_band":
            bands.setdefault(row.area_code, {})[row.category] = row.count
        elif row.area_code in bands or row.area_code in codes:
            adults[row.area_code] = row.base
    if set(bands) != set(codes):
        return None
    return [(bands[code], adults.get(code)) for code in codes]


def census_categories(characteristic: str) -> list[str]:
    """The Census 2021 categories of a characteristic, in ONS order."""
    return _census_categories().get(characteristic, [])


@lru_cache(maxsize=1)
def _census_categories() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    first_area = None
    for row in _census_rows():
        if first_area is None:
            first_area = row["area_code"]
        if row["area_code"] != first_area and row["characteristic"] in found:
            continue
        if row["area_code"] == first_area:
            found.setdefault(row["characteristic"], []).append(row["category"])
    # The first area is English, so it has every characteristic, IMD included.
    return found


CUSTOM_LAYOUT = "characteristic,category,count"


def _parse_custom_csv(raw: bytes) -> dict[str, dict[str, int]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if header[:3] != ["characteristic", "category", "count"]:
        raise InvalidRequest(
            "The file does not have the expected columns.",
            400,
            {"file": f"The first line must be: {CUSTOM_LAYOUT}"},
        )
    tables: dict[str, dict[str, int]] = {}
    problems = []
    for line, row in enumerate(reader, start=2):
        values = list(row.values())
        characteristic, category, count = (str(v or "").strip() for v in values[:3])
        if characteristic not in CHARACTERISTICS:
            problems.append(f"line {line}: unknown characteristic {characteristic!r}")
            continue
        if category not in census_categories(characteristic):
            problems.append(f"line {line}: {category!r} is not a Census 2021 category of {characteristic}")
            continue
        try:
            number = int(count.replace(",", ""))
        except ValueError:
            problems.append(f"line {line}: the count {count!r} is not a whole number")
            continue
        if number < 0:
            problems.append(f"line {line}: the count for {category!r} is negative")
            continue
        if category in tables.get(characteristic, {}):
            problems.append(f"line {line}: {category!r} appears twice")
            continue
        tables.setdefault(characteristic, {})[category] = number
    for characteristic, counts in tables.items():
        missing = [c for c in census_categories(characteristic) if c not in counts]
        if missing:
            problems.append(f"{characteristic}: missing categories: {'; '.join(missing)}")
        elif sum(counts.values()) == 0:
            problems.append(f"{characteristic}: every count is zero")
    if not tables and not problems:
        problems.append("The file has no rows.")
    if problems:
        raise InvalidRequest(
            "The baseline was not saved. Correct the file and upload it again.",
            400,
            {"file": " | ".join(problems[:20]) + (" | ..." if len(problems) > 20 else "")},
        )
    return tables


@transactional
def upload_custom_baseline(name: str, raw: bytes) -> str:
    """Store a custom baseline from CSV (all of it or nothing); returns its area code."""
    name = (name or "").strip()
    if not name:
        raise InvalidRequest("Give the baseline a name.", 400, {"name": "Enter a name for this baseline"})
    tables = _parse_custom_csv(raw)
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")[:30] or "baseline"
    code = CUSTOM_PREFIX + slug
    db.session.execute(delete(Baseline).where(Baseline.area_code == code))
    for characteristic, counts in tables.items():
        base = sum(counts.values())
        for position, category in enumerate(census_categories(characteristic)):
            db.session.add(
                Baseline(
                    source=CUSTOM,
                    area_code=code,
                    area_name=name[:200],
                    characteristic=characteristic,
                    category=category,
                    position=position,
                    count=counts[category],
                    base=base,
                    source_table="custom",
                )
            )
    return code
