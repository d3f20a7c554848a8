"""Braille Ready Files (BRF): a bulletin in contracted (grade 2) braille as the UK writes it, by liblouis.

The UK has used Unified English Braille (UEB) since 2011 (UKAAF, RNIB), so the tables are
liblouis's UEB ones: en-ueb-g2.ctb for the text, en-ueb-g1.ctb (uncontracted) for names and
addresses. liblouis's older table of British braille (en-GB-g2.ctb, from before UEB) reads
its own contractions back wrongly ("are" comes back as "//every"), so it is not used.

A BRF is braille ASCII text: 40 cells a line, 25 lines a page, a form feed between pages,
lines ending CR LF, ready for an embosser or a braille display. liblouis comes from Debian
(liblouis20, liblouis-data, python3-louis); its Python binding is linked into the
virtualenv by scripts/run.sh and scripts/test.sh. Without it the rest of the print formats
still work and the Braille download says what the server lacks.
"""

import re

from app.errors import InvalidRequest

# Braille ASCII for the cells (the display table), then UEB grade 2 contractions. Names and addresses
# are uncontracted (grade 1), so that they read exactly as they are written on the envelope.
TABLES = ["en-us-brf.dis", "en-ueb-g2.ctb"]
UNCONTRACTED = ["en-us-brf.dis", "en-ueb-g1.ctb"]
CELLS = 40
LINES = 25
_SPACE = re.compile(r"\s+")
# Web and email addresses are written uncontracted inside contracted text, as UEB has them.
_ADDRESS = re.compile(r"(?:https?://|mailto:|www\.)[^\s()]+[^\s().,;:!?]|[\w.+-]+@[\w-]+\.[\w.-]*\w")

UNAVAILABLE = (
    "Braille files need liblouis on the server (Debian packages liblouis20, liblouis-data and python3-louis, "
    "linked into the virtualenv by scripts/run.sh). The large print and easy read files work without it."
)


def _louis():
    """The liblouis binding, or a clear refusal when the server does not have it or its tables."""
    try:
        import louis
    except (ImportError, OSError) as error:  # the binding, or the library it loads, is missing
        raise InvalidRequest(UNAVAILABLE, 503) from error
    try:
        louis.checkTable(TABLES)
        louis.checkTable(UNCONTRACTED)
    except RuntimeError as error:  # the tables are missing
        raise InvalidRequest(UNAVAILABLE, 503) from error
    return louis


def available() -> bool:
    try:
        _louis()
    except InvalidRequest:
        return False
    return True


def translate(text: str, contracted: bool = True) -> str:
    """One paragraph in braille ASCII (grade 2, or grade 1 when not contracted), on one line;
    web and email addresses in it uncontracted, so that they can be typed exactly."""
    louis = _louis()
    text = _SPACE.sub(" ", text or "").strip()
    if not contracted:
        return louis.translateString(UNCONTRACTED, text) if text else ""
    cells, at = [], 0
    for match in _ADDRESS.finditer(text):
        if match.start() > at:
            cells.append(louis.translateString(TABLES, text[at : match.start()]))
        cells.append(louis.translateString(UNCONTRACTED, match.group()))
        at = match.end()
    if at < len(text):
        cells.append(louis.translateString(TABLES, text[at:]))
    return "".join(cells)


def back_translate(cells: str, contracted: bool = True) -> str:
    """Braille ASCII back to print, as a reader of the file would read it."""
    return _louis().backTranslateString(TABLES if contracted else UNCONTRACTED, cells)


def _wrap(line: str) -> list[str]:
    """Braille words onto lines of at most CELLS cells; a word longer than a line is split across lines."""
    out, current = [], ""
    for word in line.split(" "):
        while len(word) > CELLS:
            if current:
                out.append(current)
                current = ""
            out.append(word[: CELLS - 1] + "-")
            word = word[CELLS - 1 :]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= CELLS:
            current += " " + word
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    return out


def brf(heading_lines: list[str], paragraphs: list[str]) -> str:
    """A whole file: the heading lines (name and address, uncontracted) each on their own line, then
    each paragraph wrapped with a blank line between; paginated at LINES lines, pages ending in a form feed."""
    lines: list[str] = []
    for text in heading_lines:
        lines.extend(_wrap(translate(text, contracted=False)))
    for text in paragraphs:
        cells = translate(text)
        if cells:
            lines.append("")
            lines.extend(_wrap(cells))
    pages = [lines[i : i + LINES] for i in range(0, len(lines), LINES)] or [[]]
    return "\f".join("\r\n".join(page) + "\r\n" for page in pages)


def pages_of(content: str) -> list[list[str]]:
    """The lines of each page of a BRF (for checking a file)."""
    return [page.split("\r\n")[:-1] for page in content.split("\f")]
