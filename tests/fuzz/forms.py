"""Generated form posts for the property tests: what people, browsers and bots can send.

A form is a list of (name, value) pairs, so a field can be missing or sent twice. It is
posted as the raw urlencoded body a browser builds, so lone surrogates (which no UTF-8
encoder accepts) and bytes that are not UTF-8 reach the server as they would from outside.
"""

import html
import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from app.extensions import db

# Bounded so the whole set stays quick (INVOLVE_FUZZ_EXAMPLES=1000 for a long hunt); fixtures are
# per test, and rows are compared per example.
FUZZ = settings(
    max_examples=int(os.environ.get("INVOLVE_FUZZ_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

ANY_CHARACTER = st.characters(codec=None, exclude_categories=())

TRICKY = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\ud800",
        "\udfff x",
        "\r\n",
        "\t",
        "0",
        "-1",
        "1.5",
        "1e308",
        "NaN",
        "99999999999999999999999999",
        "2147483648",
        "[]",
        "{}",
        '{"a": 1}',
        "null",
        "true",
        "<script>alert(1)</script>",
        "{{ first_name }}",
        "{{ nope }}",
        "%00",
        "' OR 1=1 --",
        "0000-00-00",
        "2024-02-30",
        "31/12/1999",
        "9999-12-31T25:61",
        "-0001-01-01",
        "1900-01-01",
        "٣",
        "𝟙𝟚",
        "\u202e",
        "\ufeff",
        "ﬀ",
    ]
)

HUGE = st.builds(
    lambda ch, n: ch * n, st.sampled_from(["x", "é", "\U0001f600", " ", "\x00"]), st.integers(5_000, 120_000)
)

# Just under, at and over the lengths columns and checks use.
LONG = st.builds(
    lambda ch, n: ch * n,
    st.sampled_from(["x", "é", "\U0001f600"]),
    st.sampled_from([30, 31, 99, 100, 101, 200, 201, 255, 256, 500, 501, 1000]),
)

JUNK = st.one_of(TRICKY, st.text(ANY_CHARACTER, max_size=40), LONG, HUGE)


@dataclass(frozen=True)
class Field:
    """A form field: values a person can send, values only a tampered or broken form sends
    (unknown option codes, impossible numbers), and whether it is a group of checkboxes."""

    good: object  # a list of values, or a strategy
    bad: tuple = ()
    checkboxes: bool = False
    at_least: int = 0  # checkboxes a good form ticks

    def good_values(self) -> st.SearchStrategy:
        return self.good if isinstance(self.good, st.SearchStrategy) else st.sampled_from(list(self.good))

    def bad_values(self) -> st.SearchStrategy:
        return st.one_of(st.sampled_from(list(self.bad)), JUNK) if self.bad else JUNK


def _field(spec) -> Field:
    return spec if isinstance(spec, Field) else Field(spec)


@st.composite
def form(draw, fields: dict, extra_names=()) -> list[tuple[str, str]]:
    """Pairs for `fields` ({name: Field or a list of good values}; a tuple of names for fields
    that go together, like the day, month and year of a date, whose values are tuples). Most forms are good but for
    one field; some spoil a few or every field: dropped, sent twice or many times, or sent a bad
    value; some add a field the form does not have. The rest are good, so some get through."""
    names = list(fields)
    how_many = draw(st.sampled_from([0, 1, 1, 1, 1, 2, 3, len(names)]))
    spoilt = set(draw(st.permutations(names))[:how_many])
    pairs: list[tuple[str, str]] = []
    for name in names:
        spec = _field(fields[name])
        good, bad = spec.good_values(), spec.bad_values()
        if isinstance(name, tuple):
            values = list(draw(st.one_of(good, st.sampled_from(list(spec.bad))) if name in spoilt else good))
            if name in spoilt and draw(st.booleans()):
                values[draw(st.integers(0, len(name) - 1))] = draw(JUNK)
            pairs += [(part, value) for part, value in zip(name, values, strict=True) if value is not None]
            continue
        if name not in spoilt:
            if spec.checkboxes:
                pairs += [
                    (name, v)
                    for v in draw(st.lists(good, unique=True, min_size=spec.at_least, max_size=len(spec.good)))
                ]
            else:
                pairs.append((name, draw(good)))
            continue
        shape = draw(st.sampled_from(["bad", "bad", "bad", "missing", "twice", "many"]))
        if shape == "bad":
            pairs.append((name, draw(bad)))
        elif shape == "twice":
            pairs += [(name, draw(st.one_of(good, bad))), (name, draw(st.one_of(good, bad)))]
        elif shape == "many":
            pairs += [(name, v) for v in draw(st.lists(st.one_of(good, good, bad), max_size=6))]
    unknown = st.one_of(st.sampled_from(list(extra_names) or ["x"]), st.text(ANY_CHARACTER, min_size=1, max_size=12))
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        pairs.append((draw(unknown), draw(JUNK)))
    return draw(st.permutations(pairs))


def body(pairs) -> bytes:
    """The urlencoded body of these pairs; surrogates travel as the bytes a careless client sends."""
    encoded = (
        quote_from_bytes(str(k).encode("utf-8", "surrogatepass"))
        + "="
        + quote_from_bytes(str(v).encode("utf-8", "surrogatepass"))
        for k, v in pairs
    )
    return "&".join(encoded).encode("ascii")


def received(raw: bytes) -> MultiDict:
    """The form the server reads from `raw`, decoded the way Werkzeug decodes it."""
    return MultiDict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True, errors="werkzeug.url_quote"))


def post(client, path: str, pairs, csrf: str | None = None):
    """POST `pairs` (with the CSRF token first, where given) as a browser's urlencoded form."""
    raw = body(([("csrf_token", csrf)] if csrf else []) + list(pairs))
    return client.post(path, data=raw, content_type="application/x-www-form-urlencoded"), raw


def row_counts() -> dict[str, int]:
    """Rows in every table: a refused submission must leave every one as it was."""
    db.session.expire_all()
    return {
        table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def refusal_message(response) -> str:
    """The message a refused submission shows: the error summary's lines, or the error page's text."""
    text = response.get_data(as_text=True)
    summary = re.search(r'<ul class="nhsuk-list nhsuk-error-summary__list">(.*?)</ul>', text, re.S)
    if summary:
        lines = [
            html.unescape(re.sub(r"<[^>]+>", "", li)).strip() for li in re.findall(r"<li>(.*?)</li>", summary[1], re.S)
        ]
        return " ".join(line for line in lines if line)
    found = re.search(r"<h1>(.*?)</h1>\s*<p>(.*?)</p>", text, re.S)
    return html.unescape(found[2]).strip() if found else ""


def assert_refused_cleanly(response, before: dict) -> str:
    """A refusal: a 4xx page that says what was wrong, and not one row written."""
    assert 400 <= response.status_code < 500, response.status_code
    message = refusal_message(response)
    assert message, f"{response.status_code} page without a message:\n{response.get_data(as_text=True)[:3000]}"
    after = row_counts()
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert not changed, f"a refused submission wrote rows: {changed}"
    return message


def never_an_error(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:3000]
