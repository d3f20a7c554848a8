"""What a campaign says: the pre-send checklist and the frozen content."""

from flask import current_app
from sqlalchemy import delete, select

from app.extensions import db
from app.members.models import Member
from app.newsletters import audiences, blocks, kinds, rendering
from app.newsletters.models import Campaign, Link
from app.validation import FieldError, email_key, normalise_email


def checklist(campaign: Campaign, count_audience: bool = True) -> list[tuple[str, bool, str]]:
    """Every check before sending, as (what, passed, explanation).

    Without `count_audience` the audience need only be chosen: the send itself counts the
    recipients as it freezes them, instead of reading every member twice.
    """
    items = []
    items.append(("Subject", bool(campaign.subject.strip()), "Enter a subject line"))
    from_address = campaign.from_address or current_app.config["MAIL_FROM_ADDRESS"]
    try:
        normalise_email(from_address)
        from_ok = True
    except FieldError:
        from_ok = False
    items.append(("From name and address", from_ok, "Enter a valid from address"))
    body = rendering.source_text(campaign)
    written = bool(campaign.blocks) if rendering.is_blocks(campaign) else bool(body.strip())
    items.append(("Content", written, "Write the bulletin's content"))
    problem = rendering.unknown_merge_fields_message(body + "\n" + (campaign.subject or ""))
    items.append(("Merge fields", not problem, problem))
    # Every email carries one unsubscribe link: the content's own if it has one, else the footer's.
    where = "in the content" if rendering.has_unsubscribe_link(body) else "in the footer of every email"
    items.append(("Unsubscribe link", True, where))
    items.extend(_kind_checks(campaign, body))
    addresses = blocks.links(campaign.blocks) if rendering.is_blocks(campaign) else _links(body)
    bad_links = [u for u in addresses if not u.startswith(("https://", "http://", "mailto:"))]
    items.append(("Links valid", not bad_links, "Links must start with https://, http:// or mailto:"))
    if campaign.audience is None:
        items.append(("Audience", False, "Choose an audience"))
    elif count_audience:
        size = audiences.count(campaign.audience.filter or {}, audiences.purpose_of(campaign)).recipients
        items.append(("Audience", size > 0, f"{size} recipients" if size else NO_RECIPIENTS))
    return items


def _kind_checks(campaign: Campaign, body: str) -> list[tuple[str, bool, str]]:
    """The checks the campaign's kind adds, and a failed one for each other kind whose merge fields
    the content uses: only that kind fills them, so here they would reach the reader blank."""
    kind = kinds.kind_of(campaign)
    used = rendering.merge_names(body)
    items = []
    for other in kinds.kinds():
        if other is not kind and used & set(other.merge_fields):
            fields = ", ".join("{{ " + name + " }}" for name in sorted(used & set(other.merge_fields)))
            what, why = (
                other.elsewhere if other.elsewhere[0] else (other.label, f"Only {other.label} can carry {fields}")
            )
            items.append((what, False, why))
    return items + kind.checks(campaign, body)


NO_RECIPIENTS = "The audience has no recipients"


def problems(campaign: Campaign, count_audience: bool = True) -> dict[str, str]:
    """{check: reason} for every failed check; empty when the campaign may be sent."""
    return {name: reason for name, ok, reason in checklist(campaign, count_audience) if not ok}


def _links(markdown_text: str) -> list[str]:
    import re

    html = rendering.sanitise_html(markdown_text)
    return [m for m in re.findall(r'href="([^"]*)"', html) if "%%" not in m and "{{" not in m]


def prepare(campaign: Campaign) -> None:
    """Freeze the content with its registered links, placeholders left for each recipient."""
    db.session.execute(delete(Link).where(Link.campaign_id == campaign.id))
    positions: dict[str, int] = {}

    def register(url: str) -> int:
        if url not in positions:
            link = Link(campaign_id=campaign.id, url=url[:2000], position=len(positions) + 1)
            db.session.add(link)
            db.session.flush()
            positions[url] = link.id
        return positions[url]

    body_html = rendering.rewrite_links(rendering.body_html(campaign), register)
    hidden = Link(campaign_id=campaign.id, url=current_app.config["PUBLIC_BASE_URL"] + "/", position=0, hidden=True)
    db.session.add(hidden)
    db.session.flush()
    web = rendering.web_version_url(campaign.id)
    html = rendering.wrap(campaign, body_html, hidden.id, web)
    text = rendering.plain_text(campaign, web)
    campaign.prepared_html = html.replace("%%web_version_url%%", web)
    campaign.prepared_text = text.replace("%%web_version_url%%", web)


def sample_member(campaign: Campaign, address: str):
    """The member of the campaign's audience a preview is shown for, found by email address.

    Raises FieldError when the address is not an address or its owner would not receive the campaign.
    """
    address = normalise_email(address)
    if campaign.audience is None:
        raise FieldError("Choose an audience for the campaign first")
    receives = audiences.recipients_query(campaign.audience.filter or {}, audiences.purpose_of(campaign))
    member = db.session.scalar(
        select(Member).where(Member.email_normalised == email_key(address), Member.id.in_(receives))
    )
    if member is None:
        raise FieldError(f"Nobody with the address {address} would receive this campaign")
    return member


def _values(campaign: Campaign, member=None) -> dict[str, str]:
    if member is None:
        return rendering.sample_values(campaign.id)
    return rendering.member_values(campaign.id, member.id, member.first_name)


def preview_headers(campaign: Campaign, member=None) -> dict[str, str]:
    """The envelope of the preview: subject, sender and recipient as the sample reader
    (or the chosen member) would see them."""
    values = _values(campaign, member)
    return {
        "subject": rendering.personalise(rendering.subject_template(campaign.subject), values),
        "from_name": campaign.from_name
        or current_app.config["MAIL_FROM_NAME"]
        or current_app.config["ORGANISATION_NAME"],
        "from_address": campaign.from_address or current_app.config["MAIL_FROM_ADDRESS"],
        "to_name": values["first_name"],
    }


def preview(campaign: Campaign, member=None) -> tuple[str, str]:
    """HTML and plain text as a recipient would see them, with sample values (or the chosen
    member's own) and untracked links."""
    web = rendering.web_version_url(campaign.id) if campaign.id else ""
    body_html = rendering.body_html(campaign)
    html = rendering.wrap(campaign, body_html, None, web)
    text = rendering.plain_text(campaign, web)
    values = _values(campaign, member)
    return rendering.personalise(html, values), rendering.personalise(text, values)
