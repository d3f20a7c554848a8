"""Checking every row of a members file at once, column by column (pandas, no per-row objects).

The rules are the same as for a form (app/validation.py): a value that
passes here would pass normalise_email / normalise_postcode / parse_date_of_birth.
Common shapes are checked with vectorised regular expressions; only the unusual
values go through the per-value functions.
"""

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd
from email_validator import SPECIAL_USE_DOMAIN_NAMES

from app.members.import_reader import FIELDS, MembersFile, header_key
from app.members.vocab import CONTACT_TYPES, SELF_REPORTED_AGE_BANDS
from app.validation import _POSTCODE, FieldError, normalise_email

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# A plain ASCII address: the shape almost every row has, accepted as email_validator would.
_SIMPLE_EMAIL = (
    rf"^(?P<local>{_ATOM}(?:\.{_ATOM})*)@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]{2,63}))$"
)
_SIMPLE_EMAIL_RE = re.compile(_SIMPLE_EMAIL)
_SPECIAL_TLDS = {d for d in SPECIAL_USE_DOMAIN_NAMES if "." not in d}
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


@dataclass
class CheckedRows:
    """Clean values for every row, and what is wrong with the bad ones."""

    clean: pd.DataFrame  # email, email_key, names, phone, postcode, date_of_birth, age_band, practice_id, ...
    lines: pd.Series
    problems: pd.Series  # "" for a good row, else the reasons joined with "; "

    @property
    def bad(self) -> pd.Series:
        return self.problems != ""


def check_rows(
    members_file: MembersFile,
    mapping: dict[str, str],
    practice_ids: dict[str, int],
    topic_ids: dict[str, int],
    today: date,
) -> CheckedRows:
    """Validate and normalise every row; nothing is read from or written to the database here."""
    frame = members_file.frame
    n = len(frame)
    blank = pd.Series([""] * n, index=frame.index, dtype=object)

    def column(field: str) -> pd.Series:
        header = mapping.get(field)
        return frame[header] if header in frame.columns else blank

    problems: list[pd.Series] = []
    clean = pd.DataFrame(index=frame.index)

    clean["email"], email_problem = _emails(column("email"))
    clean["email_key"] = clean["email"].str.lower()
    problems.append(email_problem)

    first, last = column("first_name"), column("last_name")
    if "full_name" in mapping and "first_name" not in mapping and "last_name" not in mapping:
        parts = column("full_name").str.rsplit(" ", n=1, expand=True).reindex(columns=[0, 1]).fillna("")
        first, last = parts[0].where(parts[1] != "", ""), parts[1].where(parts[1] != "", parts[0])
    clean["first_name"] = first.str.strip().str.slice(0, 100)
    clean["last_name"] = last.str.strip().str.slice(0, 100)
    clean["phone"] = column("phone").str.slice(0, 30)

    clean["postcode"], postcode_problem = _postcodes(column("postcode"))
    problems.append(postcode_problem)

    clean["date_of_birth"], dob_problem = _dates_of_birth(column("date_of_birth"), today)
    problems.append(dob_problem)

    band_codes = {header_key(code): code for code in SELF_REPORTED_AGE_BANDS}
    band_codes.update({header_key(label): code for code, (label, _, _) in SELF_REPORTED_AGE_BANDS.items()})
    clean["age_band"], band_problem = _lookup(
        column("age_band"), lambda v: band_codes.get(header_key(v)), "Age band is not one from the list", None
    )
    clean.loc[clean["date_of_birth"].notna(), "age_band"] = None
    problems.append(band_problem)

    upper_ids = {code.upper(): pk for code, pk in practice_ids.items()}
    clean["practice_id"], practice_problem = _lookup(
        column("practice_code"),
        lambda v: upper_ids.get(v.replace(" ", "").upper()),
        "GP practice code {value} is not a known practice",
        None,
    )
    problems.append(practice_problem)

    contact_types = {header_key(code): code for code in CONTACT_TYPES}
    contact_types.update({header_key(label): code for code, label in CONTACT_TYPES.items()})
    clean["contact_type"], type_problem = _lookup(
        column("contact_type"),
        lambda v: contact_types.get(header_key(v)),
        "Contact type {value} is not one from the list",
        None,  # blank: a new member is a resident, an existing one keeps their type
    )
    problems.append(type_problem)

    clean["topic_ids"], topic_problem = _topics(column("topics"), topic_ids)
    problems.append(topic_problem)

    return CheckedRows(clean=clean, lines=members_file.lines, problems=_join(problems, n, frame.index))


def _join(problems: list[pd.Series], n: int, index) -> pd.Series:
    joined = pd.Series([""] * n, index=index, dtype=object)
    for series in problems:
        has = series != ""
        if has.any():
            joined[has] = joined[has].where(joined[has] == "", joined[has] + "; ") + series[has]
    return joined


def _emails(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    emails, problems = [], []
    for value in raw.tolist():
        match = _SIMPLE_EMAIL_RE.match(value)
        if match and len(match["local"]) <= 64 and len(value) <= 254 and match["tld"].lower() not in _SPECIAL_TLDS:
            emails.append(match["local"] + "@" + match["domain"].lower())
            problems.append("")
        elif not value:
            emails.append("")
            problems.append("Email address is missing")
        else:
            try:
                emails.append(normalise_email(value))
                problems.append("")
            except FieldError:
                emails.append("")
                problems.append("Email address is not in the correct format, like name@example.com")
    return pd.Series(emails, index=raw.index, dtype=object), pd.Series(problems, index=raw.index, dtype=object)


def _postcodes(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    compact = raw.str.replace(r"\s+", "", regex=True).str.upper()
    valid = compact.str.match(_POSTCODE.pattern)
    formatted = (compact.str.slice(0, -3) + " " + compact.str.slice(-3)).where(valid & (compact != ""), "")
    problem = pd.Series("", index=raw.index, dtype=object)
    problem[(compact != "") & ~valid] = "Postcode is not a real UK postcode, like WV1 1AA"
    return formatted, problem


def _dates_of_birth(raw: pd.Series, today: date) -> tuple[pd.Series, pd.Series]:
    """ISO (1987-03-27, with or without a time), UK (27/03/1987) or an Excel day number."""
    iso = raw.str.match(r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T][0-9:.]*)?$")
    uk = raw.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$")
    serial = raw.str.match(r"^\d{1,5}(?:\.0+)?$")
    born = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if iso.any():
        dates = raw[iso].str.replace(r"[ T].*$", "", regex=True)
        born[iso] = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce")
    if uk.any():
        born[uk] = pd.to_datetime(raw[uk], format="%d/%m/%Y", errors="coerce")
    if serial.any():
        days = pd.to_numeric(raw[serial], errors="coerce")
        born[serial] = _EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
    recognised = iso | uk | serial
    problem = pd.Series("", index=raw.index, dtype=object)
    given = raw != ""
    problem[given & ~recognised] = "Date of birth is not a date like 27/03/1987 or 1987-03-27"
    problem[recognised & born.isna()] = "Date of birth is not a real date"
    problem[born.notna() & (born > pd.Timestamp(today))] = "Date of birth is in the future"
    problem[born.notna() & (born.dt.year < today.year - 120)] = f"Date of birth must be after {today.year - 120}"
    ok = born.notna() & (problem == "")
    values = pd.Series(None, index=raw.index, dtype=object)
    values[ok] = born[ok].dt.date
    return values, problem


def _lookup(raw: pd.Series, find, message: str, default) -> tuple[pd.Series, pd.Series]:
    """Map each distinct value once (files repeat a few values many times)."""
    found = {}
    for value in raw.unique():
        found[value] = default if value == "" else find(value)
    # Built as objects so that ids stay ints beside None (a float column would turn 3 into 3.0).
    values = pd.Series([found[v] for v in raw], index=raw.index, dtype=object)
    problem = pd.Series("", index=raw.index, dtype=object)
    unknown = (raw != "") & values.isna()
    if unknown.any():
        problem[unknown] = raw[unknown].map(lambda v: message.format(value=v[:40]))
    return values, problem


def _topics(raw: pd.Series, topic_ids: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    known = {header_key(k): v for k, v in topic_ids.items()}
    parsed: dict[str, tuple[tuple[int, ...], str]] = {}
    for value in raw.unique():
        ids, unknown = [], []
        for item in re.split(r"[;,|]", value):
            if item.strip():
                pk = known.get(header_key(item))
                (ids.append(pk) if pk is not None else unknown.append(item.strip()[:40]))
        message = ("Topic not in the list: " + ", ".join(unknown)) if unknown else ""
        parsed[value] = (tuple(sorted(set(ids))), message)
    ids = raw.map(lambda v: parsed[v][0])
    problem = raw.map(lambda v: parsed[v][1]).astype(object)
    return ids, problem


def field_labels() -> dict[str, str]:
    return {name: label for name, (label, _) in FIELDS.items()}
