from app.statistics.disclosure import SUPPRESSED, suppress_count, suppress_derived


def test_small_counts_are_starred_and_others_rounded_to_five():
    assert suppress_count(0) == 0
    assert [suppress_count(n) for n in range(1, 8)] == [SUPPRESSED] * 7
    assert suppress_count(8) == 10
    assert suppress_count(12) == 10
    assert suppress_count(13) == 15
    assert suppress_count(102) == 100


def test_thresholds_are_configurable():
    assert suppress_count(4, suppress_below=3, round_to=1) == 4
    assert suppress_count(2, suppress_below=3, round_to=1) == SUPPRESSED
    assert suppress_count(17, suppress_below=10, round_to=10) == 20


def test_figures_derived_from_a_suppressed_count_are_suppressed():
    assert suppress_derived(0.125, 3) == SUPPRESSED
    assert suppress_derived(0.125, 30) == 0.125
    assert suppress_derived(0.0, 0) == 0.0
