"""Cross-tabulation of a choice question by a characteristic of the people who answered.

Every count shown is suppressed; within a group, the shares of a one-answer question add up
to 100%, so when any count in a group is hidden all of that group's shares are hidden too.
"""

from sqlalchemy import select

from app.errors import InvalidRequest
from app.extensions import db
from app.statistics.suppression import SUPPRESSED, is_small, share, suppress
from app.surveys import profiles
from app.surveys.analysis import questions_in_order
from app.surveys.models import Answer, Response
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


def crosstab(survey, key: str, characteristic: str) -> dict:
    """Raw counts: for each group of the characteristic, how many chose each option, and how many answered."""
    if characteristic not in profiles.CHARACTERISTICS:
        raise InvalidRequest("Choose a characteristic.", 400, {"by": "Choose a characteristic to compare by"})
    question, row = _find(survey, key)
    options = options_of(question)
    labels = {o["code"]: o["label"] for o in options}
    query = (
        select(Answer.response_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id == question.id, Response.completed_at.is_not(None))
    )
    answers = dict(db.session.execute(query).all())
    known = dict(profiles.categories(characteristic))
    groups = {label: {"n": 0, "counts": dict.fromkeys(labels.values(), 0)} for label in known.values()}
    for profile in profiles.profiles(survey.id):
        codes = [c for c in _codes(question, row, answers.get(profile["response_id"])) if c in labels]
        if not codes:
            continue
        group = profiles.group_of(profile, characteristic, known)
        cell = groups.setdefault(group, {"n": 0, "counts": dict.fromkeys(labels.values(), 0)})
        cell["n"] += 1
        for code in set(codes):
            cell["counts"][labels[code]] += 1
    if characteristic == "pcn":
        groups = dict(sorted(groups.items(), key=lambda item: (item[0] == profiles.NOT_KNOWN, item[0])))
    elif profiles.NOT_KNOWN in groups:
        groups[profiles.NOT_KNOWN] = groups.pop(profiles.NOT_KNOWN)
    label = dict(question_choices(survey)).get(key, question.text)
    return {
        "key": key,
        "question": label,
        "kind": question.kind,
        "characteristic": characteristic,
        "characteristic_label": profiles.CHARACTERISTICS[characteristic],
        "options": list(labels.values()),
        "groups": groups,
        "anonymous": survey.anonymous,
    }


def present(raw: dict) -> dict:
    """The cross-tabulation as it may be shown: counts suppressed, shares hidden where they would give one away."""
    many = raw["kind"] == "multiple"
    columns = []
    for group, cell in raw["groups"].items():
        n = cell["n"]
        any_small = any(is_small(c) for c in cell["counts"].values())
        percents = {}
        for option, count in cell["counts"].items():
            if many:
                percents[option] = share(count, n)
            else:
                percents[option] = SUPPRESSED if any_small else share(count, n)
        columns.append(
            {
                "group": group,
                "n": suppress(n),
                "counts": {o: suppress(c) for o, c in cell["counts"].items()},
                "percents": percents,
            }
        )
    return {**{k: v for k, v in raw.items() if k != "groups"}, "columns": columns}
