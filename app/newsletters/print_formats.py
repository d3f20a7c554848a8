"""A campaign in alternative formats for people who asked for them: large print, easy read and Braille.

Who gets a copy: members of the campaign's audience, active and consenting to what it is for,
who recorded that need (app/members/vocab.py COMMUNICATION_NEEDS) and gave a postal address.
Each copy carries a short link and a QR code to the web version; following it is counted as a
visit from print, so the readership of copies on paper is seen beside that of the email.
"""

import base64
import csv
import hashlib
import hmac
import html
import io
import os
import re
import zipfile
from dataclasses import dataclass

import segno
from flask import current_app, render_template
from lxml import html as lxml_html
from sqlalchemy import cast, func, select

from app.audit import services as audit
from app.clock import now
from app.errors import InvalidRequest
from app.extensions import db
from app.members.vocab import COMMUNICATION_NEEDS
from app.newsletters import audiences, braille, campaigns, images
from app.newsletters.models import Campaign, TrackingEvent
from app.spreadsheets import text_cell
from app.validation import postal_lines

# The formats a file is made for, by the need that asks for it; the part of each download's address.
FORMATS = {"large_print": "large-print", "easy_read": "easy-read", "braille": "braille"}
SLUGS = {slug: need for need, slug in FORMATS.items()}
CHANNEL = "print"
_TAG_LENGTH = 8


@dataclass
class NeedCount:
    need: str
    label: str
    members: int  # in the audience with this need
    with_address: int  # of them, with a postal address: the copies to post
    has_file: bool


def _audience_members(campaign: Campaign) -> list:
    if campaign.audience is None:
        return []
    member = audiences.Member
    query = audiences.postal_query(campaign.audience.filter or {}, audiences.purpose_of(campaign))
    # Only those with a need recorded (a list with a quoted code in it), the same way on every database.
    query = query.where(cast(member.communication_needs, db.String).like('%"%'))
    return list(db.session.scalars(query.order_by(func.lower(member.last_name), member.id)))


def need_counts(campaign: Campaign) -> list[NeedCount]:
    """How many of the audience recorded each communication need, and how many of them can be posted to.

    Needs are not equality characteristics: these are plain counts, which staff need exactly to print."""
    people = _audience_members(campaign)
    counts = []
    for need, label in COMMUNICATION_NEEDS.items():
        with_need = [m for m in people if need in (m.communication_needs or [])]
        counts.append(
            NeedCount(need, label, len(with_need), sum(1 for m in with_need if postal_lines(m)), need in FORMATS)
        )
    return counts


def recipients(campaign: Campaign, need: str) -> list:
    """The members to post a copy in this format to: the need recorded and a postal address."""
    return [m for m in _audience_members(campaign) if need in (m.communication_needs or []) and postal_lines(m)]


# ----- the short link and QR code --------------------------------------------------------------


def _tag(campaign_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"print-link:{campaign_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:_TAG_LENGTH]


def short_link(campaign_id: int) -> str:
    """An address short enough to type from paper: the campaign and a tag only the app can make."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/p/{campaign_id}-{_tag(campaign_id)}"


def campaign_for_link(code: str) -> Campaign | None:
    """The sent campaign a printed short link names, or None for a link nobody printed."""
    match = re.fullmatch(r"(\d{1,9})-([A-Za-z2-7]{8})", code or "")
    if not match:
        return None
    campaign_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).upper(), _tag(campaign_id)):
        return None
    campaign = db.session.get(Campaign, campaign_id)
    return campaign if campaign is not None and campaign.status in ("sending", "paused", "sent") else None


def record_visit(campaign: Campaign, user_agent: str) -> None:
    """A visit to the web version from a printed copy: no one's, counted for the campaign."""
    db.session.add(
        TrackingEvent(
            campaign_id=campaign.id,
            kind="visit",
            source=CHANNEL,
            user_agent=(user_agent or "")[:500],
            occurred_at=now(),
        )
    )
    db.session.commit()


def visits(campaign_id: int) -> int:
    query = select(func.count()).where(
        TrackingEvent.campaign_id == campaign_id, TrackingEvent.source == CHANNEL, TrackingEvent.kind == "visit"
    )
    return db.session.scalar(query) or 0


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


# ----- the content in print -----------------------------------------------------------------------

_BLOCK_TAGS = {"h1", "h2", "h3", "h4", "p", "li", "blockquote", "td", "th"}


def _spelled_out(element) -> None:
    """Each link written out after its words, as a reader of paper needs it."""
    for link in element.iter("a"):
        url = link.get("href") or ""
        words = link.text_content().strip()
        if url.startswith(("http://", "https://", "mailto:")) and url.removeprefix("mailto:") != words:
            link.tail = f" ({url.removeprefix('mailto:')})" + (link.tail or "")


def content_parts(campaign: Campaign, first_name: str = "reader") -> list[dict]:
    """The bulletin as a list of parts: {"kind": "heading"|"text"|"image", "text", "src", "alt"}."""
    tree = lxml_html.fragment_fromstring(campaigns.readable_html(campaign, first_name) or "<p></p>", create_parent=True)
    _spelled_out(tree)
    parts = []
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "img":
            parts.append({"kind": "image", "src": element.get("src") or "", "alt": element.get("alt") or ""})
        elif tag in _BLOCK_TAGS and not any(
            isinstance(a.tag, str) and a.tag in _BLOCK_TAGS for a in element.iterancestors()
        ):
            text = " ".join(element.text_content().split())
            if text:
                parts.append({"kind": "heading" if tag.startswith("h") and tag != "th" else "text", "text": text})
    return parts


def paragraphs(campaign: Campaign, first_name: str = "reader") -> list[str]:
    """The bulletin's words, a paragraph each, for the easy read form and the Braille files."""
    return [part["text"] for part in content_parts(campaign, first_name) if part["kind"] != "image"]


def _image_file(src: str) -> str | None:
    """A picture of the bulletin library, from its public address, as a file on this server."""
    name = src.rsplit("/", 1)[-1]
    if not re.fullmatch(images.FILE_NAME, name) or images.by_file_name(name) is None:
        return None
    path = os.path.join(images.folder(), name)
    return path if os.path.isfile(path) else None


def _fetcher():
    """What WeasyPrint may load: QR codes given inline and pictures of the bulletin library, nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LibraryOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _image_file(url)
            if path is None:
                raise ValueError(f"not a bulletin picture: {url[:100]}")
            with open(path, "rb") as handle:
                return URLFetcherResponse(url, handle.read())

    return LibraryOnly(allowed_protocols=("data", "http", "https"))


def _pdf(template: str, campaign: Campaign, **context) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as error:  # Pango is missing on this server
        raise InvalidRequest(
            "PDF files need the Pango library on the server (Debian: libpango-1.0-0 libpangoft2-1.0-0).", 503
        ) from error
    link = short_link(campaign.id)
    page = render_template(template, campaign=campaign, short_link=link, qr=qr_data_uri(link), **context)
    return HTML(string=page, url_fetcher=_fetcher()).write_pdf()


def large_print_pdf(campaign: Campaign) -> bytes:
    """The bulletin in large print: 18 pt sans serif, left aligned, black on white, links written out."""
    return _pdf("newsletters/print/large_print.html", campaign, parts=content_parts(campaign))


def easy_read_pdf(campaign: Campaign) -> bytes:
    """The easy read version written by staff: one idea a row, its picture on the left, large words on the right."""
    from app.newsletters import easy_read

    rows = easy_read.rows_for_print(campaign)
    if not rows:
        raise InvalidRequest("Write the easy read version first: no easy read text has been saved.", 422)
    return _pdf("newsletters/print/easy_read.html", campaign, rows=rows)


def braille_zip(campaign: Campaign) -> tuple[bytes, int]:
    """One BRF per recipient who needs Braille, each starting with their name and address; the count."""
    people = recipients(campaign, "braille")
    if not people:
        raise InvalidRequest("No one in this audience needs Braille and has a postal address.", 422)
    braille.translate("x")  # says clearly if liblouis is missing, before any work
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, member in enumerate(people, start=1):
            heading = [member.full_name, *postal_lines(member)]
            body = [campaign.subject or campaign.name, *paragraphs(campaign, member.first_name or "reader")]
            body.append(f"Read it online: {short_link(campaign.id)}")
            name = re.sub(r"[^A-Za-z0-9]+", "-", member.full_name).strip("-")[:40] or "member"
            archive.writestr(f"{number:04d}-{name}.brf", braille.brf(heading, body).encode("ascii", "replace"))
    return buffer.getvalue(), len(people)


def addresses_csv(campaign: Campaign, need: str) -> tuple[str, int]:
    """The mail-merge sheet for one format: a row per recipient, the address in columns and as a label."""
    people = recipients(campaign, need)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "address_line_1", "address_line_2", "address_line_3", "town", "postcode", "label"])
    for m in people:
        label = "\n".join([m.full_name, *postal_lines(m)])
        row = [m.full_name, m.address_line_1, m.address_line_2, m.address_line_3, m.town, m.postcode, label]
        writer.writerow([text_cell(value) for value in row])
    return out.getvalue(), len(people)


def record_download(campaign: Campaign, what: str, people: int | None = None) -> None:
    """Files naming people are exports of personal data: audited."""
    detail = what if people is None else f"{what}: {people} people"
    audit.record("export", "campaign_print", campaign.id, detail)
    db.session.commit()


def safe_name(campaign: Campaign) -> str:
    return re.sub(r"[^a-z0-9]+", "-", html.unescape(campaign.name).lower()).strip("-")[:50] or "campaign"
