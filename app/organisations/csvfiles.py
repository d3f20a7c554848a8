"""Reading uploaded CSV files as people save them: UTF-8 (with or without BOM) or Windows-1252."""

import csv
import io

from app.errors import InvalidRequest


def decode(raw: bytes) -> str:
    """The text of an upload, or a clear error if it is not a text file we can read."""
    if not raw or not raw.strip():
        raise InvalidRequest("The file is empty.", 400, {"file": "The file is empty"})
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise InvalidRequest(
        "The file could not be read. Save it as CSV (UTF-8) and try again.",
        400,
        {"file": "Save the file as CSV (UTF-8)"},
    )


def rows(raw: bytes) -> list[list[str]]:
    """Every row of a CSV upload as lists of stripped strings, blank rows dropped."""
    text = decode(raw)
    try:
        parsed = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InvalidRequest(f"The file is not a valid CSV file: {exc}", 400, {"file": "Not a valid CSV file"}) from exc
    return [[cell.strip() for cell in row] for row in parsed if any(cell.strip() for cell in row)]


def header_key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())
