"""The annual audit as a board paper: summary, charts, year on year, recruitment plan, method, PDF."""

import re
import shutil
import subprocess
from datetime import date, timedelta

from app import clock
from app.extensions import db
from app.members import signup_events
from app.newsletters import audiences
from app.newsletters.models import Campaign
from app.representation import report, services
from tests.factories import create_member, create_staff_user, login
from tests.representation.helpers import born_years_before, load_area

LAST_YEAR = date(2025, 6, 1)
THIS_YEAR = date(2026, 6, 1)
ASIAN = "Asian, Asian British or Asian Welsh"


def _white(n):
    for _ in range(n):
        create_member(date_of_birth=born_years_before(THIS_YEAR, 40), equality={"ethnic_group": "white"})


def _asian(n):
    for _ in range(n):
        create_member(date_of_birth=born_years_before(THIS_YEAR, 30), equality={"ethnic_group": "asian"})


def _two_years():
    """Last year all white; this year Asian members have joined."""
    load_area()
    _white(80)
    before = services.save_annual_audit("Annual audit 2025", on=LAST_YEAR)
    _asian(40)
    now = services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)
    return before, now


def _page(client, saved):
    login(client, create_staff_user("analyst"))
    response = client.get(f"/staff/representation/audits/{saved.id}/board")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(html, anchor):
    start = html.index(f'<section id="{anchor}"')
    return html[start : html.index("</section>", start)]


def _ethnic(results):
    return next(c for c in report.present(results) if c["key"] == "broad_ethnic_group")


def test_the_summary_names_the_largest_gap_and_the_recruits_its_target_asks_for(client):
    load_area()
    _white(80)
    saved = services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)
    summary = _section(_page(client, saved), "summary")
    asian = next(r for r in _ethnic(saved.results)["categories"] if r["category"] == ASIAN)
    assert asian["flag"] == "under"
    assert (
        f"{ASIAN} (ethnic group (5 broad groups)): 0% of members who answered, against {asian['population_share']}"
        in (summary)
    )
    targets = report.recruitment_targets(saved.results)
    target = next(t for t in targets if t["category"] == ASIAN)
    row = summary.split(f"{ASIAN} <span")[1].split("</tr>")[0]
    assert f">{target['more']}</td>" in row
    total = sum(t["more"] for t in targets if isinstance(t["more"], int))
    assert f"about <strong>{total} more members</strong>" in summary
    assert "There is no earlier saved audit of this group" in summary


def test_the_summary_says_what_changed_since_last_years_snapshot(client):
    before, now = _two_years()
    summary = _section(_page(client, now), "summary")
    assert f"Compared with the audit of {LAST_YEAR:%d %B %Y} (Annual audit 2025)" in summary
    assert f"{before.results['people']} then" in summary
    was = next(r for r in _ethnic(before.results)["categories"] if r["category"] == ASIAN)
    is_now = next(r for r in _ethnic(now.results)["categories"] if r["category"] == ASIAN)
    assert was["flag"] == "under" and is_now["flag"] != "under"
    no_longer = summary.split("No longer under-represented: ")[1].split("</li>")[0]
    assert f"{ASIAN} (ethnic group (5 broad groups))" in no_longer
    assert "There is no earlier saved audit" not in summary


def test_each_characteristic_has_an_accessible_svg_chart_beside_its_table(client):
    load_area()
    _white(80)
    saved = services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)
    html = _page(client, saved)
    block = (
        _section(html, "characteristics")
        .split('id="char-broad_ethnic_group"')[1]
        .split('class="involve-board-characteristic"')[0]
    )
    svg = block[block.index("<svg") : block.index("</svg>")]
    assert (
        'role="img"' in svg and 'aria-labelledby="chart-broad_ethnic_group-title chart-broad_ethnic_group-desc"' in svg
    )
    assert '<title id="chart-broad_ethnic_group-title">Ethnic group (5 broad groups): members against population' in svg
    assert f"Under-represented: {ASIAN}" in svg.split("<desc")[1]
    # Every group has its population mark; the group with no members shows a sliver of red.
    assert svg.count('width="3" height="16" fill="#212b32"') == len(_ethnic(saved.results)["categories"])
    assert re.search(r'<rect x="8" y="[\d.]+" width="2.0" height="12" fill="#d5281b"/>', svg)
    assert "<table" in block and f'<th scope="row" class="nhsuk-table__cell">{ASIAN}</th>' in block
    # No script draws it, and nothing is styled inline (the CSP allows neither).
    assert "<script" not in _section(html, "characteristics")
    assert not re.search(r"<[^>]+\sstyle=", html) and "<style" not in html


def test_the_trend_compares_this_year_with_the_saved_snapshot(client):
    before, now = _two_years()
    trend = _section(_page(client, now), "trend")
    assert f">{LAST_YEAR.isoformat()}</th>" in trend and f">{THIS_YEAR.isoformat()}</th>" in trend
    was = next(r for r in _ethnic(before.results)["categories"] if r["category"] == ASIAN)
    is_now = next(r for r in _ethnic(now.results)["categories"] if r["category"] == ASIAN)
    row = trend.split('id="trend-broad_ethnic_group"')[1].split(f"{ASIAN}</th>")[1].split("</tr>")[0]
    change = round(100 * (is_now["share_value"] - was["share_value"]))
    assert re.findall(r">([^<]*)</td>", row) == [was["share"], is_now["share"], f"{change:+d}"]
    assert 'id="trend-broad_ethnic_group-title"' in trend


def test_without_an_earlier_snapshot_the_trend_says_so(client):
    load_area()
    _white(80)
    saved = services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)
    assert "There is no earlier saved audit of this group, so there is no trend" in _section(
        _page(client, saved), "trend"
    )


def test_the_plan_lists_targets_where_to_look_and_the_planned_events_and_segments(client):
    load_area()
    _white(80)
    saved = services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)
    held = clock.today() + timedelta(days=20)
    signup_events.create_signup_event("Mela on the park", "West Park", held, [], None)
    gone = signup_events.create_signup_event(
        "Spring fair", "Market square", clock.today() + timedelta(days=3), [], None
    )
    gone.ends_at = clock.now() - timedelta(hours=1)
    segment = audiences.save_audience("Members living in IMD decile 1 areas", {"imd_deciles": [1]})
    audiences.save_audience("Everyone interested in diabetes", {"topics": []})
    send_at = clock.now() + timedelta(days=10)
    db.session.add(
        Campaign(name="Join us this summer", audience_id=segment.id, status="scheduled", scheduled_at=send_at)
    )
    db.session.commit()
    plan = _section(_page(client, saved), "plan")
    target = next(t for t in report.recruitment_targets(saved.results) if t["category"] == ASIAN)
    row = plan.split(f"{ASIAN} <span")[1].split("</tr>")[0]
    assert f">{target['more']}</td>" in row and "faith and voluntary organisations" in row
    assert "Mela on the park" in plan and "West Park" in plan and held.strftime("%d %B %Y") in plan
    assert "Spring fair" not in plan
    assert "Members living in IMD decile 1 areas" in plan
    assert f"Join us this summer, to be sent {clock.in_uk(send_at):%d %B %Y}" in plan
    assert "diabetes" not in plan


def test_the_method_note_gives_the_baseline_the_test_and_the_disclosure_rules(client, app):
    load_area()
    _white(80)
    saved = services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)
    method = _section(_page(client, saved), "method")
    assert "Census 2021" in method and "Wilson 95% interval" in method
    below, to = app.config["SUPPRESS_BELOW"], app.config["ROUND_TO"]
    assert f"counts from 1 to {below - 1} are shown as *" in method and f"rounded to the nearest {to}" in method
    assert "Open Government Licence" in method


def test_the_board_paper_needs_a_saved_audit(client):
    login(client, create_staff_user("analyst"))
    assert client.get("/staff/representation/audits/999/board").status_code == 404


def test_the_pdf_has_a_contents_list_page_numbers_and_a_page_that_is_not_blank(client, tmp_path):
    from PIL import Image, ImageStat

    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "Install poppler-utils (scripts/test.sh does)"

    _, now = _two_years()
    login(client, create_staff_user("analyst"))
    response = client.get(f"/staff/representation/audits/{now.id}/board.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    total = len([p for p in pages if p.strip()])
    assert total >= 5
    # The summary is the whole of page 1; the contents list is page 2.
    assert "The largest gaps" in pages[0] and "What changed since last year" in pages[0]
    assert "Contents" not in pages[0] and "Contents" in pages[1]
    assert f"Page 1 of {total}" in pages[0] and f"Page {total} of {total}" in text
    contents = next(p for p in pages if "Contents" in p)
    listed = dict(
        re.findall(
            r"^\s*(Summary|Members against the population|Year on year|Recruitment plan|Method and "
            r"disclosure control)[ .]+(\d+)\s*$",
            contents,
            re.M,
        )
    )
    assert len(listed) == 5
    for heading, number in listed.items():
        # The page a contents line names holds that heading.
        assert heading in pages[int(number) - 1]
    # No heading stands alone at the foot of a page: the last line above the page number is never one.
    html = client.get(f"/staff/representation/audits/{now.id}/board").get_data(as_text=True)
    headings = {re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)}
    assert {"Age", "Recruitment plan", "Sign-up events planned or open"} <= headings
    for number, page in enumerate(pages[:total], start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip() and f"Page {number} of" not in line]
        assert lines[-1] not in headings, (number, lines[-1])
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "3", "-l", "3", str(pdf), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert ImageStat.Stat(image).var[0] > 100


def test_the_board_paper_downloads_as_a_word_document(client):
    import io

    from docx import Document

    _, now = _two_years()
    login(client, create_staff_user("analyst"))
    response = client.get(f"/staff/representation/audits/{now.id}/board.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["Summary", "The largest gaps"]
    for heading in (
        "Members against the population",
        "Year on year",
        "Recruitment plan",
        "Method and disclosure control",
    ):
        assert heading in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert paper_gap(now) in text
    target = next(t for t in report.recruitment_targets(now.results) if t["more"] != "*")
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert [f"{target['category']} ({target['characteristic']})", str(target["more"]), target["channels"]] in cells


def paper_gap(saved):
    from app.representation import board

    return board.paper(saved)["gaps"][0]["sentence"]


def test_a_snapshot_saved_before_disclosure_control_is_compared_by_its_protected_counts(client):
    from app.representation.models import Audit
    from app.statistics.suppression import suppress

    load_area()
    _white(80)
    _asian(40)
    now = services.save_annual_audit("Annual audit 2026", on=THIS_YEAR)
    ethnic = _ethnic(now.results)
    population = {r["category"]: r["population_share_value"] for r in ethnic["categories"]}
    exact = {category: 0 for category in population} | {"White": 93, ASIAN: 7}
    old = {
        "people": 103,
        "characteristics": [
            {
                "key": "broad_ethnic_group",
                "label": ethnic["label"],
                "base": ethnic["base"],
                "status": "ok",
                "known": 100,
                "unknown": 0,
                "notes": [],
                "categories": [
                    {"category": c, "count": n, "population_share": population[c]} for c, n in exact.items()
                ],
            }
        ],
    }
    db.session.add(
        Audit(title="Audit 2024", audit_date=date(2024, 6, 1), population_kind="active", inputs={}, results=old)
    )
    db.session.commit()
    html = _page(client, now)
    # Its group size is rounded too.
    assert f"against {suppress(103)} then" in _section(html, "summary") and "103 then" not in html
    trend = _section(html, "trend")
    row = trend.split('id="trend-broad_ethnic_group"')[1].split(f"{ASIAN}</th>")[1].split("</tr>")[0]
    shares = re.findall(r">([^<]*)</td>", row)
    # 7 people is a small number: hidden, and so is the change worked out from it; 7% is never shown.
    assert shares[0] == "*" and shares[-1] == "*" and "7%" not in row
    white = trend.split('id="trend-broad_ethnic_group"')[1].split("White</th>")[1].split("</tr>")[0]
    # Worked out from the rounded counts (93 of 100 is published as 95 of 100), not the exact 93%.
    assert re.findall(r">([^<]*)</td>", white)[0] == f"{round(100 * suppress(93) / suppress(100))}%" != "93%"


def test_an_unsaved_audit_downloads_as_the_board_paper_without_a_trend(client, tmp_path):
    assert shutil.which("pdftotext"), "Install poppler-utils (scripts/test.sh does)"
    _two_years()
    login(client, create_staff_user("analyst"))
    response = client.get(f"/staff/representation/export.pdf?population=active&on={THIS_YEAR.isoformat()}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "representation-audit-2026-06-01.pdf" in response.headers["Content-Disposition"]
    pdf = tmp_path / "live.pdf"
    pdf.write_bytes(response.data)
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "Representativeness audit of 01 June 2026 (not saved)" in text
    assert "The largest gaps" in text and "Recruitment plan" in text and "Method and disclosure control" in text
    # Saved snapshots exist, but an unsaved audit is compared with none of them.
    assert "This audit is not saved, so it is not compared with earlier audits" in text
    assert "This audit is not saved, so there is no trend to show" in text
    assert "Compared with the audit of" not in text
