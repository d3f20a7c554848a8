"""What disclosure control counts about members: their record keys, ages and equality answers.

Registered as the "member" source of app/statistics/disclosure.py, which alone runs it and
counts the rows; no other module reads members' equality answers to count them.
"""

from sqlalchemy import String, cast, select

from app.members import equality
from app.members.models import EqualityAnswers, Member
from app.organisations.models import PCN, Practice
from app.statistics import disclosure

# Every equality question's answer (not the free text given with some of them).
ANSWER_COLUMNS = tuple(equality.QUESTIONS)


def _condition(selection):
    if isinstance(selection, list | tuple | set | frozenset):
        return Member.id.in_(list(selection))
    ids = selection.subquery()
    return Member.id.in_(select(ids.c[0]))


def member_rows(selection, fields=ANSWER_COLUMNS, decile=None, pcn=False):
    """(statement, names) for the members in `selection` (a SELECT of member ids, or ids).

    `decile`, when given, is (table, postcode column, decile column): a lookup from a member's
    postcode to an area decile, added as the column "imd_decile". `pcn` adds the name of the
    Primary Care Network of the member's practice as the column "pcn" (None when not known).
    """
    columns = [getattr(EqualityAnswers, f) for f in fields if hasattr(EqualityAnswers, f)]
    names = ["record_key", "date_of_birth", "age_band", *(c.key for c in columns)]
    query = (
        select(Member.record_key, cast(Member.date_of_birth, String), Member.age_band, *columns)
        .outerjoin(EqualityAnswers, EqualityAnswers.member_id == Member.id)
        .where(_condition(selection))
    )
    if decile is not None:
        table, postcode, value = decile
        query = query.add_columns(value).outerjoin(table, postcode == Member.search_postcode)
        names.append("imd_decile")
    if pcn:
        query = (
            query.add_columns(PCN.name)
            .outerjoin(Practice, Practice.id == Member.practice_id)
            .outerjoin(PCN, PCN.id == Practice.pcn_id)
        )
        names.append("pcn")
    return query, names


disclosure.register_source("member", member_rows)
