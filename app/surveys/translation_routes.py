"""Staff pages for translating a survey's wording into the other languages of the public pages."""

from flask import abort, flash, redirect, render_template, request, url_for

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.i18n import RIGHT_TO_LEFT
from app.surveys import structure, translations
from app.surveys.survey_page import bp, survey_or_404


@bp.route("/<int:survey_id>/translations/<language>", methods=["GET", "POST"])
@requires("surveys.edit")
def translation(survey_id: int, language: str):
    if language not in translations.TARGETS:
        abort(404)
    survey = structure.load(survey_or_404(survey_id))
    errors, values, status = {}, None, 200
    if request.method == "POST":
        try:
            left = translations.save(survey, language, request.form)
        except InvalidRequest as error:
            errors, values, status = error.errors, request.form, 400
        else:
            name = translations.ENGLISH_NAMES[language]
            if left:
                flash(f"{name} translation saved. {_fields(left)} still untranslated.", "success")
            else:
                flash(f"{name} translation saved. Every field is translated.", "success")
            return redirect(url_for(".translation", survey_id=survey.id, language=language))
    fields = translations.fields_of(survey)
    rows = translations.stored(survey.id, language)
    done = translations.current_texts(fields, rows)
    if values is None:
        values = {f.form_name: rows[f.key].text if f.key in rows else "" for f in fields}
    sections: dict[str, list] = {}
    for field in fields:
        sections.setdefault(field.section, []).append(field)
    asked = translations.progress(survey, language)
    outcome = translations.progress(survey, language, "outcome")
    return render_template(
        "surveys/staff/translation.html",
        survey=survey,
        language=language,
        language_name=translations.ENGLISH_NAMES[language],
        own_name=translations.TARGETS[language],
        direction="rtl" if language in RIGHT_TO_LEFT else "ltr",
        sections=sections,
        values=values,
        done=done,
        outdated={f.key for f in fields if f.key not in done and f.key in rows},
        asked=asked,
        outcome=outcome,
        untranslated=asked.untranslated + outcome.untranslated,
        total=asked.total + outcome.total,
        fields_word=_fields,
        errors=errors,
    ), status


def _fields(n: int) -> str:
    return "1 field is" if n == 1 else f"{n} fields are"
