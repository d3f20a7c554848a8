"""The "repeat for each news item" block: a list of news items shown one row after another, alike.

Each item has a title, a short text, an optional image (with alt text, or marked decorative)
and an optional link with its own words. Items are checked field by field like any block;
app/newsletters/blocks.py registers the block and names each refused field.
"""

import html
from collections.abc import Callable

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.newsletters import images

MAX_ITEMS = 50
_URL = r"^https?://[^\s\"'<>]+\Z"
_ADDRESS = "Enter the web address the link opens, starting https:// or http://"


def _text(what: str, max_length: int, required: bool = True) -> fields.Str:
    checks = [validate.Length(max=max_length, error=f"{what.capitalize()} must be {max_length:,} characters or fewer")]
    if required:
        checks.insert(0, validate.Length(min=1, error=f"Enter {what}"))
    return fields.Str(
        required=required,
        **({} if required else {"load_default": ""}),
        validate=checks,
        error_messages={"required": f"Enter {what}", "null": f"Enter {what}", "invalid": f"Enter {what}"},
    )


class NewsItem(Schema):
    """One news item of the block."""

    class Meta:
        unknown = RAISE

    title = _text("the item's title", 200)
    text = _text("the item's short text", 2000, required=False)
    image_id = fields.Int(
        load_default=None,
        allow_none=True,
        strict=False,
        validate=validate.Range(min=1, max=2**31 - 1, error="Choose an uploaded image"),
        error_messages={"invalid": "Choose an uploaded image"},
    )
    alt = _text("the image's alt text", 300, required=False)
    decorative = fields.Bool(load_default=False)
    url = fields.Str(
        load_default="",
        validate=validate.Regexp(_URL + "|^\\Z", error=_ADDRESS),
        error_messages={"invalid": _ADDRESS},
    )
    link_text = _text("the link's words", 100, required=False)

    @validates_schema
    def _whole_item(self, data, **kwargs):
        problems = {}
        if data.get("image_id"):
            if images.get(data["image_id"]) is None:
                problems["image_id"] = ["Choose an uploaded image"]
            elif not data.get("decorative") and not (data.get("alt") or "").strip():
                problems["alt"] = ["Describe the image for people who cannot see it, or mark it as decorative"]
        if (data.get("url") or "").strip() and not (data.get("link_text") or "").strip():
            problems["link_text"] = ["Enter the link's words, such as 'Read the full story'"]
        if (data.get("link_text") or "").strip() and not (data.get("url") or "").strip():
            problems["url"] = [_ADDRESS]
        if problems:
            raise ValidationError(problems)


class NewsBlock(Schema):
    class Meta:
        unknown = RAISE

    type = fields.Str(required=True)
    items = fields.List(
        fields.Nested(NewsItem),
        required=True,
        validate=validate.Length(min=1, max=MAX_ITEMS, error=f"Add between 1 and {MAX_ITEMS} news items"),
        error_messages={"required": "Add at least one news item", "invalid": "News items must be a list"},
    )


def blank_item() -> dict:
    return {"title": "", "text": "", "image_id": "", "alt": "", "decorative": False, "url": "", "link_text": ""}


def written(block: dict) -> list[tuple[str, str]]:
    """(field, text) for every field of every item a reader sees as words: what merge-field checks read."""
    return [
        (f"items-{j}-{name}", item.get(name) or "")
        for j, item in enumerate(block.get("items") or [])
        for name in ("title", "text", "alt", "link_text")
        if item.get(name)
    ]


def links(block: dict) -> list[str]:
    return [item["url"] for item in block.get("items") or [] if item.get("url")]


def _image(item: dict, fill: Callable[[str], str], width: int) -> str:
    image = images.get(item.get("image_id")) if item.get("image_id") else None
    if image is None:
        return ""
    alt = "" if item.get("decorative") else fill(html.escape((item.get("alt") or "").strip()))
    return (
        f'<p class="news-item-image"><img src="{html.escape(images.public_url(image))}" alt="{alt}"'
        f' width="{min(image.width, width)}" style="display:block;max-width:100%;height:auto;border:0"></p>'
    )


def to_html(block: dict, fill: Callable[[str], str], width: int) -> str:
    """One row per item, each laid out alike: image, title, short text, then the link."""
    rows = []
    for item in block.get("items") or []:
        parts = [
            _image(item, fill, width),
            f'<h3 class="news-item-title">{fill(html.escape(item["title"].strip()))}</h3>',
        ]
        if (item.get("text") or "").strip():
            parts.append(
                f"<p>{fill(html.escape(item['text'].strip())).replace(chr(13), '').replace(chr(10), '<br>')}</p>"
            )
        if item.get("url"):
            parts.append(
                f'<p class="news-item-link"><a href="{html.escape(item["url"])}">'
                f"{fill(html.escape(item['link_text'].strip()))}</a></p>"
            )
        rows.append(f'<tr><td class="news-item">{"".join(parts)}</td></tr>')
    return (
        '<table role="presentation" class="block-news" width="100%" cellpadding="0" cellspacing="0" border="0">'
        + "".join(rows)
        + "</table>"
    )
