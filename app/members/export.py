"""Exporting the members a filter selects, as CSV (streamed) or XLSX, without equality answers.

Rows are read in chunks as plain tuples (no ORM objects), so 100,000 members
export in bounded memory. Every text cell that a spreadsheet would run as a
formula (= + - @ at the start) gets a leading quote. The headers are the ones
the importer recognises, so an export can be imported again.
"""

import csv
import io
import tempfile
from collections.abc import Iterator
from datetime import date, datetime

from sqlalchemy import bindparam, func, select

from app.audit import services as audit
from app.extensions import db
from app.members.models import Consent, Member, Topic, member_topic
from app.members.search import describe_filter
from app.members.services import SORTS, MemberFilter, filtered_query
from app.members.vocab import CONTACT_TYPES, SELF_REPORTED_AGE_BANDS, STATUSES
from app.organisations.models import Practice
from app.spreadsheets import escape_cell
from app.transactions import transactional

FORMATS = ("csv", "xlsx")
CHUNK = 2000
HEADERS = [
    "Email",
    "First name",
    "Last name",
    "Phone",
    "Postcode",
    "Date of birth",
    "Age band",
    "Practice code",
    "Contact type",
    "Topics",
    "Communication needs",
    "Communication language",
    "How heard",
    "Status",
    "Joined",
    "Consents",
]
_COLUMNS = (
    Member.id,
    Member.email,
    Member.first_name,
    Member.last_name,
    Member.phone,
    Member.postcode,
    Member.date_of_birth,
    Member.age_band,
    Practice.ods_code,
    Member.contact_type,
    Member.communication_needs,
    Member.communication_language,
    Member.how_heard,
    Member.status,
    Member.created_at,
)


def filter_from_args(args) -> MemberFilter:
    """The members list's query-string filters, unknown values ignored."""
    practice = (args.get("practice_id") or "").strip()
    sort = args.get("sort") or "-joined"
    status = args.get("status") or ""
    contact_type = args.get("contact_type") or ""
    age_band = args.get("age_band") or ""
    return MemberFilter(
        q=(args.get("q") or "").strip()[:200],
        status=status if status in STATUSES else "",
        topic=(args.get("topic") or "").strip()[:60],
        practice_id=int(practice) if practice.isdecimal() and len(practice) < 10 else None,
        contact_type=contact_type if contact_type in CONTACT_TYPES else "",
        age_band=age_band if age_band in SELF_REPORTED_AGE_BANDS else "",
        sort=sort if sort in SORTS else "-joined",
    )


def count_members(filters: MemberFilter) -> int:
    query = filtered_query(filters).order_by(None).with_only_columns(Member.id).subquery()
    return db.session.scalar(select(func.count()).select_from(query))


@transactional
def record_export(filters: MemberFilter, file_format: str, rows: int) -> None:
    """Audit an export: how many rows and which filter, no personal data."""
    audit.record("export", "member", "", f"rows: {rows}; format: {file_format}; filter: {describe_filter(filters)}")


def _ids_in(column, ids: list[int]):
    # Integer ids written into the SQL text: naming thousands of bound parameters costs more than sending them.
    return column.in_(bindparam("ids", value=[int(i) for i in ids], expanding=True, literal_execute=True))


def member_rows(filters: MemberFilter, as_text: bool = False) -> Iterator[list]:
    """The header, then one list of cells per member in the filter's order.

    Text that a spreadsheet would run as a formula is made safe; dates become
    ISO strings when `as_text` (CSV) and stay dates otherwise (XLSX).
    """
    yield list(HEADERS)
    query = (
        filtered_query(filters)
        .with_only_columns(*_COLUMNS)
        .select_from(Member)
        .outerjoin(Practice, Practice.id == Member.practice_id)
        .execution_options(yield_per=CHUNK)
    )
    safe = escape_cell
    for chunk in db.session.execute(query).partitions(CHUNK):
        ids = [row[0] for row in chunk]
        topics: dict[int, list[str]] = {}
        for member_id, slug in db.session.execute(
            select(member_topic.c.member_id, Topic.slug)
            .join(Topic, Topic.id == member_topic.c.topic_id)
            .where(_ids_in(member_topic.c.member_id, ids))
            .order_by(Topic.position)
        ):
            topics.setdefault(member_id, []).append(slug)
        consents: dict[int, list[str]] = {}
        for member_id, purpose in db.session.execute(
            select(Consent.member_id, Consent.purpose)
            .where(_ids_in(Consent.member_id, ids), Consent.withdrawn_at.is_(None))
            .order_by(Consent.purpose)
        ):
            consents.setdefault(member_id, []).append(purpose)
        for (
            member_id,
            email,
            first_name,
            last_name,
            phone,
            postcode,
            born,
            age_band,
            ods_code,
            contact_type,
            needs,
            language,
            how_heard,
            status,
            joined,
        ) in chunk:
            if as_text:
                born = born.isoformat() if born else ""
                joined = joined.strftime("%Y-%m-%d %H:%M")
            yield [
                safe(email or ""),
                safe(first_name),
                safe(last_name),
                safe(phone),
                postcode,
                born,
                age_band or "",
                ods_code or "",
                contact_type,
                ";".join(topics.get(member_id, ())),
                ";".join(needs or ()),
                safe(language),
                how_heard,
                status,
                joined,
                ";".join(consents.get(member_id, ())),
            ]


def csv_chunks(filters: MemberFilter) -> Iterator[str]:
    """The CSV, UTF-8 with a byte-order mark (so Excel shows accents), 500 rows per piece."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    batch = []
    for row in member_rows(filters, as_text=True):
        batch.append(row)
        if len(batch) == 500:
            writer.writerows(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    writer.writerows(batch)
    yield buffer.getvalue()


def write_csv(filters: MemberFilter, handle) -> None:
    for piece in csv_chunks(filters):
        handle.write(piece)


def write_xlsx(filters: MemberFilter, handle) -> None:
    """An Excel workbook streamed row by row (XlsxWriter's constant-memory mode); dates as real dates."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            # Text stays text: never turned into a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    sheet = workbook.add_worksheet("Members")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    write_string, write_datetime = sheet.write_string, sheet.write_datetime
    # Text arrives already made safe by member_rows; dates are written as dates.
    for r, row in enumerate(member_rows(filters)):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime):
                write_datetime(r, c, value, moment)
            elif isinstance(value, date):
                write_datetime(r, c, value, day)
            else:
                write_string(r, c, str(value))
    workbook.close()


def xlsx_file(filters: MemberFilter):
    """The workbook in a temporary file (deleted when closed), positioned at its start."""
    handle = tempfile.TemporaryFile()
    write_xlsx(filters, handle)
    handle.seek(0)
    return handle
