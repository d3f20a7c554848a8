"""Cells for CSV and spreadsheet files people open in Excel.

A text cell starting with =, +, - or @ (or a tab or carriage return, which Excel skips before
reading one) would run as a formula: it is made inert with a leading quote. Nothing else is
changed: an empty cell stays empty and a number stays a number.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """A text cell a spreadsheet would treat as a formula, made inert with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def text_cell(value) -> str:
    """`escape_cell` of a value written as text (None as an empty cell)."""
    return escape_cell("" if value is None else str(value))
