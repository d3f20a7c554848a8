"""Finding members for staff: filters, sorting, and search by the start of a name,
an address or a postcode through the search keys the database keeps on each member."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, true
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.clock import today
from app.extensions import db
from app.members.models import Member, Topic
from app.members.vocab import SELF_REPORTED_AGE_BANDS
from app.transactions import transactional

SORTS = {
    "name": (Member.last_name, Member.first_name, Member.id),
    "-name": (Member.last_name.desc(), Member.first_name.desc(), Member.id.desc()),
    "joined": (Member.created_at, Member.id),
    "-joined": (Member.created_at.desc(), Member.id.desc()),
    "postcode": (Member.postcode, Member.id),
    "-postcode": (Member.postcode.desc(), Member.id.desc()),
}


@dataclass
class MemberFilter:
    q: str = ""
    status: str = ""
    topic: str = ""
    practice_id: int | None = None
    contact_type: str = ""
    age_band: str = ""
    sort: str = "-joined"


def age_band_condition(code: str, on: date):
    """Members in a self-reported band, from date of birth when known, else the band given."""
    _, low, high = SELF_REPORTED_AGE_BANDS[code]
    youngest_born = _years_before(on, low)  # born on or before this date are at least `low`
    by_dob = Member.date_of_birth <= youngest_born
    if high is not None:
        oldest_born = _years_before(on, high + 1) + timedelta(days=1)
        by_dob = and_(by_dob, Member.date_of_birth >= oldest_born)
    return or_(
        and_(Member.date_of_birth.is_not(None), by_dob), and_(Member.date_of_birth.is_(None), Member.age_band == code)
    )


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


# Sorts after every character, so `key < prefix + LAST` holds for every key starting with prefix.
LAST = "\U0010ffff"


def _starts_with(column, prefix):
    """Keys starting with `prefix`: one range of the column's index on every database."""
    return and_(column >= prefix, column < prefix + LAST)


def _like_anywhere(column, term: str):
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like("%" + escaped + "%", escape="\\")


def _lower_as_stored(text: str) -> str:
    """Lower-case `text` as the database lower-cases the stored keys (SQLite: ASCII letters only)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return "".join(c.lower() if c.isascii() else c for c in text)
    return text.lower()


def search_condition(q: str):
    """Members whose first or last name, email or postcode starts with what staff typed.

    Several words must each start a first or last name ("jo smith"). A postcode matches
    with or without its space. Part of an address with a dot or @ in it ("nhs.net") is
    also looked for anywhere in the address: slower, but rare.
    """
    term = q.strip()
    words = term.split()
    if not words:
        return true()
    # Plain values rather than SQL expressions: SQLite then plans with the values themselves
    # and reads only the matching range of each index.
    keys = [_lower_as_stored(word) for word in words]
    names = [or_(_starts_with(Member.search_first_name, k), _starts_with(Member.search_last_name, k)) for k in keys]
    conditions = [and_(*names)]
    if len(words) == 1:
        conditions.append(_starts_with(Member.search_email, keys[0]))
        if "@" in term or "." in term:
            conditions.append(_like_anywhere(Member.search_email, keys[0]))
    compact = term.replace(" ", "").upper()
    # Every UK postcode has a digit; a plain name is not also tried as a postcode.
    if 2 <= len(compact) <= 7 and compact.isalnum() and any(c.isdecimal() for c in compact):
        conditions.append(_starts_with(Member.search_postcode, compact))
    return or_(*conditions)


def filtered_query(filters: MemberFilter):
    """A SELECT of members matching the filter, sorted; erased members only when asked for.

    The practice is joined in the same query, so a page of results needs one query and one count.
    """
    query = db.select(Member).options(joinedload(Member.practice))
    if filters.status:
        query = query.where(Member.status == filters.status)
    else:
        query = query.where(Member.status != "erased")
    if filters.q:
        # As a list of ids found through the search keys' indexes first: given the status
        # beside them, SQLite would otherwise walk every member with that status.
        query = query.where(Member.id.in_(db.select(Member.id).where(search_condition(filters.q))))
    if filters.topic:
        query = query.where(Member.topics.any(Topic.slug == filters.topic))
    if filters.practice_id:
        query = query.where(Member.practice_id == filters.practice_id)
    if filters.contact_type:
        query = query.where(Member.contact_type == filters.contact_type)
    if filters.age_band and filters.age_band in SELF_REPORTED_AGE_BANDS:
        query = query.where(age_band_condition(filters.age_band, today()))
    return query.order_by(*SORTS.get(filters.sort, SORTS["-joined"]))


def count_by_status() -> dict[str, int]:
    rows = db.session.execute(db.select(Member.status, func.count()).group_by(Member.status)).all()
    return {status: count for status, count in rows}


def describe_filter(filters: MemberFilter) -> str:
    """The filter for the audit log; a search term may be a name or an address, so only its presence."""
    parts = []
    if filters.q:
        parts.append("search=yes")
    for name in ("status", "topic", "practice_id", "contact_type", "age_band"):
        value = getattr(filters, name)
        if value:
            parts.append(f"{name}={value}")
    return ", ".join(parts) or "all members"


@transactional
def record_list_viewed(filters: MemberFilter, page: int, member_ids: list[int], total: int) -> None:
    """A page of the staff members list is in the audit log: the filter, how many matched and
    the ids shown, never what was typed in the search box (it may be a name or an address)."""
    detail = f"page {page}: {len(member_ids)} of {total} members; filter: {describe_filter(filters)}"
    if member_ids:
        detail += "; ids: " + ",".join(str(i) for i in member_ids)
    audit.record("view", "member_list", "", detail)
