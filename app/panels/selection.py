"""The lottery itself, on top of sortition-algorithms (Sortition Foundation, GPL-3.0).

Pure: takes the recorded inputs of a draw (pool rows, quotas, panel size,
algorithm, seed) and returns the panel, a reserve list and, for maximin, each
volunteer's probability of selection. The same inputs and seed give the same
panel, so anyone can check a draw.
"""

import csv
import io
import random

ALGORITHMS = {
    "maximin": "Fair lottery (maximin): every volunteer gets as equal a chance as the quotas allow; can take minutes",
    "legacy": "Instant draw (legacy): quick, but some volunteers may have less chance than others",
}
HOUSEHOLD = "_household"


class DrawRefused(Exception):
    """The draw cannot go ahead; the message says why in plain words."""


def _csv(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _plain(error: Exception) -> str:
    lines = getattr(error, "all_lines", None)
    text = "\n".join(lines) if lines else str(error)
    return text.replace("feature", "characteristic").replace("Feature", "Characteristic")


def draw(
    pool: list[dict], features: list[str], quotas: list[dict], size: int, algorithm: str, seed: int, progress=None
):
    """Select a panel of `size` from `pool` meeting the quotas; raises DrawRefused with the reason."""
    # Imported here: the library (and what it pulls in) is slow to import and only a draw needs it.
    from sortition_algorithms import CSVStringDataSource, SelectionData, Settings
    from sortition_algorithms.committee_generation import standardize_distribution
    from sortition_algorithms.committee_generation.maximin import find_distribution_maximin
    from sortition_algorithms.core import find_random_sample, lottery_rounding
    from sortition_algorithms.errors import SortitionBaseError
    from sortition_algorithms.features import check_desired
    from sortition_algorithms.people import check_enough_people_for_every_feature_value
    from sortition_algorithms.utils import set_random_provider

    if algorithm not in ALGORITHMS:
        raise DrawRefused("Choose the fair lottery or the instant draw.")
    check_household = any(p.get(HOUSEHOLD) for p in pool)
    header = ["id", *features, HOUSEHOLD]
    people_csv = _csv(
        header, [[p["id"], *(p[f] for f in features), p.get(HOUSEHOLD) or f"own-{p['id']}"] for p in pool]
    )
    quotas_csv = _csv(
        ["feature", "value", "min", "max"], [[q["feature"], q["value"], q["min"], q["max"]] for q in quotas]
    )
    settings = Settings(
        id_column="id",
        columns_to_keep=[],
        check_same_address=check_household,
        check_same_address_columns=[HOUSEHOLD] if check_household else [],
        selection_algorithm=algorithm,
        random_number_seed=seed,
    )
    address_columns = settings.normalised_address_columns if check_household else []
    try:
        data = SelectionData(CSVStringDataSource(quotas_csv, people_csv))
        feature_collection, _ = data.load_features(size)
        people, _ = data.load_people(settings, feature_collection)
        check_desired(feature_collection, size)
        check_enough_people_for_every_feature_value(feature_collection, people)
        if progress:
            progress(1, 3, "finding panels")
        set_random_provider(seed)
        probabilities = None
        if algorithm == "maximin":
            committees, weights, _ = find_distribution_maximin(
                feature_collection, people, size, address_columns, settings.solver_backend
            )
            committees, weights = standardize_distribution(committees, weights)
            probabilities = {}
            for committee, weight in zip(committees, weights, strict=True):
                for person in committee:
                    probabilities[person] = probabilities.get(person, 0.0) + weight
            set_random_provider(seed)
            panel = lottery_rounding(committees, weights, 1)[0]
        else:
            chosen, _ = find_random_sample(
                feature_collection,
                people,
                size,
                address_columns,
                selection_algorithm="legacy",
                max_attempts=100,
            )
            panel = chosen[0]
    except SortitionBaseError as error:
        raise DrawRefused(_plain(error)) from error
    finally:
        set_random_provider(None)
    if progress:
        progress(2, 3, "choosing reserves")
    chosen_households = {p.get(HOUSEHOLD) for p in pool if p["id"] in panel and p.get(HOUSEHOLD)}
    others = sorted(
        (
            p["id"]
            for p in pool
            if p["id"] not in panel and not (p.get(HOUSEHOLD) and p[HOUSEHOLD] in chosen_households)
        ),
        key=str,
    )
    random.Random(seed).shuffle(others)
    return {
        "panel": sorted(panel, key=str),
        "reserves": others[: max(size // 2, 1)],
        "probabilities": {str(k): round(v, 6) for k, v in (probabilities or {}).items()},
        "household_check": check_household,
    }
