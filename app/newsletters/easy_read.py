"""The easy read version of a campaign, written by staff: one idea a row, each with a picture.

Easy read cannot be made by a machine: the comms team writes short sentences for each
paragraph of the bulletin and picks a picture from the bulletin image library for each,
with words saying what the picture shows. Saved all at once, or not at all.
"""

from app.errors import InvalidRequest
from app.extensions import db
from app.newsletters import images
from app.newsletters.models import Campaign

TEXT_LONGEST = 300
ALT_LONGEST = 200
MAX_ROWS = 60


def saved_rows(campaign: Campaign) -> list[dict]:
    return [dict(row) for row in (campaign.easy_read or [])]


def check_rows(raw_rows: list[dict]) -> tuple[list[dict], dict[str, str]]:
    """The rows to keep (blank ones dropped) and {field: message} for every problem."""
    rows, errors = [], {}
    for index, raw in enumerate(raw_rows[:MAX_ROWS]):
        text = " ".join((raw.get("text") or "").split())
        alt = " ".join((raw.get("alt") or "").split())
        image_id = (raw.get("image_id") or "").strip()
        if not text and not image_id and not alt:
            continue
        key = f"rows-{index}"
        image = images.get(image_id) if image_id else None
        if not text:
            errors[f"{key}-text"] = f"Idea {index + 1}: write the words that go with the picture"
        elif len(text) > TEXT_LONGEST:
            errors[f"{key}-text"] = f"Idea {index + 1}: keep it to {TEXT_LONGEST} characters or fewer (short sentences)"
        if image is None:
            errors[f"{key}-image_id"] = f"Idea {index + 1}: choose a picture from the image library"
        if not alt:
            errors[f"{key}-alt"] = f"Idea {index + 1}: say what the picture shows, for people who cannot see it"
        elif len(alt) > ALT_LONGEST:
            errors[f"{key}-alt"] = f"Idea {index + 1}: describe the picture in {ALT_LONGEST} characters or fewer"
        rows.append({"text": text, "image_id": image.id if image else None, "alt": alt})
    if not rows and not errors:
        errors["rows-0-text"] = "Write at least one idea with its picture"
    return rows, errors


def save(campaign: Campaign, raw_rows: list[dict]) -> list[dict]:
    rows, errors = check_rows(raw_rows)
    if errors:
        raise InvalidRequest("There is a problem with the easy read version.", 400, errors)
    campaign.easy_read = rows
    db.session.commit()
    return rows


def rows_for_print(campaign: Campaign) -> list[dict]:
    """The saved rows with each picture's address, skipping any whose picture has since gone."""
    out = []
    for row in saved_rows(campaign):
        image = images.get(row.get("image_id"))
        if image is not None and row.get("text"):
            out.append({"text": row["text"], "src": images.public_url(image), "alt": row.get("alt", "")})
    return out
