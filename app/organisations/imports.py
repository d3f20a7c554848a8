"""Importing practices, PCNs and registered list sizes from CSV: check every row, then all or nothing.

Practice file columns (header names are matched ignoring case, spaces and punctuation):

    practice_code  required  ODS code, e.g. M92001   (also: "Organisation Code", "Partner Organisation Code")
    practice_name  required  (also: "Name", "Partner Name")
    postcode       optional
    pcn_code       optional  e.g. U12345; must be known or come with pcn_name  (also: "PCN Code")
    pcn_name       optional  creates or renames the PCN  (also: "PCN Name")
    place_code     optional  place or sub-ICB location  (also: "Commissioner", "Sub ICB Location Code")
    place_name     optional
    status_code    optional  ODS status: C (closed), D (dormant) and "Inactive" rows are skipped
                             (also: "Status Code", "Status")

The NHS ODS epraccur file (no header row) is read by position: code, name, ..., postcode
(column 10), status (column 13), commissioner (column 15), prescribing setting (column 26);
rows whose prescribing setting is not 4 (GP practice) are skipped, as are closed and dormant ones.
Names may be up to 200 characters, place codes up to 20 and postcodes up to 10.

List size file: NHS Digital "Patients registered at a GP practice", quinary age layout:
ORG_CODE, SEX (MALE/FEMALE), AGE_GROUP_5 (0_4 ... 95+), NUMBER_OF_PATIENTS; EXTRACT_DATE
is read when present. "ALL" total rows are skipped, and so are practices this system does
not hold (the national file lists every practice in England), with a count in the report.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.organisations.csvfiles import header_key, rows
from app.organisations.models import PCN, ListSize, Place, Practice
from app.organisations.services import ODS_PRACTICE, PCN_CODE
from app.transactions import transactional

PRACTICE_COLUMNS = {
    "practice_code": ("practicecode", "odscode", "organisationcode", "partnerorganisationcode", "code"),
    "practice_name": ("practicename", "name", "partnername", "organisationname"),
    "postcode": ("postcode",),
    "pcn_code": ("pcncode",),
    "pcn_name": ("pcnname",),
    "place_code": ("placecode", "commissioner", "subicblocationcode", "practiceparentsubicbloccode"),
    "place_name": ("placename", "subicblocationname"),
    "status_code": ("statuscode", "status"),
}
# epraccur: 0 code, 1 name, 9 postcode, 12 status code, 14 commissioner, 25 prescribing setting
EPRACCUR_POSITIONS = {
    "practice_code": 0,
    "practice_name": 1,
    "postcode": 9,
    "status_code": 12,
    "place_code": 14,
    "prescribing_setting": 25,
}
SKIPPED_STATUSES = {"C", "D", "CLOSED", "DORMANT", "INACTIVE"}
GP_PRACTICE_SETTING = "4"
# Longest value each column may hold (the database column lengths).
MAX_LENGTHS = {"practice_name": 200, "pcn_name": 200, "place_name": 200, "place_code": 20, "postcode": 10}
MAX_PATIENTS = 2_000_000_000  # fits the database integer column; no practice is anywhere near it
AGE_BAND = re.compile(r"^(\d{1,3})_(\d{1,3})$|^(\d{1,3})\+$")

LIST_SIZE_COLUMNS = ("orgcode", "sex", "agegroup5", "numberofpatients")
SEXES = {"MALE": "male", "FEMALE": "female", "M": "male", "F": "female"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list = field(default_factory=list)  # (line number, message)
    dry_run: bool = False


def _too_long(values: dict) -> str | None:
    labels = {"postcode": "the postcode"}
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name) or "") > limit:
            label = labels.get(name, name)
            return f"{label} is too long: at most {limit} characters"
    return None


def valid_age_band(band: str) -> bool:
    """True for a quinary band of the NHS Digital file: 0_4, 5_9, ... 90_94, 95+."""
    found = AGE_BAND.match(band)
    if not found:
        return False
    if found.group(3) is not None:
        return int(found.group(3)) % 5 == 0
    low, high = int(found.group(1)), int(found.group(2))
    return low % 5 == 0 and high == low + 4


def _map_header(header: list[str]) -> dict[str, int]:
    keys = [header_key(h) for h in header]
    found = {}
    for name, aliases in PRACTICE_COLUMNS.items():
        for alias in aliases:
            if alias in keys:
                found[name] = keys.index(alias)
                break
    return found


def _practice_rows(raw: bytes) -> list[tuple[int, dict]]:
    table = rows(raw)
    if not table:
        raise InvalidRequest("The file has no rows.", 400, {"file": "The file has no rows"})
    first = table[0]
    if ODS_PRACTICE.match(first[0].upper()) and len(first) >= 15:
        columns, start = EPRACCUR_POSITIONS, 0
    else:
        columns, start = _map_header(first), 1
        missing = [c for c in ("practice_code", "practice_name") if c not in columns]
        if missing:
            raise InvalidRequest(
                "The file's header row needs the columns practice_code and practice_name "
                "(or the NHS ODS names Organisation Code and Name).",
                400,
                {"file": "Missing columns: " + ", ".join(missing)},
            )
    out = []
    for offset, row in enumerate(table[start:]):
        values = {name: (row[i] if i < len(row) else "") for name, i in columns.items()}
        out.append((offset + start + 1, values))
    if not out:
        raise InvalidRequest("The file has a header but no practices.", 400, {"file": "The file has no practices"})
    return out


@transactional
def import_practices(raw: bytes, dry_run: bool = False) -> ImportReport:
    """Create or update every practice in the file, or none if any row is wrong."""
    report = ImportReport(dry_run=dry_run)
    pcns = {p.code: p for p in db.session.scalars(db.select(PCN))}
    places = {p.code: p for p in db.session.scalars(db.select(Place))}
    practices = {p.ods_code: p for p in db.session.scalars(db.select(Practice))}
    seen: dict[str, int] = {}
    checked = []
    parsed = _practice_rows(raw)
    # A PCN named on any row of the file counts as known on every row.
    named_pcns = {v.get("pcn_code", "").upper() for _, v in parsed if v.get("pcn_name")}
    for line, values in parsed:
        code = values.get("practice_code", "").upper()
        name = values.get("practice_name", "")
        pcn_code = values.get("pcn_code", "").upper()
        setting = (values.get("prescribing_setting") or "").strip()
        if values.get("status_code", "").upper() in SKIPPED_STATUSES or (setting and setting != GP_PRACTICE_SETTING):
            report.skipped += 1
            continue
        problem = None
        if not ODS_PRACTICE.match(code):
            problem = f"'{code}' is not a practice ODS code (a letter and 5 digits, like M92001)"
        elif code in seen:
            problem = f"practice {code} is also on line {seen[code]}"
        elif not name:
            problem = "the practice name is missing"
        elif pcn_code and not PCN_CODE.match(pcn_code):
            problem = f"'{pcn_code}' is not a PCN code (U and 5 digits, like U12345)"
        elif pcn_code and pcn_code not in pcns and pcn_code not in named_pcns:
            problem = f"unknown PCN code {pcn_code}: add it first or give its name in pcn_name"
        else:
            problem = _too_long(values)
        if problem:
            report.errors.append((line, problem))
            continue
        seen[code] = line
        checked.append((code, name, values))
    if report.errors:
        db.session.rollback()
        return report
    for code, name, values in checked:
        pcn_code = values.get("pcn_code", "").upper()
        place_code = values.get("place_code", "").upper()
        place = None
        if place_code:
            place = places.get(place_code)
            if place is None:
                place = Place(code=place_code, name=values.get("place_name") or place_code)
                db.session.add(place)
                places[place_code] = place
            elif values.get("place_name"):
                place.name = values["place_name"]
        pcn = None
        if pcn_code:
            pcn = pcns.get(pcn_code)
            if pcn is None:
                name_given = next(
                    v["pcn_name"]
                    for _, _, v in checked
                    if v.get("pcn_code", "").upper() == pcn_code and v.get("pcn_name")
                )
                pcn = PCN(code=pcn_code, name=name_given)
                db.session.add(pcn)
                pcns[pcn_code] = pcn
            elif values.get("pcn_name"):
                pcn.name = values["pcn_name"]
            if place is not None:
                pcn.place = place
        practice = practices.get(code)
        postcode = values.get("postcode", "").upper()
        if practice is None:
            db.session.add(Practice(ods_code=code, name=name, postcode=postcode, pcn=pcn))
            report.created += 1
        else:
            practice.name = name
            if postcode:
                practice.postcode = postcode
            if pcn is not None and practice.pcn is not pcn:
                if practice.pcn_id is not None:
                    practice.pcn_changed_at = now()
                practice.pcn = pcn
            report.updated += 1
    if dry_run:
        db.session.rollback()
        return report
    audit.record("import", "practice", "", f"created {report.created}, updated {report.updated}")
    return report


def _parse_extract_date(text: str) -> date | None:
    for fmt in ("%d%b%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


@transactional
def import_list_sizes(raw: bytes) -> ImportReport:
    """Replace the registered list sizes of every practice in the file, or change nothing."""
    table = rows(raw)
    if len(table) < 2:
        raise InvalidRequest("The file has no rows.", 400, {"file": "The file has no rows"})
    keys = [header_key(h) for h in table[0]]
    missing = [c for c in LIST_SIZE_COLUMNS if c not in keys]
    if missing:
        raise InvalidRequest(
            "The file needs the columns ORG_CODE, SEX, AGE_GROUP_5 and NUMBER_OF_PATIENTS "
            "(NHS Digital quinary age layout).",
            400,
            {"file": "Missing columns: " + ", ".join(missing)},
        )
    col = {k: keys.index(k) for k in LIST_SIZE_COLUMNS}
    date_col = keys.index("extractdate") if "extractdate" in keys else None
    practices = {p.ods_code: p.id for p in db.session.scalars(db.select(Practice))}
    report = ImportReport()
    counts: dict[tuple[int, str, str], int] = {}
    extract_dates: dict[int, date | None] = {}
    for line, row in enumerate(table[1:], start=2):
        cells = {name: (row[i] if i < len(row) else "") for name, i in col.items()}
        code, sex = cells["orgcode"].upper(), cells["sex"].upper()
        band, number = cells["agegroup5"], cells["numberofpatients"]
        if sex == "ALL" or band.upper() == "ALL":
            report.skipped += 1
            continue
        if code not in practices:
            report.skipped += 1
            continue
        if sex not in SEXES:
            report.errors.append((line, f"SEX must be MALE or FEMALE, not '{sex}'"))
            continue
        if not band:
            report.errors.append((line, "AGE_GROUP_5 is missing"))
            continue
        if not valid_age_band(band):
            report.errors.append(
                (line, f"AGE_GROUP_5 must be a five-year band like 0_4, 5_9 or 95+, not '{band[:20]}'")
            )
            continue
        if not (number.isascii() and number.isdecimal()):
            report.errors.append((line, f"NUMBER_OF_PATIENTS must be a whole number, not '{number[:20]}'"))
            continue
        if len(number) > 10 or int(number) > MAX_PATIENTS:
            report.errors.append((line, f"NUMBER_OF_PATIENTS is too large: '{number[:20]}'"))
            continue
        key = (practices[code], SEXES[sex], band)
        if key in counts:
            report.errors.append((line, f"{code} {sex} {band} appears twice"))
            continue
        counts[key] = int(number)
        if date_col is not None and date_col < len(row):
            extract_dates[practices[code]] = _parse_extract_date(row[date_col])
    if report.errors:
        db.session.rollback()
        return report
    if not counts:
        raise InvalidRequest(
            "None of the rows are for practices held here. Add the practices first.",
            400,
            {"file": "No rows for known practices"},
        )
    practice_ids = {k[0] for k in counts}
    db.session.execute(db.delete(ListSize).where(ListSize.practice_id.in_(practice_ids)))
    for (practice_id, sex, band), number in counts.items():
        db.session.add(
            ListSize(
                practice_id=practice_id,
                sex=sex,
                age_band=band,
                patients=number,
                extract_date=extract_dates.get(practice_id),
            )
        )
        report.created += 1
    audit.record("import", "practice_list_size", "", f"{len(practice_ids)} practices")
    return report
