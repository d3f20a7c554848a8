"""Readership report files: CSV and XLSX of aggregate figures only."""

import csv
import io

from app.newsletters import group_readership, reports
from app.spreadsheets import escape_cell


def report_rows(campaign) -> list[list]:
    """The report as rows: headline figures, clicks per link, readership by group (published by disclosure control)."""
    summary = reports.summary(campaign)
    rows: list[list] = [["Section", "Item", "Value", "Rate (%)"]]
    for key in (
        "recipients",
        "delivered",
        "bounced",
        "human_opens",
        "machine_opens",
        "human_clicks",
        "machine_clicks",
        "unsubscribes",
        "complaints",
    ):
        rows.append(["Summary", key.replace("_", " "), summary[key], ""])
    rows.append(["Summary", "open rate (human)", "", summary["open_rate"]])
    rows.append(["Summary", "click rate (human)", "", summary["click_rate"]])
    rows.append(["Summary", "click-to-open rate", "", summary["click_to_open_rate"]])
    low, high = summary["benchmark_click_rate"]
    rows.append(["Summary", "sector benchmark click rate", "", f"{low}-{high}"])
    for link in reports.link_clicks(campaign.id):
        rows.append(["Clicks per link", link["url"], link["human"], ""])
    readership = group_readership.readership(campaign.id)
    if readership["message"]:
        rows.append(["Readership by group", readership["message"], "", ""])
    for key, label in group_readership.GROUPS.items():
        for entry in readership["groups"][key]:
            rate = entry["read_rate"]
            rows.append(
                [f"Readership by {label.lower()}", entry["group"], entry["readers"], "*" if rate is None else rate]
            )
    return rows


def report_file(campaign, kind: str) -> tuple[bytes, str]:
    rows = report_rows(campaign)
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in rows:
            writer.writerow([escape_cell(c) for c in row])
        return buffer.getvalue().encode("utf-8-sig"), "text/csv"
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Readership"
    for row in rows:
        sheet.append([escape_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
