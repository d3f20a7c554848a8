"""Readership per group of people, as disclosure control publishes it.

Recipients, readers and clickers of a bulletin by age band, sex, ethnic group, disability,
Primary Care Network and deprivation decile; the campaign's own figures are in reports.py.
"""

import re
from datetime import date
from functools import partial

from sqlalchemy import select

from app.clock import now
from app.members import equality
from app.members.vocab import SELF_REPORTED_AGE_BANDS, age_on, self_reported_band_for_age
from app.newsletters.models import Delivery
from app.statistics import disclosure

GROUPS = {
    "age_band": "Age band",
    "sex": "Sex",
    "ethnic_group": "Ethnic group",
    "disability": "Disability",
    "pcn": "Primary Care Network",
    "imd_decile": "Deprivation decile (IMD 2025)",
}


EQUALITY_GROUPS = ("sex", "ethnic_group", "disability")


def readership(campaign_id: int) -> dict:
    """Recipients, human readers and clickers per category of every group, as disclosure control publishes them.

    {"status": "ok" or "too_small", "message", "groups": {group: rows}}. Below the floor of
    recipients every group is empty and the message says so, with no number. Each figure is
    the published figure of its cell of people, so it is the same wherever it is shown, and
    each read rate is worked out from the published figures only.
    """
    from app.representation.models import PostcodeArea

    rule = disclosure.rules()
    sent = select(Delivery.member_id).where(Delivery.campaign_id == campaign_id, Delivery.status == "sent")
    options = {
        "fields": EQUALITY_GROUPS,
        "decile": (PostcodeArea, PostcodeArea.postcode, PostcodeArea.imd_decile),
        "pcn": True,
    }
    recipients = disclosure.tally("member", sent, **options)
    if disclosure.below_floor(recipients.people(), rule):
        return {
            "status": "too_small",
            "message": disclosure.floor_message(rule, "people received this bulletin"),
            "groups": {key: [] for key in GROUPS},
        }
    readers = disclosure.tally("member", sent.where(Delivery.first_open_at.is_not(None)), **options)
    clickers = disclosure.tally("member", sent.where(Delivery.first_click_at.is_not(None)), **options)
    today = now().date()
    groups = {}
    for key in GROUPS:
        received, read, clicked = (_cells_by_label(t, key, today) for t in (recipients, readers, clickers))
        groups[key] = [
            _group_row(label, cell, read.get(label, disclosure.EMPTY), clicked.get(label, disclosure.EMPTY), rule)
            for label, cell in sorted(received.items(), key=lambda item: _natural(item[0]))
        ]
    return {"status": "ok", "message": "", "groups": groups}


def readership_by_group(campaign_id: int, group: str) -> list[dict]:
    """Recipients and human readers per category of one group, published (empty below the floor)."""
    if group not in GROUPS:
        raise KeyError(group)
    return readership(campaign_id)["groups"][group]


def _group_row(label: str, received, read, clicked, rule) -> dict:
    recipients = disclosure.publish(received, rule)
    readers = disclosure.publish(read, rule)
    clickers = disclosure.publish(clicked, rule)
    hidden = recipients.hidden
    rate_shown = None if hidden else disclosure.percent(readers, recipients)
    return {
        "group": label,
        "recipients": str(recipients.shown),
        # Readers of a group too few to show are hidden too: 0 readers of "*" says how many read.
        "readers": disclosure.SUPPRESSED if hidden else str(readers.shown),
        "clickers": disclosure.SUPPRESSED if hidden else str(clickers.shown),
        # Noise can put readers above recipients; a rate over 100% would say so.
        "read_rate": None if rate_shown is None else min(rate_shown, 100),
    }


def _cells_by_label(tally, group: str, today) -> dict:
    """{category label: Cell} of one group over a tally of members."""
    if group == "age_band":
        cells = {}
        for (born, band), cell in tally.cells("date_of_birth", "age_band").items():
            code = self_reported_band_for_age(age_on(date.fromisoformat(born[:10]), today)) if born else band
            label = SELF_REPORTED_AGE_BANDS[code][0] if code in SELF_REPORTED_AGE_BANDS else "Not known"
            cells[label] = cells.get(label, disclosure.EMPTY) + cell
        return cells
    label = {"pcn": _pcn_label, "imd_decile": _decile_label}.get(group) or partial(_equality_label, group)
    cells = {}
    for value, cell in tally.cells(group).items():
        name = label(value)
        cells[name] = cells.get(name, disclosure.EMPTY) + cell
    return cells


def _pcn_label(name: str | None) -> str:
    return name or "Not known"


def _decile_label(decile: int | None) -> str:
    if not decile:
        return "Not known"
    return f"Decile {decile}" + (" (most deprived)" if decile == 1 else " (least deprived)" if decile == 10 else "")


def _natural(label: str) -> list:
    """Sort key putting "Decile 2" before "Decile 10"."""
    return [(0, int(part), "") if part.isdecimal() else (1, 0, part) for part in re.split(r"(\d+)", label) if part]


def _equality_label(field: str, code: str | None) -> str:
    if not code:
        return "Not answered"
    if code == equality.PREFER_NOT_TO_SAY:
        return "Prefer not to say"
    value = equality.QUESTIONS[field][1].get(code)
    return value[0] if value else "Not answered"
