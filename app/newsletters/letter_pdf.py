"""A member's letter as a PDF, and a batch of letters handed to the mail service.

The layout follows GOV.UK Notify's precompiled letter specification (letters.ADDRESS_BLOCK,
letters.BODY_TOP); the address is checked to fit before anything is drawn.
"""

import io
from dataclasses import dataclass
from datetime import date

from flask import current_app, render_template
from sqlalchemy import select

from app.clock import in_uk, now
from app.errors import InvalidRequest
from app.extensions import db
from app.mail.bulk import BulkMessage, BulkRecipient
from app.members.models import Member
from app.newsletters import audiences, print_formats
from app.newsletters.letters import (
    ADDRESS_BLOCK,
    BODY_TOP,
    MAX_PAGES,
    address_lines,
    address_problem,
    postable,
    prefers_post,
)


@dataclass
class Addressee:
    first_name: str
    lines: list[str]


def _render(campaign, addressees: list[Addressee], max_pages: int | None = None) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as error:  # Pango is missing on this server
        raise InvalidRequest(
            "PDF files need the Pango library on the server (Debian: libpango-1.0-0 libpangoft2-1.0-0).", 503
        ) from error
    link = print_formats.short_link(campaign.id)
    letters = [
        {"lines": a.lines, "parts": print_formats.content_parts(campaign, a.first_name or "reader")} for a in addressees
    ]
    page = render_template(
        "newsletters/print/letter.html",
        campaign=campaign,
        letters=letters,
        block=ADDRESS_BLOCK,
        body_top=BODY_TOP,
        organisation=current_app.config["ORGANISATION_NAME"],
        dated=_date_line(in_uk(now()).date()),
        short_link=link,
        qr=print_formats.qr_data_uri(link),
    )
    document = HTML(string=page, url_fetcher=print_formats._fetcher()).render()
    if max_pages is not None and len(document.pages) > max_pages:
        raise InvalidRequest(
            f"The letter would be {len(document.pages)} pages: GOV.UK Notify posts at most {max_pages}. "
            "Shorten the bulletin for letters.",
            422,
        )
    return document.write_pdf()


def _date_line(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def letter_pdf(campaign, member) -> bytes:
    """One member's letter: an A4 PDF with their address in Notify's address block on the first page."""
    problem = address_problem(member)
    if problem:
        raise InvalidRequest(f"This member's letter cannot be made: their address {problem}.", 422)
    return _render(campaign, [Addressee(member.first_name or "", address_lines(member))], MAX_PAGES)


def letters_pdf(campaign, members) -> bytes:
    """Every member's letter in one PDF, each starting on a new page, to print and post by hand."""
    if not members:
        raise InvalidRequest("No one in this audience would rather have letters and has an address that fits.", 422)
    return _render(campaign, [Addressee(m.first_name or "", address_lines(m)) for m in members])


def print_recipients(campaign) -> tuple[list, dict[str, int]]:
    """Members of the audience who would rather have letters: those whose address fits, and why the rest do not."""
    if campaign.audience is None:
        return [], {}
    query = audiences.recipients_query(campaign.audience.filter or {}, audiences.purpose_of(campaign))
    members = db.session.scalars(
        select(Member).where(Member.id.in_(query), prefers_post()).order_by(Member.last_name, Member.id)
    ).all()
    return postable(members)


# ----- sending ----------------------------------------------------------------------------------


def message(campaign) -> BulkMessage:
    return BulkMessage(
        subject=campaign.subject, text="", html="", channel="post", category="bulletin", postage=campaign.postage
    )


def recipients(campaign, rows) -> tuple[list[BulkRecipient], dict[int, str]]:
    """Claimed rows (with the member) as letter recipients, and {delivery id: why not} for addresses that
    no longer fit: those are never handed to Notify."""
    members = {m.id: m for m in db.session.scalars(select(Member).where(Member.id.in_([r.member_id for r in rows])))}
    out, refused = [], {}
    for row in rows:
        member = members.get(row.member_id)
        problem = address_problem(member) if member is not None else "was erased"
        if problem:
            refused[row.id] = f"not posted: the address {problem}"
            continue
        out.append(
            BulkRecipient(
                row.id,
                "\n".join(address_lines(member)),
                {},
                {},
                {"delivery_id": str(row.id)},
                letter=_maker(campaign, member),
            )
        )
    return out, refused


def _maker(campaign, member):
    def make() -> io.BytesIO:
        return io.BytesIO(letter_pdf(campaign, member))

    return make
