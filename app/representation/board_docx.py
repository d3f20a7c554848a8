"""The board paper as a Word document (python-docx), for papers that are edited before the meeting.

The same sections and figures as the HTML and PDF paper (board.paper); the charts are left out,
since every figure they draw is in the tables.
"""

import io

from app.representation import baselines

FLAGS = {"under": "Under-represented", "over": "Over-represented"}


def _table(document, caption: str, header: list[str], rows: list[list]) -> None:
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light List Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)


def _bullets(document, sentences) -> None:
    for sentence in sentences:
        document.add_paragraph(sentence, style="List Bullet")


def _summary(document, paper: dict) -> None:
    document.add_heading("Summary", 1)
    document.add_heading("The largest gaps", 2)
    if paper["gaps"]:
        _bullets(document, [g["sentence"] for g in paper["gaps"]])
    else:
        document.add_paragraph(
            "No group is clearly under-represented: for every group, the 95% interval around the members' share "
            "includes its population share."
        )
    document.add_heading("How many people to recruit", 2)
    recruits = paper["recruits"]
    if recruits["groups"]:
        document.add_paragraph(
            f"Bringing every under-represented group within reach of its population share needs about "
            f"{recruits['total']} more members in all, across {recruits['groups']} groups. One new member can count "
            f"towards more than one of these, so the number of people needed is lower, but at least "
            f"{recruits['largest']}: the largest single target."
        )
        _table(
            document,
            "The largest gaps and their recruitment targets",
            ["Group", "Members", "Population", "Gap (points)", "More members needed"],
            [
                [f"{g['category']} ({g['characteristic']})", g["share"], g["population_share"], -g["points"], g["more"]]
                for g in paper["gaps"]
            ],
        )
    else:
        document.add_paragraph("No recruitment targets: no group needs more members to reach its population share.")
    document.add_heading("What changed since last year", 2)
    _bullets(document, paper["changes"]["sentences"])


def _characteristics(document, paper: dict) -> None:
    document.add_heading("Members against the population", 1)
    for item in paper["shown"]:
        document.add_heading(item["label"], 2)
        if item.get("status") != "ok" or not item.get("categories"):
            document.add_paragraph(item.get("message", ""))
            continue
        document.add_paragraph(
            f"Answered: {item['known']}; did not answer or preferred not to say: {item['unknown']} "
            f"(coverage {item['coverage'] or '*'}). Chi-square: {item['chi_square']}."
        )
        _table(
            document,
            f"{item['label']}: members against population",
            ["Group", "Members", "Share", "Population share", "95% interval", "Flag"],
            [
                [r["category"], r["count"], r["share"], r["population_share"], r["interval"], FLAGS.get(r["flag"], "")]
                for r in item["categories"]
            ],
        )


def _trend(document, paper: dict) -> None:
    document.add_heading("Year on year", 1)
    trend = paper["trend"]
    if not trend["earlier"]:
        document.add_paragraph(
            "There is no earlier saved audit of this group, so there is no trend to show yet. Next year's paper will "
            "compare with this one."
        )
        return
    for item in trend["characteristics"]:
        document.add_heading(item["label"], 2)
        _table(
            document,
            f"{item['label']}: share of members who answered, by audit",
            ["Group", *trend["dates"], "Change (points)"],
            [[r["category"], *r["shares"], r["change"]] for r in item["rows"]],
        )


def _plan(document, paper: dict) -> None:
    plan = paper["plan"]
    document.add_heading("Recruitment plan", 1)
    if plan["targets"]:
        _table(
            document,
            "Recruitment targets",
            ["Group", "More members needed", "Where to look"],
            [[f"{t['category']} ({t['characteristic']})", t["more"], t["channels"]] for t in plan["targets"]],
        )
    else:
        document.add_paragraph("No group is under-represented, so there are no recruitment targets this year.")
    document.add_heading("Sign-up events planned or open", 2)
    if plan["events"]:
        _table(
            document,
            "Sign-up events",
            ["Event", "Place", "Date", "Status"],
            [[e["name"], e["place"], e["date"].strftime("%d %B %Y"), e["status"]] for e in plan["events"]],
        )
    else:
        document.add_paragraph("No sign-up events are planned or open.")
    for name, items in plan["outreach"].items():
        document.add_heading(f"{name} for these groups", 2)
        if not items:
            document.add_paragraph("None yet.")
            continue
        _table(
            document,
            name,
            ["Name", "Made", "Planned"],
            [[o["name"], o["date"].strftime("%d %B %Y") if o["date"] else "", o["detail"]] for o in items],
        )


def _method(document, paper: dict) -> None:
    method, rules = paper["method"], paper["method"]["rules"]
    document.add_heading("Method and disclosure control", 1)
    document.add_paragraph(
        f"Members are compared with the usual residents of {method['area']} ({method['source']}). "
        "Each characteristic is compared on its own base:"
    )
    _bullets(document, [f"{label}: {base}" for label, base in method["bases"]])
    document.add_paragraph(
        "Each group's share of the members who answered has a Wilson 95% interval. A group is under-represented "
        "when the whole interval lies below its population share, and over-represented when it lies wholly above. "
        "A chi-square goodness-of-fit test compares each characteristic as a whole."
    )
    document.add_paragraph(
        "No figure in this paper can be used to work out anyone's answers. Each count has a small, consistent "
        "amount of noise added (the cell key method the ONS used for Census 2021), then counts from 1 to "
        f"{rules['suppress_below'] - 1} are shown as * and the rest are rounded to the nearest {rules['round_to']}. "
        f"Where fewer than {rules['floor']} people answered, no breakdown is shown. Shares, intervals, tests, "
        "targets and changes are worked out from these protected counts."
    )
    for line in baselines.ATTRIBUTION:
        document.add_paragraph(line)


def board_docx(paper: dict) -> bytes:
    """The board paper as a .docx file."""
    from docx import Document

    document = Document()
    saved, results = paper["saved"], paper["results"]
    document.core_properties.title = saved.title
    document.add_heading(saved.title, 0)
    document.add_paragraph(
        f"{results['population']['label']} compared with the population of {results['area']['label']}, "
        f"audit of {saved.audit_date:%d %B %Y}. People in the group: {results['people']}."
    )
    for part in (_summary, _characteristics, _trend, _plan, _method):
        part(document, paper)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
