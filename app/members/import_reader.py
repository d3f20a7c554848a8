"""Reading a members file (CSV or XLSX) into text columns, and recognising its headers.

Every cell comes back as a stripped string ("" when empty) so that validation
sees the file as a person would; each row keeps the line number a person would
count in the file (the header is line 1).
"""

import csv
import io
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from app.errors import InvalidRequest

# What a column can hold -> (label for staff, header spellings seen in the wild, compared without
# case, spaces or punctuation).
FIELDS: dict[str, tuple[str, set[str]]] = {
    "email": ("Email address", {"email", "emailaddress", "mail", "emailid", "contactemail"}),
    "first_name": ("First name", {"firstname", "forename", "forenames", "givenname", "first"}),
    "last_name": ("Last name", {"lastname", "surname", "familyname", "last"}),
    "full_name": ("Full name (split into first and last)", {"name", "fullname", "contactname"}),
    "phone": (
        "Phone",
        {"phone", "telephone", "phonenumber", "telephonenumber", "tel", "mobile", "mobilenumber", "mobilephone"},
    ),
    "postcode": ("Postcode", {"postcode", "postalcode", "zip", "zipcode"}),
    "date_of_birth": ("Date of birth", {"dateofbirth", "dob", "birthdate", "birthday", "born"}),
    "age_band": ("Age band", {"ageband", "agegroup", "agerange"}),
    "practice_code": (
        "GP practice code (ODS code)",
        {"practicecode", "odscode", "gppracticecode", "practiceodscode", "gpcode", "practice", "gppractice"},
    ),
    "contact_type": ("Contact type", {"contacttype", "type", "membertype"}),
    "topics": ("Topics of interest", {"topics", "topicsofinterest", "interests", "topic"}),
}

SUPPORTED = (".csv", ".xlsx")


class ImportFileError(InvalidRequest):
    """A file that cannot be read as a members list; nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message, 400, {"file": message})


@dataclass
class MembersFile:
    """The file as text: one string column per header, and each row's line number."""

    frame: pd.DataFrame
    lines: pd.Series
    encoding: str

    @property
    def headers(self) -> list[str]:
        return list(self.frame.columns)


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


def guess_mapping(headers) -> dict[str, str]:
    """{field: header} for every header recognised; the first matching header wins."""
    mapping: dict[str, str] = {}
    for header in headers:
        key = header_key(header)
        for name, (_, spellings) in FIELDS.items():
            if name not in mapping and key in spellings:
                mapping[name] = header
                break
    return mapping


def decode(raw: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: UTF-8 (with or without BOM), else Windows-1252 (Excel)."""
    if b"\x00" in raw[:4096]:
        raise ImportFileError(
            "The file is not a text CSV file. Save it from your spreadsheet as 'CSV UTF-8' or as an Excel workbook (.xlsx)."
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file's text encoding was not recognised (it is neither UTF-8 nor Windows-1252). "
            "Save it from your spreadsheet as 'CSV UTF-8' and upload it again."
        )


def read_members_file(path: str, kind: str) -> MembersFile:
    """Read a .csv or .xlsx file; ImportFileError with a clear reason if it cannot be used."""
    if kind == ".csv":
        with open(path, "rb") as handle:
            raw = handle.read()
        text, encoding = decode(raw)
        del raw
        members_file = _read_csv_text(text, encoding)
    elif kind == ".xlsx":
        members_file = _read_xlsx(path)
    else:
        raise ImportFileError("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
    if members_file.frame.empty:
        raise ImportFileError("The file has no rows of members under its header row. Nothing was imported.")
    return members_file


def _delimiter(first_line: str) -> str:
    # Excel in some locales saves "CSV" with semicolons; tab-separated exports are common too.
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv_text(text: str, encoding: str) -> MembersFile:
    if not text.strip():
        raise ImportFileError("The file is empty. Nothing was imported.")
    first_line = text.split("\n", 1)[0]
    sep = _delimiter(first_line)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                # Never take the first column as an index: a row with one cell too many would shift every column.
                index_col=False,
            )
    except pd.errors.ParserError as exc:
        if "Expected" in str(exc):
            raise ImportFileError(_too_many_cells(text, sep)) from None
        raise ImportFileError(f"The file could not be read as CSV ({_plain(exc)}). Nothing was imported.") from None
    except (ValueError, csv.Error) as exc:
        raise ImportFileError(f"The file could not be read as CSV ({_plain(exc)}). Nothing was imported.") from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        raise ImportFileError(_too_many_cells(text, sep))
    frame.columns = [str(c).strip() for c in frame.columns]
    lines = _csv_line_numbers(text, sep, len(frame))
    return _finish(frame, lines, encoding)


def _too_many_cells(text: str, sep: str) -> str:
    """Which lines have more cells than the header, in words a person can fix the file with."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    width = len(next(reader, []))
    lines = []
    for row in reader:
        if len(row) > width:
            lines.append(reader.line_num)
            if len(lines) == 5:
                break
    where = ", ".join(str(n) for n in lines) or "some lines"
    name = "Tab" if sep == "\t" else repr(sep)
    return (
        f"Line{'s' if len(lines) > 1 else ''} {where} of the file {'have' if len(lines) > 1 else 'has'} more cells "
        f"than the header row has columns ({width}). A value with a {name} in it, like an address, must be in "
        "double quotes. Nothing was imported."
    )


def _csv_line_numbers(text: str, sep: str, rows: int) -> pd.Series:
    """Line of each data row as a person counts them (header = 1)."""
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    if physical == rows + 1:
        return pd.Series(range(2, rows + 2))
    # Quoted cells with line breaks inside: ask the csv module where each record starts.
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    starts = []
    previous_end = 0
    for _ in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return pd.Series(starts[1 : rows + 1])


def _read_xlsx(path: str) -> MembersFile:
    try:
        frame = pd.read_excel(path, engine="openpyxl", dtype=object, sheet_name=0)
    except Exception as exc:  # noqa: BLE001 (openpyxl raises many kinds for a damaged workbook)
        raise ImportFileError(f"The file could not be read as an Excel workbook ({_plain(exc)}). Nothing was imported.")
    frame.columns = [str(c).strip() for c in frame.columns]
    lines = pd.Series(range(2, len(frame) + 2))
    for column in frame.columns:
        frame[column] = frame[column].map(_cell_text)
    return _finish(frame, lines, "xlsx")


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _finish(frame: pd.DataFrame, lines: pd.Series, encoding: str) -> MembersFile:
    if any(c.startswith("Unnamed: ") for c in frame.columns) and all(
        c.startswith("Unnamed: ") or not c for c in frame.columns
    ):
        raise ImportFileError("The first line of the file must be a header row naming each column.")
    frame = frame.reset_index(drop=True)
    lines = lines.reset_index(drop=True)
    for column in frame.columns:
        # A leading quote is how exports (ours included) defuse spreadsheet formulas; take it off again.
        values = frame[column].astype(str).str.strip()
        if values.str.startswith("'").any():
            values = values.str.replace(r"^'(?=[=+\-@])", "", regex=True)
        frame[column] = values
    # Blank lines (every cell empty) are not members and not mistakes.
    filled = (frame != "").any(axis=1)
    if not filled.all():
        frame = frame[filled].reset_index(drop=True)
        lines = lines[filled].reset_index(drop=True)
    return MembersFile(frame=frame, lines=lines, encoding=encoding)


def _plain(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def peek_members_file(path: str, kind: str) -> tuple[list[str], int]:
    """Headers and a row count, cheaply, so staff can map columns before every row is checked."""
    if kind == ".csv":
        with open(path, "rb") as handle:
            text, _ = decode(handle.read())
        if not text.strip():
            raise ImportFileError("The file is empty. Nothing was imported.")
        first_line = text.split("\n", 1)[0]
        try:
            headers = list(pd.read_csv(io.StringIO(first_line), sep=_delimiter(first_line), dtype=str, nrows=0).columns)
        except (pd.errors.ParserError, ValueError) as exc:
            raise ImportFileError(f"The file could not be read as CSV ({_plain(exc)}). Nothing was imported.")
        rows = sum(1 for line in text.splitlines()[1:] if line.strip())
    elif kind == ".xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            first = next(sheet.iter_rows(max_row=1, values_only=True), ())
            rows = max((sheet.max_row or 1) - 1, 0)
            workbook.close()
        except Exception as exc:  # noqa: BLE001 (a damaged workbook raises many kinds)
            raise ImportFileError(
                f"The file could not be read as an Excel workbook ({_plain(exc)}). Nothing was imported."
            )
        headers = ["" if h is None else str(h).strip() for h in first]
    else:
        raise ImportFileError("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
    headers = [str(h).strip() for h in headers]
    if not any(headers):
        raise ImportFileError("The first line of the file must be a header row naming each column.")
    if rows == 0:
        raise ImportFileError("The file has no rows of members under its header row. Nothing was imported.")
    return headers, rows
