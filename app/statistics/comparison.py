"""Comparing the make-up of a group with its population: shares, ratios, intervals, tests.

For a group with n_k people in category k (N = sum of n_k over known answers) and
population shares q_k: share p_k = n_k / N, representation ratio p_k / q_k, gap
p_k - q_k, a Wilson 95% interval for p_k, a flag when the interval lies wholly
below or above q_k, a chi-square goodness-of-fit test of (n_k) against (N q_k)
with small expected counts merged, and the dissimilarity index 1/2 sum |p_k - q_k|.
"""

import math
from dataclasses import dataclass, field

Z95 = 1.959963984540054
MIN_EXPECTED = 5.0


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (0, 1 when there are no trials)."""
    if trials <= 0:
        return 0.0, 1.0
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def flag(lower: float, upper: float, population_share: float) -> str:
    """'under' when the interval lies wholly below the population share, 'over' wholly above, else ''."""
    if upper < population_share:
        return "under"
    if lower > population_share:
        return "over"
    return ""


def dissimilarity_index(shares: list[float], population_shares: list[float]) -> float:
    """Half the sum of absolute differences: the share of the group that would have to change category."""
    return 0.5 * sum(abs(p - q) for p, q in zip(shares, population_shares, strict=True))


@dataclass
class ChiSquare:
    statistic: float | None
    dof: int
    p_value: float | None
    groups: list[list[int]] = field(default_factory=list)  # indexes merged together
    reason: str = ""

    @property
    def tested(self) -> bool:
        return self.statistic is not None


def merge_small_expected(expected: list[float], minimum: float = MIN_EXPECTED) -> list[list[int]]:
    """Groups of category indexes whose expected counts are each at least `minimum`.

    The smallest group is merged with the next smallest until every group reaches
    the minimum or only one is left; categories keep their order inside a group.
    """
    groups = [[i] for i in range(len(expected))]
    totals = list(expected)
    while len(groups) > 1:
        order = sorted(range(len(groups)), key=lambda g: (totals[g], groups[g][0]))
        smallest = order[0]
        if totals[smallest] >= minimum:
            break
        partner = order[1]
        merged = sorted(groups[smallest] + groups[partner])
        total = totals[smallest] + totals[partner]
        keep = [g for g in range(len(groups)) if g not in (smallest, partner)]
        groups = [groups[g] for g in keep] + [merged]
        totals = [totals[g] for g in keep] + [total]
    return sorted(groups, key=lambda g: g[0])


def chi_square_goodness_of_fit(counts: list[int], population_shares: list[float]) -> ChiSquare:
    """Pearson's chi-square test of the counts against the population shares, small expected merged."""
    total = sum(counts)
    share_sum = sum(population_shares)
    if total == 0 or share_sum <= 0:
        return ChiSquare(None, 0, None, reason="No answers to test.")
    expected = [total * q / share_sum for q in population_shares]
    groups = merge_small_expected(expected)
    if len(groups) < 2:
        return ChiSquare(None, 0, None, groups, "Too few people to test: every category would be merged into one.")
    observed = [sum(counts[i] for i in g) for g in groups]
    wanted = [sum(expected[i] for i in g) for g in groups]
    # scipy.stats takes over a second to import: only what computes a test pays for it.
    from scipy.stats import chisquare

    result = chisquare(observed, wanted)
    return ChiSquare(float(result.statistic), len(groups) - 1, float(result.pvalue), groups)


@dataclass
class CategoryComparison:
    category: str
    count: int
    share: float | None
    population_count: int
    population_share: float
    ratio: float | None
    gap_points: float | None
    lower: float | None
    upper: float | None
    flag: str


@dataclass
class Comparison:
    categories: list[CategoryComparison]
    known: int
    unknown: int
    coverage: float | None
    dissimilarity: float | None
    chi_square: ChiSquare
    population_base: int


def compare(counts: dict[str, int], population: dict[str, int], unknown: int = 0) -> Comparison:
    """Compare a group's counts per category with population counts over the same categories.

    Categories are those of the population, in its order; group counts in
    categories the population lacks are ignored by the caller's mapping.
    """
    categories = list(population)
    base = sum(population.values())
    known = sum(counts.get(c, 0) for c in categories)
    rows = []
    shares, population_shares = [], []
    for category in categories:
        n = counts.get(category, 0)
        q = population[category] / base if base else 0.0
        p = n / known if known else None
        lower, upper = wilson_interval(n, known) if known else (None, None)
        rows.append(
            CategoryComparison(
                category=category,
                count=n,
                share=p,
                population_count=population[category],
                population_share=q,
                ratio=(p / q) if (p is not None and q > 0) else None,
                gap_points=(100 * (p - q)) if p is not None else None,
                lower=lower,
                upper=upper,
                flag=flag(lower, upper, q) if known else "",
            )
        )
        shares.append(p or 0.0)
        population_shares.append(q)
    people = known + unknown
    return Comparison(
        categories=rows,
        known=known,
        unknown=unknown,
        coverage=(known / people) if people else None,
        dissimilarity=dissimilarity_index(shares, population_shares) if known else None,
        chi_square=chi_square_goodness_of_fit([r.count for r in rows], population_shares),
        population_base=base,
    )
