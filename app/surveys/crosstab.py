"""Cross-tabulation of a choice question by a characteristic of the people who answered.

The respondents are counted by disclosure control (app/statistics/disclosure.py) from the
"response" source: each cell (a group and an answer) and each group's number who answered
is a protected count, perturbed by its cell key, then shown as * below SUPPRESS_BELOW or
rounded to ROUND_TO. Percentages are whole numbers worked out from those published counts,
and a hidden count has none. A group whose (perturbed) number who answered is under
DISCLOSURE_FLOOR shows no breakdown at all, and no number. The page, its CSV and XLSX and
the API all show `present`'s figures.
"""

import csv
import io
import json

from app.errors import InvalidRequest
from app.spreadsheets import escape_cell
from app.statistics import disclosure
from app.surveys import profiles
from app.surveys.analysis import questions_in_order
from app.surveys.questions import options_of

CROSSTAB_KINDS = {"single", "likert", "yes_no", "rating", "multiple", "ranking", "matrix"}


def question_choices(survey) -> list[tuple[str, str]]:
    """(key, label) for each choice question (and each row of a grid) that can be cross-tabulated."""
    choices = []
    for number, question in enumerate(questions_in_order(survey), start=1):
        if question.kind not in CROSSTAB_KINDS:
            continue
        if question.kind == "matrix":
            for row in question.rows or []:
                choices.append((f"{question.id}:{row['code']}", f"Q{number}. {question.text}: {row['label']}"))
        elif question.kind == "ranking":
            choices.append((str(question.id), f"Q{number}. {question.text} (first choice)"))
        else:
            choices.append((str(question.id), f"Q{number}. {question.text}"))
    return choices


def _find(survey, key: str):
    question_id, _, row = (key or "").partition(":")
    question = None
    if question_id.isdecimal() and len(question_id) < 10:
        question = next((q for q in questions_in_order(survey) if q.id == int(question_id)), None)
    if question is None or question.kind not in CROSSTAB_KINDS:
        raise InvalidRequest("Choose a question to cross-tabulate.", 400, {"question": "Choose a choice question"})
    if question.kind == "matrix" and row not in {r["code"] for r in question.rows or []}:
        raise InvalidRequest("Choose a row of the grid question.", 400, {"question": "Choose a row of the grid"})
    return question, row


def _codes(question, row, value) -> list:
    if question.kind == "multiple":
        return list(value) if isinstance(value, list) else []
    if question.kind == "ranking":
        return [value[0]] if isinstance(value, list) and value else []
    if question.kind == "matrix":
        return [value.get(row)] if isinstance(value, dict) and value.get(row) else []
    return [value] if isinstance(value, str) else []


def _decoded(text):
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def crosstab(survey, key: str, characteristic: str) -> dict:
    """Protected cells: for each group of the characteristic, a cell per option and one of everyone who answered.

    {"groups": {group label: {"n": Cell, "counts": {option label: Cell}}}, ...}; cells cannot be
    read, only published by `present`.
    """
    if characteristic not in profiles.CHARACTERISTICS:
        raise InvalidRequest("Choose a characteristic.", 400, {"by": "Choose a characteristic to compare by"})
    question, row = _find(survey, key)
    labels = {o["code"]: o["label"] for o in options_of(question)}
    known = dict(profiles.categories(characteristic))

    def empty():
        return {"n": disclosure.EMPTY, "counts": dict.fromkeys(labels.values(), disclosure.EMPTY)}

    groups = {label: empty() for label in known.values()}
    tally = disclosure.tally("response", survey.id, question_id=question.id)
    for values, cell in tally.cells(*profiles.columns_of(characteristic), "answer").items():
        *placed, answer = values
        codes = {c for c in _codes(question, row, _decoded(answer)) if c in labels}
        if not codes:
            continue
        group = groups.setdefault(profiles.group_of(characteristic, tuple(placed), known), empty())
        group["n"] += cell
        for code in codes:
            group["counts"][labels[code]] += cell
    if characteristic == "pcn":
        groups = dict(sorted(groups.items(), key=lambda item: (item[0] == profiles.NOT_KNOWN, item[0])))
    elif profiles.NOT_KNOWN in groups:
        groups[profiles.NOT_KNOWN] = groups.pop(profiles.NOT_KNOWN)
    return {
        "key": key,
        "question": dict(question_choices(survey)).get(key, question.text),
        "kind": question.kind,
        "characteristic": characteristic,
        "characteristic_label": profiles.CHARACTERISTICS[characteristic],
        "options": list(labels.values()),
        "groups": groups,
        "anonymous": survey.anonymous,
    }


def present(raw: dict, rule: disclosure.Rules | None = None) -> dict:
    """The cross-tabulation as it may be shown, exported or served: every figure published by disclosure control.

    Each column is {group, shown, n, counts, percents, message}: `shown` False (and no
    figures, only the message) where fewer than the floor answered.
    """
    rule = rule or disclosure.rules()
    columns = []
    for group, cells in raw["groups"].items():
        if disclosure.below_floor(cells["n"], rule):
            columns.append(
                {
                    "group": group,
                    "shown": False,
                    "n": "",
                    "counts": dict.fromkeys(cells["counts"], ""),
                    "percents": dict.fromkeys(cells["counts"]),
                    "message": disclosure.floor_message(rule, "people in this group answered the question"),
                }
            )
            continue
        n = disclosure.publish(cells["n"], rule)
        counts = {option: disclosure.publish(cell, rule) for option, cell in cells["counts"].items()}
        columns.append(
            {
                "group": group,
                "shown": True,
                "n": n.shown,
                "counts": {option: figure.shown for option, figure in counts.items()},
                # Whole percentages of the published figures: a hidden count has none.
                "percents": {option: disclosure.percent(figure, n) for option, figure in counts.items()},
                "message": "",
            }
        )
    return {
        **{k: v for k, v in raw.items() if k != "groups"},
        "columns": columns,
        "shown_columns": [c for c in columns if c["shown"]],
        "held_back": [c["group"] for c in columns if not c["shown"]],
        "floor": rule.floor,
        "floor_message": disclosure.floor_message(rule, "people in each of these groups answered the question"),
        "protected": not rule.exact,
    }


EXPORT_COLUMNS = ["Group", "Answer", "People", "Percent of the group who answered", "Note"]
EVERYONE = "Everyone in the group who answered"


def export_rows(shown: dict) -> list[list]:
    """One row per group and answer (and one per group for everyone who answered), as on the page."""
    rows = []
    for column in shown["columns"]:
        if not column["shown"]:
            rows.append([column["group"], "", "", "", column["message"]])
            continue
        for option in shown["options"]:
            percent = column["percents"][option]
            count = column["counts"][option]
            rows.append([column["group"], option, count, "" if percent is None else f"{percent}%", ""])
        rows.append([column["group"], EVERYONE, column["n"], "", ""])
    return rows


def method_note(rule: disclosure.Rules | None = None) -> str:
    """How the figures are protected, for the foot of the page and of each download."""
    rule = rule or disclosure.rules()
    return (
        "Figures are protected so that nobody can be picked out: each count has a little consistent noise added "
        f"(the method the ONS used for Census 2021), counts under {rule.suppress_below} are shown as * and the "
        f"rest are rounded to the nearest {rule.round_to}. Percentages are whole numbers worked out from these "
        "protected counts, so they need not add up to 100, and a hidden count has none. Groups where fewer than "
        f"{rule.floor} people answered show no breakdown."
    )


def _title(shown: dict) -> str:
    return f"{shown['question']}, by {shown['characteristic_label'].lower()}"


def export_csv(shown: dict) -> bytes:
    """The cross-tabulation as CSV: the page's figures, with how they are protected at the foot."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_cell(_title(shown))])
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(shown):
        writer.writerow([escape_cell(v) for v in row])
    writer.writerow([])
    writer.writerow([method_note()])
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(shown: dict) -> bytes:
    """The cross-tabulation as an Excel workbook, laid out like the CSV."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Cross-tabulation")
    sheet.append([escape_cell(_title(shown))])
    sheet.append(EXPORT_COLUMNS)
    for row in export_rows(shown):
        sheet.append([escape_cell(v) for v in row])
    sheet.append([])
    sheet.append([method_note()])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
