"""Charts of the board paper as server-side SVG: no script, no inline style, a title and description.

Each chart is an image (role="img") named by its <title> and described by its <desc>; the
table beside it carries every figure. Shares and intervals come from published rows only.
"""

import math

from markupsafe import Markup

from app.statistics import disclosure

WIDTH = 640
LEFT = 8
RIGHT = 48
ROW = 32
TREND_ROW = 22
# The trend chart names each group on the left and plots from here.
TREND_LEFT = 300
LABEL_LONGEST = 50
TOP = 40
BLUE, RED, GREY, DARK, PALE = "#005eb8", "#d5281b", "#768692", "#212b32", "#f0f4f5"


def _scale_top(values) -> float:
    """The right end of the axis: the next 10% above every value shown (at least 10%, at most 100%)."""
    highest = max([v for v in values if v is not None] or [0.0])
    return min(1.0, max(0.1, math.ceil(highest * 10 + 1e-9) / 10))


def _x(value: float, top: float, left: int = LEFT) -> float:
    return round(left + (WIDTH - left - RIGHT) * min(value, top) / top, 1)


def _text(x, y, words, size=12, anchor="start", weight="normal", fill=DARK) -> Markup:
    return Markup('<text x="{}" y="{}" font-size="{}" text-anchor="{}" font-weight="{}" fill="{}">{}</text>').format(
        x, y, size, anchor, weight, fill, words
    )


def _rect(x, y, width, height, fill) -> Markup:
    return Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>').format(x, y, width, height, fill)


def _line(x1, y1, x2, y2, stroke, width=2) -> Markup:
    return Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"/>').format(
        x1, y1, x2, y2, stroke, width
    )


def _dot(x, y, fill) -> Markup:
    return Markup('<circle cx="{}" cy="{}" r="5" fill="{}"/>').format(x, y, fill)


def _axis(top: float, y0: int, y1: int, left: int = LEFT) -> list[Markup]:
    step = 0.1 if top <= 0.5 else 0.2
    parts = []
    ticks = int(round(top / step))
    for i in range(ticks + 1):
        x = _x(i * step, top, left)
        # Pale enough that the group names written across them stay easy to read.
        parts.append(_line(x, y0, x, y1, "#e8edee", 1))
        parts.append(_text(x, y1 + 14, f"{round(100 * i * step)}%", 10, "middle"))
    return parts


def _frame(chart_id: str, title: str, description: str, height: int, body: list[Markup]) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="involve-svg" role="img" aria-labelledby="{0}-title {0}-desc" '
        'viewBox="0 0 {1} {2}" width="{1}" height="{2}" font-family="Liberation Sans, Arial, sans-serif">'
        '<title id="{0}-title">{3}</title><desc id="{0}-desc">{4}</desc>'
        '<rect x="0" y="0" width="{1}" height="{2}" fill="#ffffff"/>{5}</svg>'
    ).format(chart_id, WIDTH, height, title, description, Markup("").join(body))


def _legend(y: int, items) -> list[Markup]:
    parts, x = [], LEFT
    for colour, words, kind in items:
        if kind == "bar":
            parts.append(_rect(x, y - 9, 12, 10, colour))
        elif kind == "tick":
            parts.append(_rect(x + 4, y - 11, 3, 14, colour))
        else:
            parts.append(_line(x, y - 4, x + 12, y - 4, colour))
        parts.append(_text(x + 17, y, words, 11))
        x += 25 + 6 * len(words)
    return parts


def share_chart(entry: dict) -> Markup | None:
    """Members' share of each group against the population share, with the audit's 95% interval."""
    rows = entry.get("categories") or []
    if entry.get("status") != "ok" or not rows:
        return None
    known = entry.get("known")
    drawn = [(row, disclosure.interval_of(row, known)) for row in rows]
    top = _scale_top(
        [row.get("share_value") for row, _ in drawn]
        + [row.get("population_share_value") for row, _ in drawn]
        + [interval[1] for _, interval in drawn if interval]
    )
    height = TOP + ROW * len(rows) + 24
    body = _legend(
        16,
        [
            (BLUE, "Members' share", "bar"),
            (RED, "Under-represented", "bar"),
            (DARK, "Population share", "tick"),
            (GREY, "95% interval", "line"),
        ],
    )
    body += _axis(top, TOP - 6, TOP + ROW * len(rows))
    under = []
    for i, (row, interval) in enumerate(drawn):
        y = TOP + ROW * i
        name = row["category"]
        share = row.get("share_value")
        words = f"{name}: members {row['share']}, population {row['population_share']}"
        body.append(_text(LEFT, y + 10, words, 11))
        bar_y = y + 14
        if share is not None:
            colour = RED if row.get("flag") == "under" else BLUE
            # An under-represented group with no members still shows a sliver of red.
            width = max(2.0 if colour == RED else 0.0, _x(share, top) - LEFT)
            body.append(_rect(LEFT, bar_y, width, 12, colour))
        else:
            body.append(_text(LEFT + 2, bar_y + 10, "share hidden (*): too few people to show", 10, fill=GREY))
        if interval:
            x1, x2 = _x(interval[0], top), _x(interval[1], top)
            body += [
                _line(x1, bar_y + 6, x2, bar_y + 6, GREY),
                _line(x1, bar_y + 1, x1, bar_y + 11, GREY),
                _line(x2, bar_y + 1, x2, bar_y + 11, GREY),
            ]
        px = _x(row.get("population_share_value") or 0.0, top)
        body.append(_rect(px - 1.5, bar_y - 2, 3, 16, DARK))
        if row.get("flag") == "under":
            under.append(name)
    description = (
        "For each group, the share of members who answered (a bar) against its share of the population "
        "(a dark mark), with the 95% interval around the members' share. "
        + (f"Under-represented: {'; '.join(under)}." if under else "No group is clearly under-represented.")
        + " The table below gives every figure."
    )
    return _frame(f"chart-{entry['key']}", f"{entry['label']}: members against population", description, height, body)


def trend_chart(key: str, label: str, dates: list[str], groups: dict[str, list]) -> Markup | None:
    """Each group's share at each saved audit, as dots joined by a line (oldest pale, this year's dark)."""
    if len(dates) < 2 or not groups:
        return None
    values = [v for series in groups.values() for v in series]
    top = _scale_top(values)
    height = TOP + TREND_ROW * len(groups) + 24
    shades = [GREY] * (len(dates) - 1) + [BLUE]
    body = _legend(16, [(GREY, f"Earlier audits ({', '.join(dates[:-1])})", "bar"), (BLUE, f"{dates[-1]}", "bar")])
    body += _axis(top, TOP - 6, TOP + TREND_ROW * len(groups), TREND_LEFT)
    for i, (name, series) in enumerate(groups.items()):
        y = TOP + TREND_ROW * i + TREND_ROW // 2
        short = name if len(name) <= LABEL_LONGEST else name[: LABEL_LONGEST - 1].rstrip() + "…"
        body.append(_text(LEFT, y + 4, short, 11))
        points = [(_x(v, top, TREND_LEFT), shades[j]) for j, v in enumerate(series) if v is not None]
        if len(points) > 1:
            xs = [x for x, _ in points]
            body.append(_line(min(xs), y, max(xs), y, GREY))
        for x, colour in points:
            body.append(_dot(x, y, colour))
    description = (
        f"The share of members who answered in each group of {label.lower()} at each saved audit, "
        f"from {dates[0]} to {dates[-1]}. The table above gives every figure."
    )
    return _frame(f"trend-{key}", f"{label}: change across saved audits", description, height, body)
