"""Building a survey: pages, questions, their order, and skip logic.

The rules protect what respondents have already given: a question with answers is
hidden, never deleted; an option or grid row somebody chose cannot be removed; the type
of an answered question cannot change. Skip logic always looks back: a condition names
a question that comes before it, so nothing may be moved, hidden or deleted in a way
that would leave a condition pointing forward or at nothing. Each operation is one
transaction: it is checked after the change is made in the session and rolled back
whole if the result breaks a rule.
"""

from types import SimpleNamespace

from sqlalchemy import func

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.surveys.definitions import DefinitionError, check_definition
from app.surveys.models import Answer, Question, Survey, SurveyPage
from app.surveys.questions import AnswerError, check_condition, option_label
from app.transactions import transactional

PAGE_TITLE_MAX = 200


# ----- reading -------------------------------------------------------------


def pages_of(survey: Survey) -> list[SurveyPage]:
    """The survey's pages in order."""
    return list(
        db.session.scalars(
            db.select(SurveyPage).where(SurveyPage.survey_id == survey.id).order_by(SurveyPage.position, SurveyPage.id)
        )
    )


def questions_of(survey: Survey) -> list[Question]:
    """Every question of the survey in the order respondents meet them (hidden ones included)."""
    return list(
        db.session.scalars(
            db.select(Question)
            .join(SurveyPage, Question.page_id == SurveyPage.id)
            .where(Question.survey_id == survey.id)
            .order_by(SurveyPage.position, SurveyPage.id, Question.position, Question.id)
        )
    )


def layout(survey: Survey) -> list[tuple[SurveyPage, list[Question]]]:
    """Pages in order, each with its questions in order."""
    questions = questions_of(survey)
    return [(page, [q for q in questions if q.page_id == page.id]) for page in pages_of(survey)]


def answer_counts(survey: Survey) -> dict[int, int]:
    """Answers given so far, per question id."""
    return dict(
        db.session.execute(
            db.select(Answer.question_id, func.count())
            .join(Question, Answer.question_id == Question.id)
            .where(Question.survey_id == survey.id)
            .group_by(Answer.question_id)
        ).all()
    )


def is_answered(question: Question) -> bool:
    """Whether anyone has answered this question."""
    return db.session.scalar(db.select(Answer.id).where(Answer.question_id == question.id).limit(1)) is not None


def used_codes(question: Question) -> tuple[dict[str, int], dict[str, int]]:
    """How many answers chose each option code, and each grid row code."""
    options: dict[str, int] = {}
    rows: dict[str, int] = {}
    for value in db.session.scalars(db.select(Answer.value).where(Answer.question_id == question.id)):
        if isinstance(value, dict):
            for row, code in value.items():
                rows[row] = rows.get(row, 0) + 1
                options[str(code)] = options.get(str(code), 0) + 1
        elif isinstance(value, list):
            for code in value:
                options[str(code)] = options.get(str(code), 0) + 1
        elif value is not None:
            options[str(value)] = options.get(str(value), 0) + 1
    return options, rows


def earlier_questions(question: Question) -> list[Question]:
    """Questions before this one that its skip logic may depend on (hidden ones left out)."""
    found = []
    for q in questions_of(db.session.get(Survey, question.survey_id)):
        if q.id == question.id:
            break
        if not q.hidden:
            found.append(q)
    return found


def questions_before_page(page: SurveyPage) -> list[Question]:
    """Questions on earlier pages, which a page's skip logic may depend on (hidden ones left out)."""
    return [
        q
        for p, questions in layout(db.session.get(Survey, page.survey_id))
        if p.position < page.position
        for q in questions
        if not q.hidden
    ]


def dependants(question: Question) -> list[Question | SurveyPage]:
    """Questions and pages whose skip logic looks at this question's answer."""
    survey = db.session.get(Survey, question.survey_id)
    found: list = [p for p in pages_of(survey) if (p.show_if or {}).get("question_id") == question.id]
    found += [q for q in questions_of(survey) if (q.show_if or {}).get("question_id") == question.id]
    return found


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def name_of(thing) -> str:
    """How a message names a question or a page."""
    if isinstance(thing, SurveyPage):
        return f"the page “{thing.title}”" if thing.title else f"page {thing.position}"
    return f"“{thing.text}”"


# ----- checks --------------------------------------------------------------


def _fail(message: str, field: str, status: int = 409):
    raise InvalidRequest(message, status, {field: message})


def _renumber(survey: Survey) -> None:
    """Positions 1..n for pages, and for questions within each page, in their current order."""
    db.session.flush()
    for p_index, (page, questions) in enumerate(layout(survey), start=1):
        page.position = p_index
        for q_index, question in enumerate(questions, start=1):
            question.position = q_index
    db.session.flush()


def _check_order(survey: Survey, field: str) -> None:
    """Every condition still looks back at a question that comes before it (on an earlier page, for a page)."""
    before: dict[int, Question] = {}
    everything = {q.id: q for q in questions_of(survey)}
    for page, questions in layout(survey):
        source_id = (page.show_if or {}).get("question_id")
        if source_id and source_id not in before:
            source = everything.get(source_id)
            _fail(
                f"{_first_upper(name_of(page))} is shown depending on the answer to “{source.text if source else '?'}”, "
                "so that question must stay on an earlier page.",
                field,
            )
        for question in questions:
            source_id = (question.show_if or {}).get("question_id")
            if source_id and source_id not in before:
                source = everything.get(source_id)
                _fail(
                    f"“{question.text}” is shown depending on the answer to “{source.text if source else '?'}”, "
                    "so it must come after that question.",
                    field,
                )
            before[question.id] = question


def _touch(survey_id: int, detail: str) -> None:
    survey = db.session.get(Survey, survey_id)
    survey.updated_at = now()
    audit.record("change", "survey", survey_id, detail)


# ----- pages ---------------------------------------------------------------


def _page_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) > PAGE_TITLE_MAX:
        _fail(f"The page title must be {PAGE_TITLE_MAX} characters or fewer", "title", 400)
    return title


@transactional
def add_page(survey: Survey, title: str = "") -> SurveyPage:
    """A new page at the end of the survey."""
    title = _page_title(title)
    last = db.session.scalar(db.select(func.max(SurveyPage.position)).where(SurveyPage.survey_id == survey.id)) or 0
    page = SurveyPage(survey_id=survey.id, position=last + 1, title=title)
    db.session.add(page)
    db.session.flush()
    _touch(survey.id, f"page {page.id} added")
    return page


@transactional
def rename_page(page: SurveyPage, title: str) -> SurveyPage:
    """Change a page's title (it may be blank: respondents then see no page heading)."""
    page.title = _page_title(title)
    _touch(page.survey_id, f"page {page.id} renamed")
    return page


@transactional
def move_page(page: SurveyPage, direction: str) -> None:
    """Swap a page with its neighbour, unless skip logic would then look forward."""
    survey = db.session.get(Survey, page.survey_id)
    pages = pages_of(survey)
    index = pages.index(page)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(pages):
        _fail("This page cannot move that way.", f"page-{page.id}")
    page.position, pages[other].position = pages[other].position, page.position
    db.session.flush()
    _check_order(survey, f"page-{page.id}")
    _renumber(survey)
    _touch(survey.id, f"page {page.id} moved {direction}")


@transactional
def delete_page(page: SurveyPage) -> None:
    """Delete a page and its questions, when none has answers and no skip logic depends on them."""
    survey = db.session.get(Survey, page.survey_id)
    field = f"page-{page.id}"
    if len(pages_of(survey)) == 1:
        _fail("A survey needs at least one page.", field)
    questions = [q for p, qs in layout(survey) if p.id == page.id for q in qs]
    if any(is_answered(q) for q in questions):
        _fail("This page has questions with answers, so it cannot be deleted. Hide those questions instead.", field)
    ids = {q.id for q in questions}
    for question in questions:
        outside = [d for d in dependants(question) if not (isinstance(d, Question) and d.id in ids) and d is not page]
        if outside:
            _fail(
                f"{_first_upper(name_of(outside[0]))} is shown depending on the answer to “{question.text}” on this page. "
                "Change that skip logic first.",
                field,
            )
    for question in questions:
        db.session.delete(question)
    db.session.delete(page)
    _renumber(survey)
    _touch(survey.id, f"page {page.id} deleted")


@transactional
def set_page_condition(page: SurveyPage, condition: dict | None) -> SurveyPage:
    """Show a page only when an answer on an earlier page says so (empty: always shown)."""
    try:
        page.show_if = check_condition(condition, questions_before_page(page))
    except AnswerError as error:
        _fail(str(error), "question_id", 400)
    _touch(page.survey_id, f"page {page.id} skip logic")
    return page


# ----- questions -----------------------------------------------------------


def _definition(data: dict, existing=None) -> dict:
    try:
        return check_definition(data, existing)
    except DefinitionError as error:
        raise InvalidRequest("There is a problem with the question.", 400, error.errors)


@transactional
def add_question(page: SurveyPage, data: dict) -> Question:
    """A new question at the end of a page, of any kind, its definition checked whole."""
    clean = _definition(data)
    return append_question(page, clean, "added")


def append_question(page: SurveyPage, clean: dict, how: str) -> Question:
    """Within the caller's transaction: a question with checked fields at the end of a page."""
    last = db.session.scalar(db.select(func.max(Question.position)).where(Question.page_id == page.id)) or 0
    question = Question(survey_id=page.survey_id, page_id=page.id, position=last + 1, **clean)
    db.session.add(question)
    db.session.flush()
    _touch(page.survey_id, f"question {question.id} {how}")
    return question


def _check_kept(question: Question, clean: dict) -> None:
    """Answers and skip logic keep meaning the same thing after an edit."""
    errors = {}
    if clean["kind"] != question.kind and is_answered(question):
        errors["kind"] = "The type cannot change: this question already has answers"
    chosen_options, chosen_rows = used_codes(question)
    if clean["kind"] == question.kind:
        kept = {o["code"] for o in clean["options"]}
        gone = [option_label(question, c) for c in chosen_options if c not in kept]
        if gone:
            errors["options"] = (
                f"{' and '.join(gone)} {'has' if len(gone) == 1 else 'have'} been chosen in answers, so "
                f"{'it' if len(gone) == 1 else 'they'} cannot be removed. You can change the wording in the same place"
            )
        kept_rows = {r["code"] for r in clean["rows"]}
        labels = {r["code"]: r["label"] for r in question.rows or []}
        gone_rows = [labels.get(c, c) for c in chosen_rows if c not in kept_rows]
        if gone_rows:
            errors["rows"] = (
                f"{' and '.join(gone_rows)} already {'has' if len(gone_rows) == 1 else 'have'} answers, so cannot be removed"
            )
    proposed = SimpleNamespace(id=question.id, **clean)
    for thing in dependants(question):
        try:
            check_condition(thing.show_if, [proposed])
        except AnswerError:
            errors.setdefault(
                "options",
                f"{_first_upper(name_of(thing))} is shown depending on this question's answer. "
                "Keep the answers it looks for, or change its skip logic first",
            )
    if errors:
        raise InvalidRequest("This change would lose answers or break skip logic.", 409, errors)


@transactional
def edit_question(question: Question, data: dict) -> Question:
    """Change a question; answered options stay, an answered question keeps its type, skip logic stays valid."""
    clean = _definition(data, question)
    _check_kept(question, clean)
    for name, value in clean.items():
        setattr(question, name, value)
    _touch(question.survey_id, f"question {question.id} changed")
    return question


@transactional
def move_question(question: Question, direction: str) -> None:
    """Move a question one place up or down; past the end of a page it goes onto the next (or previous) page."""
    survey = db.session.get(Survey, question.survey_id)
    field = f"question-{question.id}"
    pages = layout(survey)
    page_index = next(i for i, (p, _) in enumerate(pages) if p.id == question.page_id)
    siblings = pages[page_index][1]
    index = siblings.index(question)
    if direction == "up" and index > 0:
        other = siblings[index - 1]
        question.position, other.position = other.position, question.position
    elif direction == "down" and index < len(siblings) - 1:
        other = siblings[index + 1]
        question.position, other.position = other.position, question.position
    elif direction == "up" and page_index > 0:
        target, questions = pages[page_index - 1]
        question.page_id = target.id
        question.position = max([q.position for q in questions], default=0) + 1
    elif direction == "down" and page_index < len(pages) - 1:
        target, questions = pages[page_index + 1]
        question.page_id = target.id
        question.position = min([q.position for q in questions], default=1) - 1
    else:
        _fail("This question cannot move that way.", field)
    db.session.flush()
    _check_order(survey, field)
    _renumber(survey)
    _touch(survey.id, f"question {question.id} moved {direction}")


@transactional
def set_question_condition(question: Question, condition: dict | None) -> Question:
    """Show a question only when an earlier answer says so (empty: always shown)."""
    try:
        question.show_if = check_condition(condition, earlier_questions(question))
    except AnswerError as error:
        _fail(str(error), "question_id", 400)
    _touch(question.survey_id, f"question {question.id} skip logic")
    return question


@transactional
def set_hidden(question: Question, hidden: bool) -> Question:
    """Hide a question from new respondents (its answers are kept), or show it again."""
    if hidden:
        depending = dependants(question)
        if depending:
            _fail(
                f"{_first_upper(name_of(depending[0]))} is shown depending on this question's answer, "
                "so hiding it would hide that too. Change that skip logic first.",
                f"question-{question.id}",
            )
    question.hidden = hidden
    _touch(question.survey_id, f"question {question.id} {'hidden' if hidden else 'shown'}")
    return question


@transactional
def delete_question(question: Question) -> None:
    """Delete a question nobody has answered and no skip logic depends on."""
    field = f"question-{question.id}"
    if is_answered(question):
        _fail(
            "This question has answers, so it cannot be deleted. Hide it instead: "
            "new respondents will not see it and the answers are kept.",
            field,
        )
    depending = dependants(question)
    if depending:
        _fail(
            f"{_first_upper(name_of(depending[0]))} is shown depending on this question's answer. "
            "Change that skip logic first.",
            field,
        )
    survey = db.session.get(Survey, question.survey_id)
    survey_id, question_id = question.survey_id, question.id
    db.session.delete(question)
    _renumber(survey)
    _touch(survey_id, f"question {question_id} deleted")
