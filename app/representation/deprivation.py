"""Deprivation: placing members in an IMD 2025 decile from their postcode.

Involve ships the IMD 2025 decile of every English 2021 LSOA. The step from
postcode to LSOA needs the ONS Postcode Directory (ONSPD) or the National
Statistics Postcode Lookup (NSPL), free under the Open Government Licence but far
too large to ship: an admin downloads it and loads it once with
`flask baselines load-postcodes FILE`, keeping the postcodes of the area served.
Nothing is estimated: a member whose postcode is not in the lookup counts as not known.
"""

import csv
import io
import logging
import re
from functools import lru_cache

from sqlalchemy import delete, func, select

from app.errors import InvalidRequest
from app.extensions import db
from app.representation.baselines import DATA_DIR
from app.representation.models import PostcodeArea
from app.transactions import transactional

log = logging.getLogger(__name__)

IMD_FILE = DATA_DIR / "lsoa21_imd2025.csv"
DECILES = [str(n) for n in range(1, 11)]
DECILE_LABELS = {
    str(n): f"{n} ({'most deprived' if n == 1 else 'least deprived' if n == 10 else 'decile'})" for n in range(1, 11)
}
# Column names used by the ONSPD, the NSPL and plain two-column extracts.
POSTCODE_COLUMNS = ("pcds", "pcd", "pcd7", "pcd8", "postcode")
LSOA_COLUMNS = ("lsoa21cd", "lsoa21", "lsoa21_code", "lsoa")
_LSOA = re.compile(r"^[EW]01\d{6}$")


def decile_label(code) -> str:
    return DECILE_LABELS.get(str(code), "Not known")


@lru_cache(maxsize=1)
def lsoa_deciles() -> dict[str, tuple[str, int]]:
    """English 2021 LSOA code -> (its local authority code, IMD 2025 decile)."""
    with open(IMD_FILE, newline="", encoding="utf-8") as handle:
        return {r["lsoa21_code"]: (r["ltla_code"], int(r["imd_decile"])) for r in csv.DictReader(handle)}


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


@transactional
def load_postcode_lookup(stream, area_codes=None) -> dict:
    """Replace the postcode lookup with the rows of an ONSPD/NSPL CSV (only the areas given, if any).

    All or nothing: a file without postcode and 2021 LSOA columns is refused and the
    lookup in use is kept. Returns counts of what was loaded and left out.
    """
    text = (
        io.TextIOWrapper(stream, encoding="utf-8-sig", newline="") if not isinstance(stream, io.TextIOBase) else stream
    )
    reader = csv.reader(text)
    try:
        header = next(reader)
    except (StopIteration, UnicodeDecodeError, csv.Error) as exc:
        raise InvalidRequest("The file is empty or is not a CSV file.", 400) from exc
    postcode_at, lsoa_at = _column(header, POSTCODE_COLUMNS), _column(header, LSOA_COLUMNS)
    if postcode_at is None or lsoa_at is None:
        raise InvalidRequest(
            "The file needs a postcode column (pcds, pcd or postcode) and a 2021 LSOA column "
            "(lsoa21cd, lsoa21 or lsoa21_code), as in the ONS Postcode Directory.",
            400,
        )
    deciles = lsoa_deciles()
    wanted = set(area_codes) if area_codes else None
    rows: dict[str, dict] = {}
    counts = {"read": 0, "loaded": 0, "outside_area": 0, "not_english": 0, "unreadable": 0}
    try:
        for line in reader:
            counts["read"] += 1
            if len(line) <= max(postcode_at, lsoa_at):
                counts["unreadable"] += 1
                continue
            postcode = re.sub(r"\s+", "", line[postcode_at]).upper()
            lsoa = line[lsoa_at].strip().upper()
            if not postcode or len(postcode) > 8 or not _LSOA.match(lsoa):
                counts["unreadable"] += 1
                continue
            found = deciles.get(lsoa)
            if found is None:
                counts["not_english"] += 1
                continue
            if wanted and found[0] not in wanted:
                counts["outside_area"] += 1
                continue
            rows[postcode] = {"postcode": postcode, "lsoa_code": lsoa, "imd_decile": found[1]}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidRequest(f"The file could not be read after line {counts['read'] + 1}.", 400) from exc
    if not rows:
        raise InvalidRequest("No postcode in the file is in an English LSOA of the area served; nothing was changed.")
    db.session.execute(delete(PostcodeArea))
    values = list(rows.values())
    for start in range(0, len(values), 5000):
        db.session.execute(PostcodeArea.__table__.insert(), values[start : start + 5000])
    counts["loaded"] = len(values)
    log.info("loaded %d postcodes into the deprivation lookup", len(values))
    return counts


def lookup_size() -> int:
    """How many postcodes the lookup holds (0 when none has been loaded)."""
    return db.session.scalar(select(func.count()).select_from(PostcodeArea)) or 0


def postcodes_in_deciles(deciles):
    """SELECT of the compact postcodes in the given deciles, for member filters."""
    return select(PostcodeArea.postcode).where(PostcodeArea.imd_decile.in_([int(d) for d in deciles]))


def postcodes_csv(decile: int) -> str:
    """CSV of the loaded postcodes in one decile (area data only), sorted; header only when there are none."""
    rows = db.session.execute(
        select(PostcodeArea.postcode, PostcodeArea.lsoa_code)
        .where(PostcodeArea.imd_decile == decile)
        .order_by(PostcodeArea.postcode)
    ).all()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["postcode", "lsoa21_code", "imd_decile"])
    for postcode, lsoa in rows:
        writer.writerow([f"{postcode[:-3]} {postcode[-3:]}", lsoa, decile])
    return out.getvalue()
