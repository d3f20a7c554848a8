"""Involvement payments and expenses per attendance, totalled per financial year (April to March)."""

from datetime import date

from sqlalchemy import func

from app.audit import services as audit
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.rosters.models import Attendance, Meeting, Payment
from app.rosters.vocab import PAYMENT_KINDS
from app.transactions import transactional

FIRST_YEAR, LAST_YEAR = 1900, 2199


def financial_year(on: date) -> tuple[date, date]:
    """The UK financial year containing `on`: 1 April to 31 March; dates far from now are refused."""
    if not FIRST_YEAR <= on.year <= LAST_YEAR:
        message = f"Choose a date from {FIRST_YEAR} to {LAST_YEAR}"
        raise InvalidRequest(message + ".", 400, {"on": message})
    start_year = on.year if on.month >= 4 else on.year - 1
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def financial_year_label(on: date) -> str:
    start, end = financial_year(on)
    return f"{start.year}/{str(end.year)[2:]}"


def parse_amount(text: str) -> int | None:
    """Pounds as typed (12, 12.5, £12.50) to pence; None if it is not an amount."""
    text = (text or "").strip().lstrip("£").replace(",", "")
    try:
        pounds, _, pence = text.partition(".")
        if not pounds.isdecimal() or (pence and (not pence.isdecimal() or len(pence) > 2)):
            return None
        return int(pounds) * 100 + int((pence + "00")[:2] if pence else 0)
    except ValueError:
        return None


def payments_for(attendance: Attendance) -> list[Payment]:
    return list(attendance.payments)


@transactional
def add_payment(
    attendance: Attendance,
    kind: str,
    amount_pence: int | None,
    paid_on: date | None,
    note: str = "",
    staff_user_id: int | None = None,
) -> Payment:
    """Log a payment or expense against one attendance; bad input writes nothing."""
    errors = {}
    if kind not in PAYMENT_KINDS:
        errors["kind"] = "Choose the type of payment"
    if amount_pence is None or amount_pence <= 0 or amount_pence > 10_000_00:
        errors["amount"] = "Enter an amount in pounds, like 25.00"
    if len(note or "") > 300:
        errors["note"] = "The note must be 300 characters or fewer"
    if attendance.status != "attended":
        errors["kind"] = "Payments can only be logged for someone who attended"
    if errors:
        raise InvalidRequest("The payment was not saved.", 400, errors)
    payment = Payment(
        attendance=attendance,
        kind=kind,
        amount_pence=amount_pence,
        paid_on=paid_on,
        note=note or "",
        staff_user_id=staff_user_id,
    )
    db.session.add(payment)
    db.session.flush()
    audit.record("change", "involvement_payment", payment.id, f"attendance {attendance.id}")
    return payment


def totals_by_member(on: date, roster_id: int | None = None) -> list[dict]:
    """Total paid per member in the financial year containing `on` (by paid date, else meeting date)."""
    start, end = financial_year(on)
    day = func.coalesce(Payment.paid_on, func.date(Meeting.starts_at), type_=db.Date)
    query = (
        db.select(
            Member.id, Member.first_name, Member.last_name, func.sum(Payment.amount_pence), func.count(Payment.id)
        )
        .join(Attendance, Attendance.id == Payment.attendance_id)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Member, Member.id == Attendance.member_id)
        .where(day >= start, day <= end)
        .group_by(Member.id, Member.first_name, Member.last_name)
        .order_by(Member.last_name, Member.first_name)
    )
    if roster_id is not None:
        query = query.where(Meeting.roster_id == roster_id)
    return [
        {"member_id": mid, "name": f"{first} {last}".strip(), "total_pence": int(total or 0), "payments": count}
        for mid, first, last, total, count in db.session.execute(query)
    ]
