"""Staff pages for a campaign's print formats: who needs which format, the files, the easy read form."""

from flask import Response, flash, redirect, render_template, request, url_for

from app.auth.permissions import requires
from app.errors import InvalidRequest
from app.newsletters import braille, campaigns, easy_read, images, letter_pdf, letters, print_formats
from app.newsletters.routes import bp

_FORMAT = "<any('large-print', 'easy-read', braille):fmt>"
LABELS = {"large-print": "Large print", "easy-read": "Easy read", "braille": "Braille"}


def _print_page(campaign, error: InvalidRequest | None = None):
    errors = {"download": error.message} if error else {}
    posted, unfit = letter_pdf.print_recipients(campaign)
    return render_template(
        "newsletters/print_formats.html",
        campaign=campaign,
        counts=print_formats.need_counts(campaign),
        slugs=print_formats.FORMATS,
        labels=LABELS,
        easy_read_rows=len(easy_read.rows_for_print(campaign)),
        braille_ready=braille.available(),
        short_link=print_formats.short_link(campaign.id),
        qr=print_formats.qr_data_uri(print_formats.short_link(campaign.id)),
        visits=print_formats.visits(campaign.id),
        letters={"can_post": letters.can_send(), "people": len(posted), "unfit": unfit},
        errors=errors,
    ), (error.status if error else 200)


@bp.route("/campaigns/<int:campaign_id>/print")
@requires("bulletins.view")
def campaign_print(campaign_id):
    return _print_page(campaigns.get_campaign(campaign_id))


@bp.route(f"/campaigns/<int:campaign_id>/print/{_FORMAT}")
@requires("bulletins.send")
def campaign_print_file(campaign_id, fmt):
    campaign = campaigns.get_campaign(campaign_id)
    name = f"{print_formats.safe_name(campaign)}-{fmt}"
    try:
        if fmt == "braille":
            body, people = print_formats.braille_zip(campaign)
            print_formats.record_download(campaign, "Braille files", people)
            kind, name = "application/zip", f"{name}.zip"
        else:
            make = print_formats.large_print_pdf if fmt == "large-print" else print_formats.easy_read_pdf
            body, kind, name = make(campaign), "application/pdf", f"{name}.pdf"
    except InvalidRequest as error:
        return _print_page(campaign, error)
    return Response(body, mimetype=kind, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/campaigns/<int:campaign_id>/print/letters")
@requires("bulletins.send")
def campaign_print_letters(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    people, unfit = letter_pdf.print_recipients(campaign)
    if not people:
        # An old link or bookmark: there is nothing to print, which is not an error.
        if unfit:
            flash("Nobody in this bulletin's audience who would rather have letters has an address that fits one.")
        else:
            flash("Nobody in this bulletin's audience would rather have letters.")
        return redirect(url_for("bulletins.campaign_print", campaign_id=campaign.id, _anchor="letters"))
    try:
        body = letter_pdf.letters_pdf(campaign, people)
    except InvalidRequest as error:
        return _print_page(campaign, error)
    print_formats.record_download(campaign, "Letters", len(people))
    name = f"{print_formats.safe_name(campaign)}-letters.pdf"
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route(f"/campaigns/<int:campaign_id>/print/{_FORMAT}/addresses.csv")
@requires("bulletins.send")
def campaign_print_addresses(campaign_id, fmt):
    campaign = campaigns.get_campaign(campaign_id)
    body, people = print_formats.addresses_csv(campaign, print_formats.SLUGS[fmt])
    print_formats.record_download(campaign, f"{LABELS[fmt]} address sheet", people)
    name = f"{print_formats.safe_name(campaign)}-{fmt}-addresses.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})


def _form_rows(campaign, form=None) -> list[dict]:
    """The rows the form shows: one per paragraph of the bulletin (or per saved idea), and one spare."""
    if form is not None:
        given = form.get("row_count", "")
        count = min(easy_read.MAX_ROWS, int(given)) if given.isdecimal() and len(given) < 4 else 0
        return [{f: form.get(f"rows-{i}-{f}", "") for f in ("text", "image_id", "alt")} for i in range(count)]
    saved = easy_read.saved_rows(campaign)
    count = min(easy_read.MAX_ROWS, max(len(saved), len(print_formats.paragraphs(campaign))) + 1)
    blank = {"text": "", "image_id": "", "alt": ""}
    return [{**blank, **{k: str(v or "") for k, v in row.items()}} for row in saved] + [blank] * (count - len(saved))


@bp.route("/campaigns/<int:campaign_id>/easy-read", methods=["GET", "POST"])
@requires("bulletins.edit")
def campaign_easy_read(campaign_id):
    campaign = campaigns.get_campaign(campaign_id)
    errors, form = {}, None
    if request.method == "POST":
        form = request.form
        if form.get("action") == "add":
            rows = _form_rows(campaign, form) + [{"text": "", "image_id": "", "alt": ""}]
            return _easy_read_page(campaign, rows[: easy_read.MAX_ROWS], {})
        try:
            easy_read.save(campaign, _form_rows(campaign, form))
        except InvalidRequest as error:
            errors = error.errors or {"rows-0-text": error.message}
        else:
            flash("Easy read version saved.")
            return redirect(url_for("bulletins.campaign_print", campaign_id=campaign.id))
    return _easy_read_page(campaign, _form_rows(campaign, form), errors)


def _easy_read_page(campaign, rows, errors):
    paragraphs = print_formats.paragraphs(campaign)
    pictures = images.list_images()
    return render_template(
        "newsletters/easy_read_form.html",
        campaign=campaign,
        rows=rows,
        paragraphs=paragraphs,
        pictures=[(str(p.id), f"Picture {p.id} ({p.width} by {p.height} pixels)") for p in pictures],
        picture_urls={str(p.id): images.public_url(p) for p in pictures},
        errors=errors,
    ), (400 if errors else 200)
