"""Turning a bulletin's Markdown into the email every recipient gets.

Content is rendered once per campaign, with %%name%% placeholders where each
recipient's values go (SendGrid substitutions use the same placeholders), so a
send of 100,000 costs one render and 100,000 string substitutions.
"""

import html
import re

import css_inline
import markdown
import nh3
from flask import current_app, render_template

from app import tokens
from app.extensions import db
from app.newsletters import blocks, branding, kinds
from app.newsletters.models import Campaign

# The merge fields every campaign has; kinds of message add their own (app/newsletters/kinds.py).
MERGE_FIELDS = {
    "first_name": "The recipient's first name",
    "preferences_url": "Their preferences page",
    "unsubscribe_url": "Their one-click unsubscribe page",
    "web_version_url": "The web version of this bulletin",
}
_MERGE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_PLACEHOLDER = re.compile(r"%%([a-z_]+)%%")
_HREF = re.compile(r'href="(https?://[^"]+)"')
_TAGS = nh3.ALLOWED_TAGS | {"table", "thead", "tbody", "tr", "td", "th", "img", "hr"}


def known_merge_fields() -> set[str]:
    """Every merge field a campaign of some kind can carry."""
    return set(MERGE_FIELDS) | set(kinds.merge_field_kinds())


def invalid_merge_fields(text: str) -> list[str]:
    """The {{ names }} in `text` that are not merge fields we know."""
    known = known_merge_fields()
    return sorted({name for name in _MERGE.findall(text or "") if name not in known})


def unknown_merge_fields_message(text: str, where: str = "") -> str:
    """'Unknown merge fields: {{ x }}' (or '... in `where`'), naming each unknown field; empty if none."""
    unknown = invalid_merge_fields(text)
    if not unknown:
        return ""
    names = ", ".join("{{ " + name + " }}" for name in unknown)
    return f"Unknown merge field in {where}: {names}" if where else f"Unknown merge fields: {names}"


def merge_fields_hint() -> str:
    """The merge fields a writer may use, as a hint beside the content: every campaign's, then each kind's."""
    hint = "Merge fields: " + ", ".join("{{ " + name + " }}" for name in MERGE_FIELDS)
    for kind in kinds.kinds():
        if kind.merge_fields:
            hint += f", and in {kind.label} " + ", ".join("{{ " + name + " }}" for name in kind.merge_fields)
    return hint


def merge_names(text: str) -> set[str]:
    return set(_MERGE.findall(text or ""))


def has_unsubscribe_link(text: str) -> bool:
    return "unsubscribe_url" in _MERGE.findall(text or "")


def _placeholders(text: str, for_html: bool) -> str:
    known = known_merge_fields()

    def swap(match):
        name = match.group(1)
        if name == "first_name" and for_html:
            return "%%first_name_html%%"
        return f"%%{name}%%" if name in known else ""

    return _MERGE.sub(swap, text or "")


def subject_template(subject: str) -> str:
    """The subject with a placeholder for each merge field, filled per recipient like the content."""
    return _placeholders(subject, for_html=False)


def public_subject(subject: str) -> str:
    """The subject as the archive and the web version show it: no one's name, no merge-field syntax."""
    return personalise(subject_template(subject), {"first_name": "reader"})


def sanitise_html(markdown_text: str) -> str:
    """Markdown (or pasted HTML) to HTML with scripts, handlers and unsafe URLs removed."""
    return nh3.clean(markdown.markdown(markdown_text or "", extensions=["tables"]), tags=_TAGS)


def content_html(markdown_text: str) -> str:
    """Sanitised HTML of the content, placeholders in place of merge fields."""
    return sanitise_html(_placeholders(markdown_text, for_html=True))


def is_blocks(campaign) -> bool:
    return getattr(campaign, "editor", "markdown") == "blocks"


def source_text(campaign) -> str:
    """What the writer typed, as text: the Markdown, or every block's words and addresses."""
    return blocks.text_of(campaign.blocks) if is_blocks(campaign) else (campaign.body_markdown or "")


def body_html(campaign, for_html: bool = True) -> str:
    """The content as sanitised HTML with placeholders, from its Markdown or its blocks."""
    if is_blocks(campaign):
        return blocks.to_html(campaign.blocks, lambda text: _placeholders(text, for_html=for_html))
    if for_html:
        return content_html(campaign.body_markdown)
    return sanitise_html(_placeholders(campaign.body_markdown, for_html=False))


# Layout classes the web version's stylesheet uses (two columns stack on a phone, as in the email).
_WEB_CLASSES = {"td": {"block-column", "stack-column"}}


def clean_html(body: str) -> str:
    """HTML already written (blocks rendered, placeholders filled) with anything unsafe removed, for a web page."""
    return nh3.clean(body or "", tags=_TAGS, allowed_classes=_WEB_CLASSES)


def rewrite_links(body_html: str, register) -> str:
    """Send every http(s) link through the click tracker; `register(url)` returns its link id."""
    base = current_app.config["PUBLIC_BASE_URL"]

    def swap(match):
        url = html.unescape(match.group(1))
        return f'href="{base}/t/c/%%click%%/{register(url)}"'

    return _HREF.sub(swap, body_html)


def wrap(campaign, body_html: str, hidden_link_id: int | None, web_version_url: str) -> str:
    """The branded, responsive layout around the content, with CSS inlined for mail clients."""
    base = current_app.config["PUBLIC_BASE_URL"]
    page = render_template(
        "email/bulletin.html",
        campaign=campaign,
        brand=branding.of_template(campaign.template),
        subject=_placeholders(campaign.subject, for_html=True),
        preheader=_placeholders(campaign.preheader or "", for_html=True),
        body_html=body_html,
        # One unsubscribe link per email: the footer's, unless the content has its own.
        footer_unsubscribe=not has_unsubscribe_link(source_text(campaign)),
        hidden_link_url=f"{base}/t/c/%%click%%/{hidden_link_id}" if hidden_link_id else None,
        open_pixel_url=f"{base}/t/o/%%open%%.gif" if hidden_link_id else None,
        web_version_url=web_version_url,
    )
    # The @media rule stays in the <style>: inline styles cannot say "on a phone".
    return css_inline.inline(page, keep_at_rules=True)


_LINK = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def text_from_html(body_html: str) -> str:
    """The plain-text part from the rendered content: headings, paragraphs, lists and tables as text,
    each link as its words and then its address, and nothing the HTML part removed."""
    from inscriptis import get_text

    def spell_out(match):
        url, words = html.unescape(match.group(1)), _TAG.sub("", match.group(2)).strip()
        shown = html.escape(url)
        return shown if not words or html.unescape(words) == url else f"{words} ({shown})"

    text = get_text(_LINK.sub(spell_out, body_html or ""))
    lines = [line.rstrip() for line in text.splitlines()]
    # One blank line between blocks, none at either end.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def plain_text(campaign, web_version_url: str) -> str:
    return render_template(
        "email/bulletin.txt",
        campaign=campaign,
        subject=_placeholders(campaign.subject, for_html=False),
        body_text=text_from_html(body_html(campaign, for_html=False)),
        footer_unsubscribe=not has_unsubscribe_link(source_text(campaign)),
        web_version_url=web_version_url,
    )


def web_version_url(campaign_id: int) -> str:
    base = current_app.config["PUBLIC_BASE_URL"]
    return f"{base}/bulletins/{campaign_id}/{tokens.sign('open', ['w', campaign_id])}"


def send_template(prepared: str) -> str:
    """The frozen content with each link spelt as the address plus the recipient's token.

    Every link of one recipient carries the same token, so a message names the
    token once among its substitutions instead of once per kind of link.
    """
    base = current_app.config["PUBLIC_BASE_URL"]
    return (
        (prepared or "")
        .replace("%%unsubscribe_url%%", f"{base}/unsubscribe/%%t%%")
        .replace("%%preferences_url%%", f"{base}/preferences/%%p%%")
        .replace("%%open%%", "%%t%%")
        .replace("%%click%%", "%%t%%")
    )


def batch_values(campaign_id: int, recipients: list[tuple[int, int, str]], used: set[str]) -> list[dict[str, str]]:
    """Each recipient's values for the placeholders of a send template that `used` names,
    keyed by the placeholder itself ("%%t%%"), as SendGrid's substitutions are.

    `t` is their own token ([campaign, delivery, member]: pixel, clicks and unsubscribe),
    `p` their preferences token (the page is the member's, not this bulletin's).
    """
    if not recipients:
        return []
    columns: dict[str, list[str]] = {
        "%%t%%": tokens.sign_many("recipient", [(campaign_id, d, m) for d, m, _ in recipients])
    }
    if "p" in used:
        columns["%%p%%"] = tokens.sign_many("preferences", [m for _, m, _ in recipients])
    if "first_name" in used:
        columns["%%first_name%%"] = [name or "" for _, _, name in recipients]
    if "first_name_html" in used:
        columns["%%first_name_html%%"] = [html.escape(name or "") for _, _, name in recipients]
    columns.update(_kind_columns(campaign_id, [m for _, m, _ in recipients], used))
    keys = tuple(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def placeholders(*templates: str) -> set[str]:
    """The %%names%% a recipient's values must fill in these templates."""
    return {name for template in templates for name in _PLACEHOLDER.findall(template or "")}


def _campaign(campaign_id: int | None) -> Campaign | None:
    return db.session.get(Campaign, campaign_id) if campaign_id else None


def _kind_columns(campaign_id: int, member_ids: list[int], used: set[str]) -> dict[str, list[str]]:
    """The values of the kinds' merge fields that `used` names: filled by the campaign's own kind,
    blank for a field of another kind (which the checklist refuses before a send)."""
    wanted = [name for name in kinds.merge_field_kinds() if name in used]
    if not wanted:
        return {}
    campaign = _campaign(campaign_id)
    kind = kinds.kind_of(campaign)
    filled = kind.fill(campaign, member_ids) if set(wanted) & set(kind.merge_fields) else {}
    return {f"%%{name}%%": filled.get(name) or [""] * len(member_ids) for name in wanted}


def personalise(template: str, values: dict[str, str]) -> str:
    """Fill %%name%% placeholders; unknown ones become empty."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template)


def sample_values(campaign_id: int) -> dict[str, str]:
    """Placeholder values for previews, test sends and the web version: nobody's real links."""
    base = current_app.config["PUBLIC_BASE_URL"]
    return {
        "first_name": "Sam",
        "first_name_html": "Sam",
        "open": "preview",
        "click": "preview",
        "unsubscribe_url": f"{base}/unsubscribe/preview",
        "preferences_url": f"{base}/preferences/preview",
        "web_version_url": web_version_url(campaign_id) if campaign_id else f"{base}/",
        **kind_samples(campaign_id),
    }


def member_values(campaign_id: int, member_id: int, first_name: str) -> dict[str, str]:
    """The preview's values for one chosen member of the audience: their own merge fields, still nobody's links."""
    values = sample_values(campaign_id)
    values["first_name"] = first_name or ""
    values["first_name_html"] = html.escape(first_name or "")
    campaign = _campaign(campaign_id)
    kind = kinds.kind_of(campaign)
    for name, column in kind.fill(campaign, [member_id]).items():
        values[name] = (column or [""])[0] or ""
    return values


def kind_samples(campaign_id: int | None) -> dict[str, str]:
    """Sample values of the kinds' merge fields: the campaign's own kind gives its own, the rest are blank."""
    campaign = _campaign(campaign_id)
    samples = {name: "" for name in kinds.merge_field_kinds()}
    samples.update(kinds.kind_of(campaign).samples(campaign))
    return samples
