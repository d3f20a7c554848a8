"""A campaign as a letter, posted by GOV.UK Notify as a precompiled letter.

A member whose chosen channel is post (they prefer post, agreed to letters and have an address
that fits Notify's address block) gets the bulletin as an A4 PDF: their name and address in the
address block where Notify's precompiled letter specification puts it on the first page, the
bulletin below, and the printed copies' short link and QR code to the web version (a visit from
it counts as one from print). Each letter goes with the campaign's postage (first, second or
economy) and its delivery id as the reference, so it is sent once, as emails and texts are.

Only GOV.UK Notify posts letters. With any other mail service those members get the email, and
their letters are on the campaign's print formats page to print and post by hand. Who gets a
letter and whether their address fits is decided here; the PDF is made in letter_pdf.py.
"""

from flask import current_app
from sqlalchemy import and_, select

from app.members.models import Consent, Member
from app.validation import FieldError, normalise_postcode, postal_lines

POSTAGES = {"second": "Second class", "first": "First class", "economy": "Economy"}
DEFAULT_POSTAGE = "second"

# Notify's precompiled letter specification, in mm from the top left corner of an A4 page: the
# recipient's address goes in this block on the first page; the body starts below BODY_TOP.
ADDRESS_BLOCK = {"left": 24.6, "top": 39.5, "right": 120.0, "bottom": 66.3}
BODY_TOP = 95.0
# Notify takes an address of 3 to 7 lines, the last a real UK postcode.
MIN_LINES, MAX_LINES = 3, 7
# The longest line that fits the block's 95 mm at the letter's 9 pt, written in capitals.
MAX_LINE_CHARACTERS = 40
# Notify refuses an address line that starts with one of these.
BAD_FIRST_CHARACTERS = set('@()=[]"\\/,<>~')
# Notify prints at most 10 pages in a letter.
MAX_PAGES = 10
# Each letter is its own PDF: a batch of letters is small, so its claim never outlives its lease.
BATCH_SIZE = 20


def can_send() -> bool:
    """Whether the configured mail service posts letters (only GOV.UK Notify does)."""
    return current_app.config["MAIL_BACKEND"] == "notify"


def prefers_post():
    """The condition on Member for someone who would rather have letters and could: post consent, an address."""
    return and_(
        Member.preferred_channel == "post",
        Member.address_line_1 != "",
        Member.postcode != "",
        select(Consent.id)
        .where(Consent.member_id == Member.id, Consent.purpose == "post", Consent.withdrawn_at.is_(None))
        .exists(),
    )


def address_lines(member) -> list[str]:
    """The lines of the address block: the name, then the address as on an envelope."""
    name = " ".join(f"{member.first_name or ''} {member.last_name or ''}".split())
    # A part typed or imported over several lines keeps them: each is a line of the block.
    parts = [line for part in postal_lines(member) for line in part.splitlines()]
    return [line for line in (name, *(" ".join(p.split()) for p in parts)) if line]


def address_problem(member) -> str | None:
    """Why this member's address cannot go in a letter's address block, in words for staff; else None."""
    if not (member.postcode or "").strip():
        return "has no postcode"
    try:
        normalise_postcode(member.postcode, required=True)
    except FieldError:
        return "has a postcode that is not a real UK postcode"
    lines = address_lines(member)
    if len(lines) < MIN_LINES:
        return f"has an address of {len(lines)} lines with their name: a letter needs at least {MIN_LINES}"
    if len(lines) > MAX_LINES:
        return f"has an address of {len(lines)} lines with their name: at most {MAX_LINES} fit a letter"
    long = [line for line in lines if len(line) > MAX_LINE_CHARACTERS]
    if long:
        return f"has an address line of {len(long[0])} characters: at most {MAX_LINE_CHARACTERS} fit the address window"
    if any(line[0] in BAD_FIRST_CHARACTERS for line in lines):
        return "has an address line starting with a character Notify does not print there (such as @, ( or /)"
    return None


def postable(members) -> tuple[list, dict[str, int]]:
    """(the members whose address fits a letter, {why not: how many} for the rest)."""
    ok, why = [], {}
    for member in members:
        problem = address_problem(member)
        if problem is None:
            ok.append(member)
        else:
            why[problem] = why.get(problem, 0) + 1
    return ok, why


def check_postage(value) -> str:
    """The postage chosen, or FieldError saying what can be chosen."""
    postage = (value or DEFAULT_POSTAGE).strip().lower()
    if postage not in POSTAGES:
        raise FieldError("Choose the postage for letters: first class, second class or economy")
    return postage
