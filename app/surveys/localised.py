"""The survey as a respondent reads it in their language: the same pages, questions and option codes.

`in_language` wraps a survey (read with its pages and questions, app/surveys/structure.py)
in read-only views whose wording comes from a complete translation. Nothing is written to
the survey's own rows, so whatever is saved while answering is exactly what English saves.
"""

from app.i18n import DEFAULT
from app.surveys import translations
from app.surveys.questions import options_of


class _View:
    """An object with some of its wording replaced; every other attribute is the object's own."""

    def __init__(self, wrapped, **replaced):
        self._wrapped = wrapped
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


def _question(question, texts: dict[str, str]):
    key = f"question.{question.id}"
    options = [
        {**option, "label": texts.get(f"{key}.option.{option['code']}", option["label"])}
        for option in options_of(question)
    ]
    rows = [{**row, "label": texts.get(f"{key}.row.{row['code']}", row["label"])} for row in question.rows or []]
    return _View(
        question,
        text=texts.get(f"{key}.text", question.text),
        help_text=texts.get(f"{key}.help_text", question.help_text),
        shown_options=options,
        rows=rows,
    )


def for_page(survey, language: str):
    """(the survey as shown in `language`, or as it is when that has no complete translation;
    the languages the survey can be answered in, English first)."""
    fields = [f for f in translations.fields_of(survey) if f.group == "survey"]
    everything = translations.stored_by_language(survey.id)
    texts = {code: translations.current_texts(fields, rows) for code, rows in everything.items()}
    offered = [DEFAULT] + [code for code in translations.TARGETS if all(f.key in texts.get(code, {}) for f in fields)]
    if language == DEFAULT or language not in offered:
        return survey, offered
    return _translated(survey, language, texts[language]), offered


def in_language(survey, language: str):
    """The survey in `language` when it has a complete translation, else the survey as it is (English)."""
    return for_page(survey, language)[0]


def _translated(survey, language: str, texts: dict[str, str]):
    questions = {q.id: _question(q, texts) for q in survey.questions}
    pages = [
        _View(
            page,
            title=texts.get(f"page.{page.id}.title", page.title),
            questions=[questions.get(q.id) or _question(q, texts) for q in page.questions],
        )
        for page in survey.pages
    ]
    return _View(
        survey,
        language=language,
        pages=pages,
        questions=[questions[q.id] for q in survey.questions],
        **{
            attribute: texts.get(f"survey.{attribute}", getattr(survey, attribute))
            for attribute in ("title", "introduction", "privacy_notice", "consent_question", "thank_you")
        },
    )


def language_of(survey) -> str:
    """The language a survey (or its view) is shown in."""
    return survey.__dict__.get("language", DEFAULT) if isinstance(survey, _View) else DEFAULT


def outcome_in_language(survey, language: str) -> dict:
    """{title, we_asked, you_said, we_did, language}: the published outcome (and the survey's title)
    in `language` when all of it is translated, else in English."""
    parts = ("title", "we_asked", "you_said", "we_did")
    english = {part: getattr(survey, part) for part in parts}
    if language not in translations.TARGETS:
        return {**english, "language": DEFAULT}
    fields = [f for f in translations.fields_of(survey) if f.group == "outcome" or f.key == "survey.title"]
    texts = translations.current_texts(fields, translations.stored(survey.id, language))
    if len(fields) < 2 or any(f.key not in texts for f in fields):
        return {**english, "language": DEFAULT}
    keys = {"title": "survey.title", "we_asked": "outcome.we_asked", "you_said": "outcome.you_said"}
    keys["we_did"] = "outcome.we_did"
    return {**{part: texts.get(keys[part], english[part]) for part in parts}, "language": language}
