"""The layout of block bulletins on phones: two columns stack, the second below the first."""

import re

from app.newsletters import content, sending
from tests.factories import create_member
from tests.newsletters.test_blocks import block_campaign

COLUMNS = [{"type": "columns", "left": "Monday mornings", "right": "Friday evenings"}]


def test_the_sent_email_stacks_two_columns_on_a_narrow_screen(app, outbox):
    create_member()
    campaign = block_campaign(COLUMNS)
    sending.start_send(campaign.id)
    (message,) = outbox()
    page = message["html"]
    # The rule survives the inlining of the styles, in the email's own <style>.
    rule = re.search(r"<style>.*@media only screen and \(max-width: 480px\)\s*\{(.*?)\}\s*\}", page, re.S)
    assert rule, "the email keeps its narrow-screen rule"
    assert re.search(r"\.stack-column\s*\{[^}]*display:\s*block\s*!important", rule.group(1))
    assert re.search(r"\.stack-column\s*\{[^}]*width:\s*100%\s*!important", rule.group(1))
    cells = re.findall(r'<td class="([^"]*)"[^>]*width="50%"', page)
    assert len(cells) == 2 and all("stack-column" in c.split() for c in cells)
    # Outlook, which reads no media queries, still gets the two cells side by side in one row.
    assert re.search(r"<tr>\s*<td class=\"block-column stack-column\".*?</td>\s*<td class=\"block-column", page, re.S)


def test_the_preview_carries_the_same_stacking_rule(app):
    campaign = block_campaign(COLUMNS)
    html, _ = content.preview(campaign)
    assert "@media only screen and (max-width: 480px)" in html and 'class="block-column stack-column"' in html
