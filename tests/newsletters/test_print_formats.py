"""A campaign in large print, easy read and Braille, with address sheets and a tracked short link."""

import csv
import io
import re
import subprocess
import sys
import zipfile

import pypdf
import pytest
from PIL import Image

from app.audit.models import AuditLogEntry
from app.extensions import db
from app.newsletters import braille, campaigns, easy_read, images, print_formats, sending
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import create_campaign

PARAGRAPHS = [
    "Winter vaccines are here for everyone aged sixty five and over.",
    "Book your appointment with your practice or a local pharmacy this month.",
    "The flu vaccine is safe and it protects the people you care about as well as you.",
] * 4


def png(colour=(0, 94, 184)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "PNG")
    return out.getvalue()


def bulletin(image=None):
    campaign = create_campaign(body="", editor="blocks", subject="Winter news")
    blocks = [{"type": "heading", "text": "Vaccines"}]
    blocks += [{"type": "paragraph", "text": text} for text in PARAGRAPHS[:2]]
    blocks.append({"type": "paragraph", "text": "Read [the full guide](https://example.org/guide) online."})
    if image is not None:
        blocks.append({"type": "image", "image_id": image.id, "alt": "A nurse giving a vaccine"})
    blocks += [{"type": "paragraph", "text": text} for text in PARAGRAPHS[2:]]
    return campaigns.save_blocks(campaign, blocks)


def reader(email, needs, **address):
    return create_member(email, communication_needs=needs, **address)


def letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def test_each_braille_reader_gets_a_brf_with_their_address_that_reads_back_as_the_bulletin(app):
    campaign = bulletin()
    reader(
        "b1@example.org", ["braille"], first_name="Bea", last_name="Lane", address_line_1="1 High St", town="Walsall"
    )
    reader("b2@example.org", ["braille", "large_print"], first_name="Tom", last_name="Hill", address_line_1="9 Mill Rd")
    assert braille.back_translate(braille.translate("WV1 1AA", contracted=False), contracted=False) == "WV1 1AA"
    reader("nopost@example.org", ["braille"])  # no address: nothing can be posted
    reader("print@example.org", ["large_print"], address_line_1="3 Park Lane")
    body, people = print_formats.braille_zip(campaign)
    assert people == 2
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = sorted(archive.namelist())
    assert len(names) == 2 and all(n.endswith(".brf") for n in names)
    content = archive.read([n for n in names if "Tom-Hill" in n][0]).decode("ascii")
    pages = braille.pages_of(content)
    assert len(pages) >= 2, "a long bulletin runs over pages"
    assert all(len(page) <= braille.LINES for page in pages)
    assert all(len(line) <= braille.CELLS for page in pages for line in page)
    assert content.count("\f") == len(pages) - 1 and "\r\n" in content
    first = pages[0]
    # Name and address uncontracted, as they are written on the envelope.
    assert [braille.back_translate(line, contracted=False) for line in first[:3]] == [
        "Tom Hill",
        "9 Mill Rd",
        "WV1 1AA",
    ]
    # The body, translated back by liblouis, gives the bulletin's words in order.
    lines = [line for page in pages for line in page]
    cells = " ".join(lines[4:])
    back = braille.back_translate(cells)
    guide, short = "https://example.org/guide", print_formats.short_link(campaign.id)
    words = ["Winter news", "Vaccines", *PARAGRAPHS[:2], f"Read the full guide ({guide}) online."]
    words += [*PARAGRAPHS[2:], f"Read it online: {short}"]
    # liblouis reads the colon of "https:" back as the contraction "cc": addresses are checked as cells.
    without_addresses = re.compile(r"https?\S*")
    assert letters(without_addresses.sub("", back)) == letters(without_addresses.sub("", " ".join(words)))
    for address in (guide, short):
        assert braille.translate(address, contracted=False) in cells, f"{address} is written out uncontracted"
        assert braille.back_translate(braille.translate(address, contracted=False), contracted=False) == address


def test_without_liblouis_the_braille_download_says_what_is_missing(client, comms, monkeypatch):
    campaign = bulletin()
    reader("b@example.org", ["braille"], address_line_1="1 High St")
    monkeypatch.setitem(sys.modules, "louis", None)  # as if python3-louis were not installed
    assert not braille.available()
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print")
    assert page.status_code == 200 and "Braille files cannot be made on this server" in page.get_data(as_text=True)
    response = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print/braille")
    text = response.get_data(as_text=True)
    assert response.status_code == 503 and "Braille files need liblouis on the server" in text
    assert "python3-louis" in text


def _runs(page):
    """(text, size in points, font name, x, y) of each piece of text on a PDF page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = abs(tm[3] * cm[3])
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            runs.append((text.strip(), round(size * scale, 1), str((font or {}).get("/BaseFont", "")), x, y))

    page.extract_text(visitor_text=visit)
    return runs


def _pictures(page):
    """(x, y, width, height) of each picture drawn on a PDF page."""
    found = []

    def visit(operator, operands, cm, tm):
        if operator == b"Do":
            found.append((cm[4], cm[5], cm[0], cm[3]))

    page.extract_text(visitor_operand_before=visit)
    return found


def test_large_print_is_18_point_sans_serif_left_aligned_with_pictures_described_and_links_written_out(app, tmp_path):
    image = images.upload(png())
    campaign = bulletin(image)
    pdf = print_formats.large_print_pdf(campaign)
    reader_pdf = pypdf.PdfReader(io.BytesIO(pdf))
    runs = [run for page in reader_pdf.pages for run in _runs(page)]
    text = " ".join(run[0] for run in runs)
    assert all(size >= 16 for _, size, _, _, _ in runs), sorted({r[1] for r in runs})
    body = [run for run in runs if run[0].startswith(("Winter vaccines are", "Book your appointment"))]
    assert body and all(size == 18 for _, size, _, _, _ in body)
    assert all("Sans" in font and "Serif" not in font for _, _, font, _, _ in runs), {r[2] for r in runs}
    # Left aligned: every line of the body starts at the same left margin.
    assert len({round(x) for _, size, _, x, _ in runs if size == 18}) == 1
    assert "Picture: A nurse giving a vaccine" in text
    assert "the full guide (https://example.org/guide)" in re.sub(r"\s+", " ", text)
    assert print_formats.short_link(campaign.id) in text.replace("\n", "")
    assert len(_pictures(reader_pdf.pages[0])) >= 1
    # Rendered by poppler as someone would see it: a page with dark print on it, not blank.
    path = tmp_path / "large.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    (png_path,) = tmp_path.glob("page*.png")
    grey = Image.open(png_path).convert("L")
    dark = sum(1 for value in grey.get_flattened_data() if value < 100)
    assert dark > grey.width * grey.height * 0.01, "the first page renders blank"


def test_easy_read_lays_each_idea_out_with_its_picture_on_the_left_and_large_words_on_the_right(app):
    red, green = images.upload(png((200, 0, 0))), images.upload(png((0, 150, 0)))
    campaign = bulletin()
    with pytest.raises(Exception) as refused:
        print_formats.easy_read_pdf(campaign)
    assert "Write the easy read version first" in str(refused.value)
    easy_read.save(
        campaign,
        [
            {"text": "You can have a vaccine.", "image_id": str(red.id), "alt": "A nurse"},
            {"text": "", "image_id": "", "alt": ""},
            {"text": "It keeps you well.", "image_id": str(green.id), "alt": "A happy person"},
        ],
    )
    page = pypdf.PdfReader(io.BytesIO(print_formats.easy_read_pdf(campaign))).pages[0]
    runs = _runs(page)
    pictures = sorted(_pictures(page), key=lambda p: -p[1])  # top of the page first
    ideas = [run for run in runs if run[0] in ("You can have a vaccine.", "It keeps you well.")]
    assert [run[0] for run in sorted(ideas, key=lambda r: -r[4])] == ["You can have a vaccine.", "It keeps you well."]
    assert len(pictures) == 2, "a picture for each idea (the QR code is drawn, not a picture)"
    for (_, size, _, x, y), (px, py, width, height) in zip(sorted(ideas, key=lambda r: -r[4]), pictures, strict=True):
        assert size >= 18
        assert px + width < x, "the picture is on the left of its words"
        assert py <= y <= py + height, "the words sit beside their picture, on the same row"


def test_the_easy_read_form_needs_a_picture_and_its_description_for_each_idea(client, comms):
    image = images.upload(png())
    campaign = bulletin()
    url = f"/staff/bulletins/campaigns/{campaign.id}/easy-read"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and PARAGRAPHS[0] in html, "each paragraph of the bulletin is shown to rewrite"
    form = {"csrf_token": csrf_token(html), "row_count": "2", "action": "save", "rows-0-text": "Get a vaccine."}
    bad = client.post(url, data=form)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Idea 1: choose a picture" in text and "Idea 1: say what the picture shows" in text
    assert db.session.get(type(campaign), campaign.id).easy_read is None
    good = client.post(url, data={**form, "rows-0-image_id": str(image.id), "rows-0-alt": "A nurse"})
    assert good.status_code == 302
    saved = db.session.get(type(campaign), campaign.id).easy_read
    assert saved == [{"text": "Get a vaccine.", "image_id": image.id, "alt": "A nurse"}]


def test_the_print_page_counts_needs_and_the_address_sheet_is_ready_for_a_mail_merge(client, comms):
    campaign = bulletin()
    reader("a@example.org", ["large_print"], first_name="Ann", last_name="Lee", address_line_1="1 High St", town="Bury")
    reader("b@example.org", ["large_print", "bsl"])
    reader("c@example.org", ["easy_read"], address_line_1="2 Low St")
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print").get_data(as_text=True)
    large = re.search(r'data-need="large_print">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'data-count="members">2<', large) and re.search(r'data-count="with_address">1<', large)
    assert re.search(r'data-need="bsl">.*?data-count="members">1<', page, re.S)
    response = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print/large-print/addresses.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["name"], r["town"], r["postcode"]) for r in rows] == [("Ann Lee", "Bury", "WV1 1AA")]
    assert rows[0]["label"] == "Ann Lee\n1 High St\nBury\nWV1 1AA"
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.record_type == "campaign_print"))
    assert entry.action == "export" and "1 people" in entry.detail
    pdf = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print/large-print")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"


def test_the_printed_short_link_opens_the_web_version_and_is_counted_as_read_from_print(client, outbox):
    campaign = bulletin()
    create_member("reader@example.org")
    link = print_formats.short_link(campaign.id).replace("http://localhost", "")
    assert client.get(link).status_code == 404, "nothing to read before it is sent"
    sending.start_send(campaign.id)
    opened = client.get(link)
    assert opened.status_code == 302 and f"/bulletins/{campaign.id}/" in opened.headers["Location"]
    assert client.get(opened.headers["Location"].replace("http://localhost", "")).status_code == 200
    assert client.get(link.lower()).status_code == 302, "typed from paper in small letters"
    assert client.get(link[:-1] + ("A" if link[-1] != "A" else "B")).status_code == 404
    assert client.get(f"/p/{campaign.id + 1}-AAAAAAAA").status_code == 404
    assert print_formats.visits(campaign.id) == 2
    login(client, create_staff_user("comms"))
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/print").get_data(as_text=True)
    assert "Visits to the web version from printed copies: 2" in page
