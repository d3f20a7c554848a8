"""Disclosure control: the one place where people are counted by an equality characteristic.

Every published count of people by age, sex, ethnic group, religion, disability, sexual
orientation, gender identity or deprivation is made here, the way the ONS protected Census
2021 outputs (cell key perturbation), and nothing else in the app counts equality answers:

- each record (a member, an anonymous survey response) carries a random record key, an
  integer from 0 to 255 drawn once and never shown;
- a cell's key is the sum of its records' keys modulo 256, so the same people always give
  the same key, and one person more or less gives an unrelated one;
- the perturbation table (``ptable.csv`` beside this file, documented in its header) maps the
  true count and the cell key to a small noise value: zero stays zero, nothing goes
  negative, the noise is at most 3 either way and averages zero over the cell keys;
- the perturbed count is then suppressed below ``SUPPRESS_BELOW`` (shown as "*") and the rest
  rounded to the nearest ``ROUND_TO``.

So the same cell shows the same figure however often and wherever it is asked, and two
populations that differ by one person differ by noise, not by that person. Totals are
cells of their own, so they need not equal the sum of the parts shown.

Counts travel as opaque `Cell` objects that can be added up (merging categories) but not
read; only `publish` and `compare` turn them into figures, and every share, ratio, interval,
flag and test is worked out from the published counts, at the precision a reader needs
(whole percentages, ratios to one decimal). A population whose perturbed number of answers
is under the floor (``DISCLOSURE_FLOOR``, 50) shows no breakdown at all.

Domains that hold equality answers register a *source* (`register_source`): a function that
builds the rows to count for a selection of people. The source is run and counted here.
"""

import csv
import math
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app, has_app_context

from app.extensions import db
from app.statistics.comparison import chi_square_goodness_of_fit, wilson_interval

KEY_RANGE = 256
SUPPRESSED = "*"
PTABLE_PATH = Path(__file__).with_name("ptable.csv")


_KEYS = secrets.SystemRandom()


def new_record_key() -> int:
    """A record key for a new member or anonymous response: uniform on 0..255, never shown."""
    return _KEYS.randrange(KEY_RANGE)


class Cell:
    """A count of people and the key of the cell they make; exact, and so never shown.

    Cells add up (two categories merged make one cell); the count inside is read only by
    `publish` and `compare` in this module.
    """

    __slots__ = ("_n", "_k")

    def __init__(self, n: int = 0, k: int = 0):
        self._n = int(n)
        self._k = int(k) % KEY_RANGE

    def __add__(self, other):
        if isinstance(other, int) and other == 0:
            return self
        if not isinstance(other, Cell):
            return NotImplemented
        return Cell(self._n + other._n, self._k + other._k)

    __radd__ = __add__

    def __repr__(self) -> str:  # never the count: a cell in a log or traceback says nothing
        return "Cell(…)"

    def __eq__(self, other) -> bool:
        return isinstance(other, Cell) and (self._n, self._k) == (other._n, other._k)

    def __hash__(self) -> int:
        return hash((self._n, self._k))


EMPTY = Cell()


def total(cells: Iterable[Cell]) -> Cell:
    """One cell for the people of several cells together."""
    return sum(cells, EMPTY)


# --- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    suppress_below: int = 8
    round_to: int = 5
    floor: int = 50
    exact: bool = False  # only for staff who may see individuals, and never published

    def as_dict(self) -> dict:
        return {"suppress_below": self.suppress_below, "round_to": self.round_to, "floor": self.floor}


def rules(exact: bool = False) -> Rules:
    """The disclosure rules in force (SUPPRESS_BELOW, ROUND_TO, DISCLOSURE_FLOOR)."""
    if has_app_context():
        config = current_app.config
        return Rules(config["SUPPRESS_BELOW"], config["ROUND_TO"], config.get("DISCLOSURE_FLOOR", 50), exact)
    return Rules(exact=exact)


# --- the perturbation table -------------------------------------------------------------------


@cache
def ptable() -> dict[int, list[int]]:
    """{true count (the last row stands for every larger count): noise for each of the 256 cell keys}."""
    table: dict[int, list[int]] = {}
    with PTABLE_PATH.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(line for line in handle if not line.startswith("#")):
            noise = table.setdefault(int(row["count"]), [])
            noise.extend([int(row["noise"])] * (int(row["key_to"]) - int(row["key_from"]) + 1))
    return table


def _noise(n: int, key: int) -> int:
    table = ptable()
    return table[min(n, max(table))][key]


def _perturbed(cell: Cell, exact: bool = False) -> int:
    if exact or cell._n == 0:
        return cell._n
    return cell._n + _noise(cell._n, cell._k)


def _round(count: int, round_to: int) -> int:
    if round_to <= 1:
        return count
    # Half up: Python's round() rounds halves to even, which reads oddly in a report.
    return int((count + round_to / 2) // round_to) * round_to


@dataclass(frozen=True)
class Published:
    """A count as it may be shown: `value` is None where it is suppressed."""

    value: int | None

    @property
    def shown(self) -> int | str:
        return SUPPRESSED if self.value is None else self.value

    @property
    def hidden(self) -> bool:
        return self.value is None


def publish(cell: Cell, rule: Rules | None = None) -> Published:
    """The figure for a cell: perturbed, then suppressed below the threshold or rounded."""
    rule = rule or rules()
    if rule.exact:
        return Published(cell._n)
    noisy = _perturbed(cell)
    if 0 < noisy < rule.suppress_below:
        return Published(None)
    return Published(_round(noisy, rule.round_to))


def publish_table(cells: dict, rule: Rules | None = None) -> dict:
    """{category: figure} for a table of cells, plus "Total" as a cell of its own."""
    rule = rule or rules()
    shown = {category: publish(cell, rule).shown for category, cell in cells.items()}
    shown["Total"] = publish(total(cells.values()), rule).shown
    return shown


def below_floor(cell: Cell, rule: Rules | None = None) -> bool:
    """True when a population is too small to show any breakdown (judged on its perturbed size)."""
    rule = rule or rules()
    if rule.exact:  # exact figures are for checking by staff who may see individuals: nothing is held back
        return False
    return _perturbed(cell) < rule.floor


def floor_message(rule: Rules | None = None, what: str = "people in this group answered") -> str:
    rule = rule or rules()
    return f"Fewer than {rule.floor} {what}, so no breakdown is shown: it could identify people."


def percent(part: Published, whole: Published) -> int | None:
    """A whole percentage worked out from two published figures (None when either is hidden or zero)."""
    if part.value is None or not whole.value:
        return None
    return round(100 * part.value / whole.value)


def share_text(value: int | None) -> str:
    return SUPPRESSED if value is None else f"{value}%"


# --- comparing a group with its population ------------------------------------------------------


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.0f}%"


def compare(counts: dict, population: dict[str, int], unknown: Cell = EMPTY, rule: Rules | None = None) -> dict:
    """A group's published make-up against population counts, every figure from published counts.

    `counts` maps the population's categories to cells (missing ones are empty). Returns
    {status, message, known, unknown, coverage, dissimilarity, chi_square, categories}; status
    "too_small" (no category rows at all) when the perturbed number who answered is under the floor.
    """
    rule = rule or rules()
    if not isinstance(unknown, Cell):
        unknown = EMPTY
    cells = {c: counts.get(c, EMPTY) for c in population}
    known_cell = total(cells.values())
    if below_floor(known_cell, rule):
        return _too_small(rule)
    published = {c: publish(cell, rule) for c, cell in cells.items()}
    return compare_published(
        published, publish(known_cell, rule), publish(unknown, rule), publish(known_cell + unknown, rule), population
    )


def _too_small(rule: Rules) -> dict:
    return {
        "status": "too_small",
        "message": floor_message(rule),
        "known": "",
        "unknown": "",
        "coverage": "",
        "dissimilarity": "",
        "chi_square": "",
        "categories": [],
    }


def compare_published(
    published: dict[str, Published], known: Published, unknown: Published, people: Published, population: dict
) -> dict:
    """The comparison worked out from figures already published (and so safe to show)."""
    base = sum(population.values())
    shares_q = {c: (population[c] / base if base else 0.0) for c in population}
    n_known = known.value or 0
    rows = []
    for c, q in shares_q.items():
        figure = published.get(c, Published(0))
        row = {
            "category": c,
            "count": figure.shown,
            "population_share": f"{100 * q:.1f}%",
            "population_share_value": round(q, 3),
            "share": SUPPRESSED,
            "share_value": None,
            "ratio": SUPPRESSED,
            "ratio_value": None,
            "gap": SUPPRESSED,
            "gap_value": None,
            "interval": SUPPRESSED,
            "flag": "",
        }
        if not figure.hidden and n_known:
            p = min(1.0, figure.value / n_known)
            lower, upper = wilson_interval(min(figure.value, n_known), n_known)
            share = round(100 * p)
            ratio = round(p / q, 1) if q > 0 else None
            row.update(
                share=f"{share}%",
                share_value=share / 100,
                ratio="" if ratio is None else f"{ratio:.1f}",
                ratio_value=ratio,
                gap=f"{round(100 * (p - q)):+d}",
                gap_value=round(100 * (p - q)),
                interval=f"{_pct(lower)} to {_pct(upper)}",
                flag="under" if upper < q else "over" if lower > q else "",
            )
        rows.append(row)
    entry = {
        "status": "ok",
        "message": "",
        "known": known.shown,
        "unknown": unknown.shown,
        "coverage": share_text(percent(known, people)),
        "categories": rows,
    }
    entry.update(_tests(published, shares_q, n_known))
    return entry


def _tests(published: dict, shares_q: dict, n_known: int) -> dict:
    """Chi-square and the dissimilarity index on published counts; hidden cells are taken together.

    The hidden cells' count is what the published total leaves after the shown counts (never
    below zero): a figure anyone could work out from the page, so the test reveals nothing more.
    """
    published = {c: published.get(c, Published(0)) for c in shares_q}
    shown = [c for c, f in published.items() if not f.hidden]
    hidden = [c for c, f in published.items() if f.hidden]
    observed = [published[c].value for c in shown]
    expected = [shares_q[c] for c in shown]
    if hidden:
        observed.append(max(0, n_known - sum(observed)))
        expected.append(sum(shares_q[c] for c in hidden))
    total_observed = sum(observed)
    if not total_observed:
        return {"dissimilarity": "", "chi_square": "No answers to test."}
    d = 0.5 * sum(abs(o / total_observed - q) for o, q in zip(observed, expected, strict=True))
    chi = chi_square_goodness_of_fit(observed, expected)
    if not chi.tested:
        text = chi.reason
    else:
        labels = shown + (["the groups shown as *"] if hidden else [])
        merged = [" + ".join(labels[i] for i in g) for g in chi.groups if len(g) > 1]
        p = chi.p_value
        text = (
            f"χ² = {chi.statistic:.1f} on {chi.dof} degree{'s' if chi.dof != 1 else ''} of freedom, "
            + ("p < 0.001" if p < 0.001 else f"p = {p:.2f}")
            + (f" (merged: {'; '.join(merged)})" if merged else "")
        )
    return {"dissimilarity": f"{d:.2f}", "chi_square": text}


def interval_of(row: dict, known: int | str) -> tuple[float, float] | None:
    """The Wilson 95% interval of a published row's share (None where its count or total is hidden).

    Worked out from the published count and total only, as compare_published does.
    """
    count = row.get("count")
    if not isinstance(count, int) or not isinstance(known, int) or known <= 0:
        return None
    return wilson_interval(min(count, known), known)


def recruits_needed(row: dict, known: int | str, population_share: float, limit: int = 100_000) -> int | str:
    """How many more people of a group would lift its Wilson upper bound to the population share.

    Worked out from the published count and total only; hidden rows give "*".
    """
    count = row.get("count")
    if not isinstance(count, int) or not isinstance(known, int) or known <= 0:
        return SUPPRESSED
    if wilson_interval(count, known)[1] >= population_share:
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
    # Published to the same rounding as the counts it comes from.
    return max(5, int(math.ceil(high / 5) * 5))


# --- sources: who holds answers, and counting them ----------------------------------------------

_SOURCES: dict[str, Callable] = {}


def register_source(name: str, rows: Callable) -> None:
    """Register a holder of equality answers.

    `rows(selection, **options)` returns (statement, column names): a SELECT whose first column is
    the record key, the others the columns to count. Only this module runs it.
    """
    _SOURCES[name] = rows


class Tally:
    """The rows of a source for one selection, kept inside this module: only cells come out."""

    def __init__(self, keys: list[int], columns: dict[str, list]):
        self._keys = keys
        self._columns = columns

    def __len__(self) -> int:  # pragma: no cover - a guard: size is published through people()
        raise TypeError("A tally's size is published through people(), never read")

    def people(self, where: list[bool] | None = None) -> Cell:
        """The cell of every person tallied (or of those `where` is true)."""
        if where is None:
            return Cell(len(self._keys), sum(self._keys))
        keys = [k for k, w in zip(self._keys, where, strict=True) if w]
        return Cell(len(keys), sum(keys))

    def cells(self, *columns: str, where: list[bool] | None = None) -> dict:
        """{value (a tuple for several columns): Cell} over the tallied people."""
        values = (
            self._columns[columns[0]] if len(columns) == 1 else zip(*(self._columns[c] for c in columns), strict=True)
        )
        counts: dict = {}
        sums: dict = {}
        if where is None:
            for value, key in zip(values, self._keys, strict=True):
                counts[value] = counts.get(value, 0) + 1
                sums[value] = sums.get(value, 0) + key
        else:
            for value, key, w in zip(values, self._keys, where, strict=True):
                if w:
                    counts[value] = counts.get(value, 0) + 1
                    sums[value] = sums.get(value, 0) + key
        return {value: Cell(n, sums[value]) for value, n in counts.items()}

    def plain(self, column: str) -> list:
        """A column that is not special category data (a date of birth to place people in age bands)."""
        if column not in self._plain:
            raise KeyError(f"{column} is not a plain column")
        return self._columns[column]

    _plain = frozenset({"date_of_birth", "age_band"})


def tally(source: str, selection, **options) -> Tally:
    """Run a registered source over a selection of people and keep its rows for counting."""
    statement, names = _SOURCES[source](selection, **options)
    rows = db.session.connection().execute(statement).all()
    columns = list(zip(*rows, strict=True)) or [()] * len(names)
    keys = [k or 0 for k in columns[0]]
    return Tally(keys, {name: list(columns[i]) for i, name in enumerate(names) if i})


# --- windows ------------------------------------------------------------------------------------

QUARTERLY_BELOW = 500


def _period_start(day, months: int):
    return day.replace(month=(day.month - 1) // months * months + 1, day=1)


def _period_end(day, months: int):
    start = _period_start(day, months)
    month = start.month + months
    year = start.year + (month - 1) // 12
    return start.replace(year=year, month=(month - 1) % 12 + 1) - timedelta(days=1)


def snap_window(start, end, today, quarters: bool = False) -> tuple:
    """A date window widened to whole calendar months (or quarters), ending before the current one.

    Audits of windows a day apart would differ by the people of that day; whole periods
    that have ended cannot be shifted a day at a time. Raises ValueError with the reason
    when the window reaches into the month not yet over (quarters are cut back to the last
    whole one instead) or begins in it.
    """
    months = 3 if quarters else 1
    word = "quarter" if quarters else "month"
    current = _period_start(today, months)
    latest = current - timedelta(days=1)
    start = _period_start(start, months) if start else None
    end = _period_end(end, months) if end else (latest if start else None)
    if quarters and end is not None and end >= current:
        end = latest  # a small group's window is cut back to the last whole quarter
    if (start is not None and start >= current) or (end is not None and end >= current):
        raise ValueError(
            f"Choose whole {word}s that have ended: the latest end date is {latest.isoformat()}, "
            f"because figures for a {word} still going on would change day by day."
        )
    return start, end
