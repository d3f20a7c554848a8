"""The question bank: questions saved once and copied into any survey."""

from app.audit import services as audit
from app.errors import InvalidRequest
from app.extensions import db
from app.surveys import builder
from app.surveys.models import BankQuestion, Question, SurveyPage
from app.transactions import transactional

FIELDS = ("kind", "text", "help_text", "required", "options", "rows", "settings")


def list_bank() -> list[BankQuestion]:
    """Saved questions, in the order of their wording."""
    return list(db.session.scalars(db.select(BankQuestion).order_by(BankQuestion.text, BankQuestion.id)))


def get_bank_question(bank_question_id: int) -> BankQuestion | None:
    """The saved question with this id, or None."""
    return db.session.get(BankQuestion, bank_question_id)


def _copy(source) -> dict:
    return {
        "kind": source.kind,
        "text": source.text,
        "help_text": source.help_text or "",
        "required": bool(source.required),
        "options": [dict(o) for o in source.options or []],
        "rows": [dict(r) for r in source.rows or []],
        "settings": dict(source.settings or {}),
    }


@transactional
def save_to_bank(question: Question) -> BankQuestion:
    """A copy of a question in the bank; the same question is never saved twice."""
    data = _copy(question)
    for saved in db.session.scalars(
        db.select(BankQuestion).where(BankQuestion.kind == question.kind, BankQuestion.text == question.text)
    ):
        if _copy(saved) == data:
            message = "This question is already in the question bank."
            raise InvalidRequest(message, 409, {f"question-{question.id}": message})
    saved = BankQuestion(**data)
    db.session.add(saved)
    db.session.flush()
    audit.record("create", "bank_question", saved.id, f"from question {question.id}")
    return saved


@transactional
def add_from_bank(page: SurveyPage, saved: BankQuestion) -> Question:
    """A copy of a saved question at the end of a page."""
    return builder.append_question(page, _copy(saved), f"added from bank question {saved.id}")


@transactional
def delete_bank_question(saved: BankQuestion) -> None:
    """Remove a saved question from the bank; surveys that copied it keep their copies."""
    audit.record("change", "bank_question", saved.id, "deleted")
    db.session.delete(saved)
