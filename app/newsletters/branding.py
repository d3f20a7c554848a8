"""A template's branding: the colours of the header band and buttons, and the logo in the header.

White text sits on both colours, so each must keep a contrast of at least 4.5:1 with white
(WCAG 2.2, 1.4.3). A campaign without a template, or a template without branding, has the
NHS blue header and green buttons.
"""

import math
import re
from dataclasses import dataclass

from app.extensions import db
from app.newsletters import images
from app.newsletters.models import BulletinImage, Template

DEFAULT_BRAND = "#005eb8"
DEFAULT_BUTTON = "#007f3b"
MIN_CONTRAST = 4.5
_HEX = re.compile(r"#[0-9a-f]{6}")
LABELS = {"brand_colour": "The header colour", "button_colour": "The button colour"}


@dataclass(frozen=True)
class Branding:
    brand_colour: str = DEFAULT_BRAND
    button_colour: str = DEFAULT_BUTTON
    logo_url: str | None = None
    logo_alt: str = ""
    logo_width: int = 0
    logo_height: int = 0


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_with_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


def clean(data: dict) -> tuple[dict, dict[str, str]]:
    """The branding fields as they will be stored, and a message for each field that cannot be."""
    values, errors = {}, {}
    for name, label in LABELS.items():
        raw = str(data.get(name) or "").strip().lower()
        if not raw:
            values[name] = None
            continue
        if not raw.startswith("#"):
            raw = "#" + raw
        if not _HEX.fullmatch(raw):
            errors[name] = f"{label} must be a colour in the form #005eb8"
            continue
        ratio = contrast_with_white(raw)
        if ratio < MIN_CONTRAST:
            errors[name] = (
                f"{label} {raw} has a contrast of {math.floor(ratio * 10) / 10:.1f}:1 with white text; "
                f"choose a darker colour, with at least {MIN_CONTRAST}:1"
            )
            continue
        values[name] = raw
    logo_id, alt = data.get("logo_image_id"), str(data.get("logo_alt") or "").strip()
    values["logo_image_id"], values["logo_alt"] = None, None
    if logo_id not in (None, ""):
        image = images.get(logo_id)
        if image is None:
            errors["logo_image_id"] = "Choose a logo from the uploaded pictures"
        elif not alt:
            errors["logo_alt"] = "Enter the logo's alt text, such as your organisation's name"
        elif len(alt) > 200:
            errors["logo_alt"] = "The logo's alt text must be 200 characters or fewer"
        else:
            values["logo_image_id"], values["logo_alt"] = image.id, alt
    return values, errors


def of_template(template: Template | None) -> Branding:
    if template is None:
        return Branding()
    logo = db.session.get(BulletinImage, template.logo_image_id) if template.logo_image_id else None
    return Branding(
        brand_colour=template.brand_colour or DEFAULT_BRAND,
        button_colour=template.button_colour or DEFAULT_BUTTON,
        logo_url=images.public_url(logo) if logo else None,
        logo_alt=template.logo_alt or "",
        # Shown at most 200 pixels wide, in proportion.
        logo_width=min(logo.width, 200) if logo else 0,
        logo_height=round(logo.height * min(logo.width, 200) / logo.width) if logo else 0,
    )
