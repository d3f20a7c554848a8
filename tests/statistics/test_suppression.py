"""Small-number suppression: 1..7 hidden, others rounded, derived figures hidden too."""

from app.statistics.suppression import SUPPRESSED, derived, share, suppress, suppress_table


def test_counts():
    assert suppress(0, 8, 5) == 0
    assert [suppress(n, 8, 5) for n in (1, 7)] == [SUPPRESSED, SUPPRESSED]
    assert [suppress(n, 8, 5) for n in (8, 12, 13, 102)] == [10, 10, 15, 100]


def test_derived_figures_are_hidden_when_any_input_is_small():
    assert derived(50.0, 20, 40, below=8) == 50.0
    assert derived(50.0, 3, 40, below=8) == SUPPRESSED
    assert share(3, 40, below=8) == SUPPRESSED
    assert share(20, 40, below=8) == 50


def test_table_hides_total_and_shares_when_one_category_is_small():
    rows = suppress_table({"A": 20, "B": 3, "C": 0}, below=8, round_to=5)
    assert rows[0] == {"category": "A", "count": 20, "percent": SUPPRESSED}
    assert rows[1]["count"] == SUPPRESSED and rows[2]["count"] == 0
    assert rows[-1]["count"] == SUPPRESSED


def test_table_without_small_numbers_shows_rounded_counts_and_shares():
    rows = suppress_table({"A": 21, "B": 9}, below=8, round_to=5)
    assert rows[0] == {"category": "A", "count": 20, "percent": 70}
    assert rows[-1]["count"] == 30


def test_uses_app_config(app):
    app.config["SUPPRESS_BELOW"] = 3
    app.config["ROUND_TO"] = 1
    assert suppress(4) == 4 and suppress(2) == SUPPRESSED


def test_small_counts_are_starred_and_others_rounded_half_up():
    assert [suppress(n, 8, 5) for n in range(1, 8)] == [SUPPRESSED] * 7
    assert suppress(17, 10, 10) == 20
    assert suppress(15, 10, 10) == 20  # half up, not to even
    assert suppress(None, 8, 5) is None


def test_thresholds_can_be_given_by_the_caller():
    assert suppress(4, below=3, round_to=1) == 4
    assert suppress(2, below=3, round_to=1) == SUPPRESSED


def test_a_figure_from_one_count_is_hidden_with_it():
    assert derived(0.125, 3, below=8) == SUPPRESSED
    assert derived(0.125, 30, below=8) == 0.125
    assert derived(0.0, 0, below=8) == 0.0
    assert derived(0.5, None, below=8) == 0.5
