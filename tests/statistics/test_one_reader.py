"""Equality answers are counted in one place: the sources registered with disclosure control.

Any module may write a person's answers, show a person their own, export one record or erase
it; only a module that registers a source with app/statistics/disclosure.py may read them to
count people, and disclosure control alone runs those sources. This test reads the code of
every module under app/ and fails when another module counts people by their answers.
"""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"
EQUALITY_TABLES = {"EqualityAnswers", "ResponseEquality"}

# Modules that touch the answers without counting them, and why.
ONE_PERSON_AT_A_TIME = {
    "app/members/models.py": "declares the table",
    "app/surveys/models.py": "declares the table",
    "app/members/services.py": "records and shows (by role) one member's answers",
    "app/members/personal_data.py": "a member's own answers in 'download my data', and erasing them",
    "app/surveys/personal_data.py": "a respondent's own survey answers in 'download my data'",
    "app/surveys/equality_section.py": "the survey page's equality questions for one respondent",
    "app/surveys/responses.py": "stores and replaces one response's answers",
    "app/surveys/exports.py": "response-level export for staff allowed to see individual responses",
    "app/demo/services.py": "writes the demo members' answers",
    "app/demo/surveys.py": "writes the demo responses' answers",
}

COUNTING_CALLS = {"count", "group_by", "Counter", "value_counts", "groupby", "crosstab", "pivot_table", "sum"}


def _names(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.rsplit(".", 1)[-1])
    return found


def _counting_calls(tree: ast.AST) -> list[str]:
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = node.func
            name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if name in COUNTING_CALLS:
                calls.append(f"{name}() at line {node.lineno}")
    return calls


def _registers_a_source(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "register_source"
        for node in ast.walk(tree)
    )


def problems(relative: str, source: str) -> list[str]:
    """What is wrong with one module's use of equality answers (nothing when it keeps the rule)."""
    tree = ast.parse(source)
    if not EQUALITY_TABLES & _names(tree):
        return []
    if _registers_a_source(tree):
        return []
    if relative not in ONE_PERSON_AT_A_TIME:
        return [f"{relative} reads equality answers but is not a source registered with disclosure control"]
    return [f"{relative} counts while reading equality answers: {call}" for call in _counting_calls(tree)]


def test_only_registered_sources_read_equality_answers_to_count_people():
    found = []
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP.parent).as_posix()
        found += problems(relative, path.read_text(encoding="utf-8"))
    assert found == []


def test_the_sources_are_the_member_and_response_counts():
    sources = [
        path.relative_to(APP.parent).as_posix()
        for path in sorted(APP.rglob("*.py"))
        if _registers_a_source(ast.parse(path.read_text(encoding="utf-8")))
        and EQUALITY_TABLES & _names(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert sources == ["app/members/equality_counts.py", "app/surveys/equality_counts.py"]


def test_disclosure_control_does_not_read_the_tables_itself():
    tree = ast.parse((APP / "statistics" / "disclosure.py").read_text(encoding="utf-8"))
    assert not EQUALITY_TABLES & _names(tree)


@pytest.mark.parametrize(
    ("relative", "source"),
    [
        (
            "app/rosters/composition.py",
            "from app.members.models import EqualityAnswers\n"
            "rows = select(EqualityAnswers.sex, func.count()).group_by(EqualityAnswers.sex)\n",
        ),
        (
            "app/members/services.py",
            "from app.members.models import EqualityAnswers\n"
            "from collections import Counter\n"
            "def tally(rows):\n    return Counter(r.ethnic_group for r in rows)\n",
        ),
        (
            "app/newsletters/reports.py",
            "import app.surveys.models as m\nanswers = m.ResponseEquality\n",
        ),
    ],
)
def test_a_module_that_counts_answers_itself_is_caught(relative, source):
    assert problems(relative, source)
