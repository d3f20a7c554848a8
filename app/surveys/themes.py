"""Free-text answers: reading them with search and paging, and coding them with themes.

A theme belongs to one free-text question (its coding frame); staff tag answers with
themes and the results page counts them (suppressed like every other count).
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.audit import services as audit_log
from app.errors import InvalidRequest
from app.extensions import db
from app.statistics.suppression import suppress
from app.surveys.analysis import questions_in_order
from app.surveys.models import Answer, AnswerTheme, Response, Theme
from app.surveys.numbering import response_numbers
from app.surveys.questions import TEXT_KINDS
from app.transactions import transactional

PER_PAGE = 25
THEME_NAME_MAX = 100
# More than a page of answers at once is a mistake in the form, not a choice.
BULK_MAX = 500


@dataclass
class TextPage:
    items: list = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def text_questions(survey) -> list:
    """The survey's free-text questions, in order."""
    return [q for q in questions_in_order(survey) if q.kind in TEXT_KINDS]


def text_question(survey, question_id) -> object:
    """The survey's free-text question with this id, or a clear error."""
    for question in text_questions(survey):
        if str(question.id) == str(question_id):
            return question
    raise InvalidRequest("Choose a free-text question of this survey.", 404, {"question": "Choose a question"})


def text_answers(question, search: str = "", page: int = 1, theme_id: int | None = None) -> TextPage:
    """One page of a question's free-text answers from complete responses, oldest first, filtered by words or theme."""
    query = (
        select(Answer.id, Answer.value, Answer.response_id, Response.channel, Response.completed_at)
        .join(Response, Response.id == Answer.response_id)
        .where(Answer.question_id == question.id, Response.completed_at.is_not(None))
        .order_by(Response.completed_at, Answer.id)
    )
    if theme_id:
        query = query.where(Answer.id.in_(select(AnswerTheme.answer_id).where(AnswerTheme.theme_id == theme_id)))
    words = (search or "").casefold().split()
    rows = [
        r for r in db.session.execute(query) if isinstance(r.value, str) and all(w in r.value.casefold() for w in words)
    ]
    page = max(1, page)
    result = TextPage(total=len(rows), page=page)
    if page > result.pages:
        result.page = page = result.pages
    chosen = rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    tags: dict[int, set[int]] = {}
    if chosen:
        pairs = db.session.execute(
            select(AnswerTheme.answer_id, AnswerTheme.theme_id).where(AnswerTheme.answer_id.in_([r.id for r in chosen]))
        )
        for answer_id, tagged in pairs:
            tags.setdefault(answer_id, set()).add(tagged)
    numbers = response_numbers(question.survey_id, [r.response_id for r in chosen])
    result.items = [
        {
            "answer_id": r.id,
            "number": numbers.get(r.response_id),
            "text": r.value,
            "channel": r.channel,
            "completed_on": r.completed_at.date().isoformat(),
            "themes": tags.get(r.id, set()),
        }
        for r in chosen
    ]
    return result


def record_reading(survey, question) -> None:
    """Note in the audit log that someone read a question's individual answers (ids only)."""
    audit_log.record("view", "survey", survey.id, f"free-text answers to question {question.id}")
    db.session.commit()


def themes(question_id: int) -> list[dict]:
    """The coding frame of a question: each theme with how many complete answers carry it (count raw, shown suppressed)."""
    counted = (
        select(Theme.id, Theme.name, func.count(Response.id))
        .outerjoin(AnswerTheme, AnswerTheme.theme_id == Theme.id)
        .outerjoin(Answer, Answer.id == AnswerTheme.answer_id)
        .outerjoin(Response, (Response.id == Answer.response_id) & Response.completed_at.is_not(None))
        .where(Theme.question_id == question_id)
        .group_by(Theme.id, Theme.name)
        .order_by(Theme.name)
    )
    return [{"id": i, "name": name, "count": n, "shown": suppress(n)} for i, name, n in db.session.execute(counted)]


def theme_counts(survey) -> dict[int, list[dict]]:
    """{question_id: themes} for every free-text question of a survey that has a coding frame."""
    found = {}
    for question in text_questions(survey):
        listed = themes(question.id)
        if listed:
            found[question.id] = listed
    return found


def _clean_name(name: str, question_id: int, theme_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise InvalidRequest("Enter a name for the theme.", 400, {"name": "Enter a name for the theme"})
    if len(name) > THEME_NAME_MAX:
        raise InvalidRequest(
            "The theme name is too long.", 400, {"name": f"Theme name must be {THEME_NAME_MAX} characters or fewer"}
        )
    clash = db.session.scalar(
        select(Theme.id).where(Theme.question_id == question_id, func.lower(Theme.name) == name.lower())
    )
    if clash and clash != theme_id:
        raise InvalidRequest("There is already a theme with that name.", 400, {"name": "Choose a different name"})
    return name


def get_theme(survey, theme_id: int) -> Theme:
    """A theme of one of this survey's questions, or a 404."""
    theme = db.session.get(Theme, theme_id)
    if theme is None or theme.question_id not in {q.id for q in text_questions(survey)}:
        raise InvalidRequest("There is no such theme in this survey.", 404)
    return theme


@transactional
def create_theme(survey, question_id, name: str) -> Theme:
    """A new theme in the coding frame of one of the survey's free-text questions, with a unique name."""
    question = text_question(survey, question_id)
    theme = Theme(question_id=question.id, name=_clean_name(name, question.id))
    db.session.add(theme)
    db.session.flush()
    audit_log.record("create", "survey_theme", theme.id, f"survey {survey.id}")
    return theme


@transactional
def rename_theme(survey, theme_id: int, name: str) -> Theme:
    """The theme renamed; names stay unique within the question."""
    theme = get_theme(survey, theme_id)
    theme.name = _clean_name(name, theme.question_id, theme.id)
    audit_log.record("change", "survey_theme", theme.id, "renamed")
    return theme


@transactional
def delete_theme(survey, theme_id: int) -> None:
    """The theme and its tags are gone; the answers themselves are untouched."""
    theme = get_theme(survey, theme_id)
    db.session.execute(AnswerTheme.__table__.delete().where(AnswerTheme.theme_id == theme.id))
    db.session.delete(theme)
    audit_log.record("erase", "survey_theme", theme_id, f"survey {survey.id}")


def _answer_of(theme: Theme, answer_id) -> int:
    try:
        answer_id = int(answer_id)
        if not 0 < answer_id < 2**31:
            raise ValueError(answer_id)
    except (TypeError, ValueError) as error:
        raise InvalidRequest("Choose an answer to tag.", 400, {"answer_id": "Choose an answer"}) from error
    found = db.session.scalar(select(Answer.id).where(Answer.id == answer_id, Answer.question_id == theme.question_id))
    if found is None:
        raise InvalidRequest(
            "That answer is not one of this question's answers.", 400, {"answer_id": "Choose an answer"}
        )
    return found


def tagged_count(theme: Theme) -> int:
    """How many answers carry the theme (the tags deleting it would remove)."""
    return db.session.scalar(select(func.count()).select_from(AnswerTheme).where(AnswerTheme.theme_id == theme.id))


@transactional
def set_tag(survey, theme_id: int, answer_id, tagged: bool) -> None:
    """The answer carries the theme (tagged) or not; tagging twice changes nothing."""
    theme = get_theme(survey, theme_id)
    _set_tags(survey, theme, [_answer_of(theme, answer_id)], tagged)


@transactional
def set_tags(survey, theme_id, answer_ids: list, tagged: bool) -> int:
    """Every chosen answer carries the theme (tagged) or none does; all or nothing.

    Returns how many answers changed. Any answer that is not one of the theme's question's
    answers refuses the whole request, so nothing is half-tagged.
    """
    try:
        theme_id = int(theme_id)
        if not 0 < theme_id < 2**31:
            raise ValueError(theme_id)
        theme = get_theme(survey, theme_id)
    except (TypeError, ValueError, InvalidRequest) as error:
        raise InvalidRequest("Choose a theme.", 400, {"theme_id": "Choose a theme"}) from error
    if not answer_ids:
        raise InvalidRequest("Select at least one answer.", 400, {"answer_id": "Select at least one answer"})
    if len(answer_ids) > BULK_MAX:
        raise InvalidRequest(
            f"Select at most {BULK_MAX} answers.", 400, {"answer_id": f"Select at most {BULK_MAX} answers"}
        )
    chosen = sorted({_answer_of(theme, answer_id) for answer_id in answer_ids})
    return _set_tags(survey, theme, chosen, tagged)


def _set_tags(survey, theme: Theme, answer_ids: list[int], tagged: bool) -> int:
    carrying = set(
        db.session.scalars(
            select(AnswerTheme.answer_id).where(AnswerTheme.theme_id == theme.id, AnswerTheme.answer_id.in_(answer_ids))
        )
    )
    changed = [a for a in answer_ids if (a not in carrying) == tagged]
    for answer_id in changed:
        if tagged:
            db.session.add(AnswerTheme(answer_id=answer_id, theme_id=theme.id))
        else:
            db.session.execute(
                AnswerTheme.__table__.delete().where(
                    AnswerTheme.theme_id == theme.id, AnswerTheme.answer_id == answer_id
                )
            )
    if changed:
        listed = ", ".join(str(a) for a in changed)
        audit_log.record(
            "change",
            "survey_theme",
            theme.id,
            f"survey {survey.id}: {'tagged' if tagged else 'untagged'} {len(changed)} answer(s): {listed}",
        )
    return len(changed)
