"""A survey's wording in the other languages of the public pages, and the survey as a respondent sees it.

Only the wording is translated: the pages, questions and option codes stay the survey's own,
so an answer given in Welsh is stored, analysed and exported exactly as one given in English.

A survey is offered in a language only once every field a respondent reads is translated: a
respondent who picks Welsh expects the whole survey in Welsh, and a question in Welsh with its
options in English (or one page in each) is harder to follow than either language throughout.
A field whose English has changed since it was translated counts as untranslated again.
"""

from dataclasses import dataclass

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.i18n import DEFAULT, LANGUAGES
from app.surveys.models import Survey, SurveyTranslation
from app.surveys.questions import options_of

# The languages a survey can be translated into: every public language but English.
TARGETS = {code: name for code, name in LANGUAGES.items() if code != DEFAULT}
# The languages' names in English, for staff pages.
ENGLISH_NAMES = {"cy": "Welsh", "ur": "Urdu"}
# Longest translation of a field: as long as its English may be; paragraphs up to LONG.
LONG = 10000


@dataclass(frozen=True)
class Field:
    """One piece of wording to translate: its key, what staff call it, its English, its form field."""

    key: str
    name: str
    english: str
    group: str  # "survey" (what respondents read while answering) or "outcome" (you said, we did)
    limit: int = 200
    section: str = "About the survey"

    @property
    def form_name(self) -> str:
        return "f-" + self.key.replace(".", "-")

    @property
    def long(self) -> bool:
        """Paragraphs, typed in a text area; other fields are one line."""
        return self.limit > 1000


def _choices_written_by_staff(question) -> list[dict]:
    """The options of a question a translation carries: numbers (0 to 10) need none."""
    if question.kind == "rating":
        return []
    return options_of(question)


def fields_of(survey: Survey) -> list[Field]:
    """Every piece of the survey's wording a respondent can read, in the order they meet it."""
    fields = [Field("survey.title", "Survey title", survey.title, "survey")]
    for attribute, name in (
        ("introduction", "Introduction"),
        ("privacy_notice", "How we use your answers"),
        ("consent_question", "Agreement to take part"),
        ("thank_you", "Thank you message"),
    ):
        if (getattr(survey, attribute) or "").strip():
            limit = 500 if attribute == "consent_question" else LONG
            fields.append(Field(f"survey.{attribute}", name, getattr(survey, attribute), "survey", limit))
    number = 0
    for page_number, page in enumerate(survey.pages, start=1):
        section = f"Page {page_number}"
        if page.title:
            fields.append(
                Field(f"page.{page.id}.title", f"Page {page_number} title", page.title, "survey", 200, section)
            )
        for question in page.questions:
            if question.hidden:
                continue
            number += 1
            key, name = f"question.{question.id}", f"Question {number}"
            fields.append(Field(f"{key}.text", name, question.text, "survey", 500, section))
            if question.help_text:
                fields.append(Field(f"{key}.help_text", f"{name} hint", question.help_text, "survey", 1000, section))
            for n, option in enumerate(_choices_written_by_staff(question), start=1):
                field = Field(
                    f"{key}.option.{option['code']}", f"{name} option {n}", option["label"], "survey", 200, section
                )
                fields.append(field)
            for n, row in enumerate(question.rows or [] if question.kind == "matrix" else [], start=1):
                field = Field(f"{key}.row.{row['code']}", f"{name} statement {n}", row["label"], "survey", 200, section)
                fields.append(field)
    if survey.outcome_published_at is not None:
        for attribute, name in (("we_asked", "We asked"), ("you_said", "You said"), ("we_did", "We did")):
            if (getattr(survey, attribute) or "").strip():
                english = getattr(survey, attribute)
                fields.append(
                    Field(f"outcome.{attribute}", name, english, "outcome", LONG, "We asked, you said, we did")
                )
    return fields


def stored(survey_id: int, language: str) -> dict[str, SurveyTranslation]:
    rows = db.session.scalars(
        db.select(SurveyTranslation).where(
            SurveyTranslation.survey_id == survey_id, SurveyTranslation.language == language
        )
    )
    return {row.field: row for row in rows}


def stored_by_language(survey_id: int) -> dict[str, dict[str, SurveyTranslation]]:
    """Every stored translation of the survey, {language: {field: row}}, in one query."""
    everything: dict[str, dict[str, SurveyTranslation]] = {}
    for row in db.session.scalars(db.select(SurveyTranslation).where(SurveyTranslation.survey_id == survey_id)):
        everything.setdefault(row.language, {})[row.field] = row
    return everything


def current_texts(fields: list[Field], rows: dict[str, SurveyTranslation]) -> dict[str, str]:
    """{field key: its translation} for the fields translated from the English they have now."""
    texts = {}
    for field in fields:
        row = rows.get(field.key)
        if row is not None and row.text.strip() and row.source == field.english:
            texts[field.key] = row.text
    return texts


@dataclass
class Progress:
    language: str
    total: int
    untranslated: int
    outdated: int

    @property
    def complete(self) -> bool:
        return self.untranslated == 0

    @property
    def name(self) -> str:
        return ENGLISH_NAMES.get(self.language, self.language)


def progress(survey: Survey, language: str, group: str | None = "survey") -> Progress:
    fields = [f for f in fields_of(survey) if group is None or f.group == group]
    rows = stored(survey.id, language)
    texts = current_texts(fields, rows)
    outdated = sum(1 for f in fields if f.key not in texts and f.key in rows and rows[f.key].text.strip())
    return Progress(language, len(fields), len(fields) - len(texts), outdated)


def save(survey: Survey, language: str, form) -> int:
    """Store the translation typed into the form; returns how many fields are still untranslated.

    Every field is checked first and nothing is stored if any is refused. A blank field leaves
    that field untranslated.
    """
    if language not in TARGETS:
        raise InvalidRequest("There is no such language.", 404)
    fields = fields_of(survey)
    errors, typed = {}, {}
    language_name = ENGLISH_NAMES[language]
    for field in fields:
        text = str(form.get(field.form_name) or "").replace("\r\n", "\n").strip()
        if not field.long:
            text = " ".join(text.split())
        if len(text) > field.limit:
            errors[field.form_name] = (
                f"The {language_name} for “{field.name}” must be {field.limit:,} characters or fewer"
            )
        typed[field] = text
    _check_options_differ(typed, errors, language_name)
    if errors:
        raise InvalidRequest("Some translations need changing.", 400, errors)
    rows = stored(survey.id, language)
    changed = 0
    for field, text in typed.items():
        row = rows.get(field.key)
        if not text:
            if row is not None:
                db.session.delete(row)
                changed += 1
            continue
        if row is None:
            row = SurveyTranslation(survey_id=survey.id, language=language, field=field.key)
            db.session.add(row)
        if row.text != text or row.source != field.english:
            row.text, row.source, row.updated_at = text, field.english, now()
            changed += 1
    untranslated = sum(1 for text in typed.values() if not text)
    audit.record(
        "translate",
        "survey",
        survey.id,
        f"{language}: {changed} fields changed, {untranslated} of {len(fields)} untranslated",
    )
    db.session.commit()
    return untranslated


def _check_options_differ(typed: dict[Field, str], errors: dict, language_name: str) -> None:
    """Two options of a question (or two statements) cannot read the same: nobody could tell them apart."""
    seen: dict[str, set[str]] = {}
    for field, text in typed.items():
        if not text or (".option." not in field.key and ".row." not in field.key):
            continue
        group = field.key.rsplit(".", 1)[0]
        if text.casefold() in seen.setdefault(group, set()):
            question = field.name.split(" option")[0].split(" statement")[0]
            errors[field.form_name] = f"Each {language_name} option of {question.lower()} must be different"
        seen[group].add(text.casefold())
