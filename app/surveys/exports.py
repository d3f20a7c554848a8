"""Exports: every response as CSV or XLSX (labels or codes), and the summary report as PDF.

A response export is personal data: it needs surveys.responses and is written to the audit
log. An anonymous survey's export has no member, invitation or staff columns and gives
dates without times, so nothing in it leads back to a person.
"""

import csv
import io

from flask import current_app, render_template
from sqlalchemy import select

from app.audit import services as audit_log
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members import equality
from app.members.vocab import SELF_REPORTED_AGE_BANDS
from app.spreadsheets import escape_cell
from app.surveys import analysis, themes
from app.surveys.models import CHANNELS, Answer, Response, ResponseEquality
from app.surveys.numbering import response_numbers
from app.surveys.questions import KINDS, options_of

STYLES = ("labels", "codes")
EQUALITY_COLUMNS = ("age_band", *equality.QUESTIONS)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns(survey, style: str) -> list[tuple[str, object]]:
    """(header, function(answers) -> cell) for every answer column, in question order."""
    columns = []
    for number, q in enumerate(analysis.questions_in_order(survey), start=1):
        labels = {o["code"]: o["label"] for o in options_of(q)}

        def name(suffix_code="", suffix_label="", q=q, number=number):
            if style == "codes":
                return f"q{number}" + (f"_{suffix_code}" if suffix_code else "")
            return f"Q{number}. {q.text}" + (f": {suffix_label}" if suffix_label else "")

        def shown(code, labels=labels):
            return code if style == "codes" else labels.get(code, code)

        if q.kind == "multiple":
            for option in options_of(q):

                def cell(answers, q=q, code=option["code"], label=option["label"]):
                    value = answers.get(q.id)
                    if not isinstance(value, list):
                        return ""
                    chosen = code in value
                    return (1 if chosen else 0) if style == "codes" else (label if chosen else "")

                columns.append((name(option["code"], option["label"]), cell))
        elif q.kind == "ranking":
            for option in options_of(q):

                def cell(answers, q=q, code=option["code"]):
                    value = answers.get(q.id)
                    return value.index(code) + 1 if isinstance(value, list) and code in value else ""

                columns.append((name(option["code"], f"rank of {option['label']}"), cell))
        elif q.kind == "matrix":
            for row in q.rows or []:

                def cell(answers, q=q, row=row["code"], shown=shown):
                    value = answers.get(q.id)
                    return shown(value[row]) if isinstance(value, dict) and value.get(row) else ""

                columns.append((name(row["code"], row["label"]), cell))
        elif q.kind in analysis.SINGLE_CODE_KINDS:

            def cell(answers, q=q, shown=shown):
                value = answers.get(q.id)
                return shown(value) if value not in (None, "") else ""

            columns.append((name(), cell))
        else:

            def cell(answers, q=q):
                value = answers.get(q.id)
                return "" if value is None else value

            columns.append((name(), cell))
    return columns


def _equality_cell(field: str, code, style: str):
    if not code or style == "codes":
        return code or ""
    if field == "age_band":
        return SELF_REPORTED_AGE_BANDS.get(code, (code,))[0]
    if code == equality.PREFER_NOT_TO_SAY:
        return "Prefer not to say"
    return dict(equality.choices(field)).get(code, code)


def response_rows(survey, style: str = "labels", include_equality: bool = False) -> list[list]:
    """The header and one row per response (complete or not), anonymity kept.

    Equality answers (special category data) are included only when asked for, by callers
    that have checked the role may see individuals' equality answers.
    """
    if style not in STYLES:
        raise InvalidRequest("Choose labels or codes.", 400, {"style": "Choose labels or codes"})
    columns = _columns(survey, style)
    anonymous = survey.anonymous
    header = ["response_number", "channel", "status", "started", "completed"]
    if not anonymous:
        header += ["member_id", "invitation_id"]
    header += [c[0] for c in columns]
    equality_columns = EQUALITY_COLUMNS if include_equality else ()
    header += [f"equality_{f}" if style == "codes" else f"Equality: {f.replace('_', ' ')}" for f in equality_columns]
    answers: dict[int, dict] = {}
    query = (
        select(Answer.response_id, Answer.question_id, Answer.value)
        .join(Response)
        .where(Response.survey_id == survey.id)
    )
    for response_id, question_id, value in db.session.execute(query):
        answers.setdefault(response_id, {})[question_id] = value
    equalities = {
        e.response_id: e
        for e in db.session.scalars(select(ResponseEquality).join(Response).where(Response.survey_id == survey.id))
    }
    rows = [header]
    numbers = response_numbers(survey.id)
    responses = db.session.scalars(select(Response).where(Response.survey_id == survey.id).order_by(Response.id))
    for response in responses:

        def when(moment):
            if moment is None:
                return ""
            # Times of day could be matched with other records; an anonymous survey gives the date only.
            return moment.date().isoformat() if anonymous else moment.isoformat(timespec="seconds")

        row = [
            numbers[response.id],
            response.channel if style == "codes" else CHANNELS.get(response.channel, response.channel),
            "complete" if response.completed_at else "partial",
            when(response.started_at),
            when(response.completed_at),
        ]
        if not anonymous:
            row += [response.member_id or "", response.invitation_id or ""]
        given = answers.get(response.id, {})
        row += [cell(given) for _, cell in columns]
        found = equalities.get(response.id)
        row += [_equality_cell(f, getattr(found, f, None), style) for f in equality_columns]
        rows.append(row)
    return rows


def _text(value):
    """A cell as written: free text a spreadsheet would run as a formula is made inert."""
    if isinstance(value, list | dict):
        value = str(value)
    return escape_cell(value)


def responses_csv(survey, style: str = "labels", include_equality: bool = False) -> bytes:
    """Every response as CSV, one column per question (per option, row or rank where a question has several)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in response_rows(survey, style, include_equality):
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def responses_xlsx(survey, style: str = "labels", include_equality: bool = False) -> bytes:
    """Every response as an Excel workbook, laid out like the CSV."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Responses")
    for row in response_rows(survey, style, include_equality):
        sheet.append([_text(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def record_export(survey, what: str) -> None:
    """Note an export in the audit log (ids only)."""
    audit_log.record("export", "survey", survey.id, what)
    db.session.commit()


def summary_pdf(survey) -> bytes:
    """The results of every question, the tracking figures and the coding frames, as a PDF report (suppressed)."""
    try:
        from weasyprint import HTML
    except OSError as error:  # Pango is missing on this server
        raise InvalidRequest(
            "PDF reports need the Pango library on the server (Debian: libpango-1.0-0 libpangoft2-1.0-0). "
            "Download the CSV or Excel file instead.",
            503,
        ) from error
    html = summary_html(survey)
    return HTML(string=html).write_pdf()


def summary_html(survey) -> str:
    """The summary report as the HTML the PDF is printed from."""
    return render_template(
        "surveys/results/report_pdf.html",
        survey=survey,
        shown=analysis.present_results(analysis.survey_results(survey)),
        tracking=analysis.present_tracking(analysis.tracking(survey)),
        theme_counts=themes.theme_counts(survey),
        kinds=KINDS,
        generated=now(),
        suppress_below=current_app.config["SUPPRESS_BELOW"],
        round_to=current_app.config["ROUND_TO"],
    )
