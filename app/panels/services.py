"""Panel draws: building the pool and quotas, recording the draw, running it as a job."""

import csv
import io
import logging
import math
import secrets

from sqlalchemy import select

from app.audit import services as audit_log
from app.clock import now, today
from app.errors import InvalidRequest
from app.extensions import db
from app.jobs import enqueue, fetch_job, report_progress
from app.members.models import Member
from app.panels import selection
from app.panels.models import PanelDraw
from app.panels.selection import (
    ALGORITHMS,
    HOUSEHOLD,
    TIME_LIMIT_DEFAULT,
    TIME_LIMIT_MAX,
    TIME_LIMIT_MIN,
    DrawRefused,
    DrawTimedOut,
    draw,
)
from app.panels.summary import new_record_keys
from app.representation import baselines, mapping
from app.transactions import transactional

log = logging.getLogger(__name__)

NETWORK_FEATURES = ["age_band"]
MAX_POOL = 5000


def network_pool(on=None) -> tuple[list[dict], list[str]]:
    """Active members, with the age band they fall in (from date of birth or the band they gave).

    Equality answers are not used to select individuals; members have no
    address on record, so the one-per-household rule cannot be applied here.
    """
    on = on or today()
    rows = db.session.execute(
        select(Member.id, Member.date_of_birth, Member.age_band).where(Member.status == "active").order_by(Member.id)
    )
    pool = []
    for member_id, born, reported in rows:
        counts, _ = mapping.age_counts([(born, reported)], on, coarse=True)
        band = next(iter(counts), "Not known")
        pool.append({"id": str(member_id), "age_band": band})
    return pool, list(NETWORK_FEATURES)


def parse_pool_csv(raw: bytes, features: list[str]) -> list[dict]:
    """Pool rows from an uploaded CSV: an id column, the feature columns, optional address and postcode."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    needed = ["id", *features]
    missing = [c for c in needed if c not in header]
    if missing:
        raise InvalidRequest(
            "The pool file does not have the columns needed.",
            400,
            {"pool": f"Missing columns: {', '.join(missing)}. The first line must include: {', '.join(needed)}"},
        )
    pool, seen, problems = [], set(), []
    for line, raw_row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw_row.items()}
        if not row["id"]:
            problems.append(f"line {line}: no id")
            continue
        if row["id"] in seen:
            problems.append(f"line {line}: id {row['id']} appears twice")
            continue
        blank = [f for f in features if not row.get(f)]
        if blank:
            problems.append(f"line {line}: no value for {', '.join(blank)}")
            continue
        seen.add(row["id"])
        household = " ".join(row.get(c, "") for c in ("address", "postcode")).strip().lower()
        pool.append({"id": row["id"], **{f: row[f] for f in features}, HOUSEHOLD: household})
    if problems:
        raise InvalidRequest("Some rows of the pool file are not usable.", 400, {"pool": " | ".join(problems[:20])})
    if not pool:
        raise InvalidRequest("The pool file has no people in it.", 400, {"pool": "The pool file has no rows"})
    if len(pool) > MAX_POOL:
        raise InvalidRequest("The pool is too large.", 400, {"pool": f"At most {MAX_POOL} people"})
    return pool


def _without_addresses(pool: list[dict]) -> list[dict]:
    # Only whether two people share a household matters to the draw: the address itself is not kept.
    if not any(p.get(HOUSEHOLD) for p in pool):
        return pool
    labels = selection.household_labels(pool)
    return [{**p, HOUSEHOLD: label if p.get(HOUSEHOLD) else ""} for p, label in zip(pool, labels, strict=True)]


def parse_quotas(text: str, features: list[str], pool: list[dict]) -> list[dict]:
    """Quotas typed by hand, one line each: characteristic,value,min,max."""
    quotas, problems = [], []
    for number, line in enumerate((text or "").strip().splitlines(), start=1):
        if not line.strip() or line.lower().startswith("feature,") or line.lower().startswith("characteristic,"):
            continue
        parts = [p.strip() for p in next(csv.reader([line]))]
        if len(parts) != 4:
            problems.append(f"line {number}: write characteristic,value,min,max")
            continue
        feature, value, low, high = parts
        if feature not in features:
            problems.append(f"line {number}: {feature!r} is not one of {', '.join(features)}")
            continue
        try:
            low_n, high_n = int(low), int(high)
        except ValueError:
            problems.append(f"line {number}: min and max must be whole numbers")
            continue
        if low_n < 0 or high_n < low_n:
            problems.append(f"line {number}: min must be 0 or more and no more than max")
            continue
        quotas.append({"feature": feature, "value": value, "min": low_n, "max": high_n})
    if problems:
        raise InvalidRequest("Some quotas are not usable.", 400, {"quotas": " | ".join(problems)})
    return _fill_missing_values(quotas, features, pool)


def _fill_missing_values(quotas, features, pool):
    # sortition-algorithms needs a quota for every value in the pool; values without one may take any number.
    have = {(q["feature"], q["value"]) for q in quotas}
    filled = list(quotas)
    for feature in features:
        if not any(q["feature"] == feature for q in quotas):
            continue
        for value in sorted({p[feature] for p in pool}):
            if (feature, value) not in have:
                filled.append({"feature": feature, "value": value, "min": 0, "max": len(pool)})
    return filled


def quotas_from_baseline(features: list[str], pool: list[dict], size: int) -> list[dict]:
    """Quotas for a panel of `size`: each group's population share of the area served, rounded down and up."""
    area = baselines.served_area()
    if area is None:
        raise InvalidRequest("Choose the area served first, or type the quotas.", 400, {"quotas": "No area chosen"})
    quotas = []
    for feature in features:
        population = baselines.baseline_for(area.area_codes, feature)
        if population is None:
            continue
        coarse_labels = {band[0] for band in mapping.coarse_bands()}
        if feature == "age_band" and any(p[feature] in coarse_labels for p in pool):
            population = mapping.coarsen_baseline(population)
            population = {k: v for k, v in population.items() if k != mapping.coarse_bands()[0][0]} | {
                mapping.coarse_bands()[0][0]: _adults_under_25(area.area_codes)
            }
        elif feature == "age_band":
            population = {k: v for k, v in population.items() if k not in _CHILD_BANDS}
        population = {k: v for k, v in population.items() if k not in mapping.NOT_ANSWERED}
        total = sum(population.values())
        values = {p[feature] for p in pool}
        for value, count in population.items():
            share = size * count / total if total else 0
            quotas.append({"feature": feature, "value": value, "min": math.floor(share), "max": math.ceil(share)})
        for value in sorted(values - set(population)):
            quotas.append({"feature": feature, "value": value, "min": 0, "max": 0})
    if not quotas:
        raise InvalidRequest(
            "None of the pool's characteristics has a population baseline.",
            400,
            {"quotas": "Name pool columns after a baseline characteristic (e.g. sex, age_band) or type the quotas"},
        )
    return quotas


_CHILD_BANDS = {"Aged 4 years and under", "Aged 5 to 9 years", "Aged 10 to 14 years"}


def _adults_under_25(area_codes) -> int:
    # Panels are for adults: the youngest coarse band counts only the 15-24 year olds (16-24 is not published).
    ages = baselines.baseline_for(area_codes, "age_band") or {}
    return ages.get("Aged 15 to 19 years", 0) + ages.get("Aged 20 to 24 years", 0)


def check_time_limit(value) -> int:
    """The time limit a user typed, in seconds, or InvalidRequest saying what is allowed."""
    message = f"Enter a time limit from {TIME_LIMIT_MIN} to {TIME_LIMIT_MAX} seconds ({TIME_LIMIT_MAX // 60} minutes)"
    text = str(value if value is not None else "").strip()
    if not text:
        return TIME_LIMIT_DEFAULT
    if not text.isdecimal() or len(text) > 6 or not TIME_LIMIT_MIN <= int(text) <= TIME_LIMIT_MAX:
        raise InvalidRequest("There is a problem with the time limit.", 400, {"time_limit": message})
    return int(text)


@transactional
def create_draw(
    title,
    pool,
    features,
    quotas,
    size,
    algorithm,
    seed=None,
    pool_source="csv",
    staff_user_id=None,
    time_limit=TIME_LIMIT_DEFAULT,
    record_keys=None,
    reserves=None,
):
    """Record a draw with everything needed to repeat it; the lottery runs as a job."""
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Enter a name for this panel"
    if algorithm not in ALGORITHMS:
        errors["algorithm"] = "Choose the fair lottery or the instant draw"
    if not isinstance(size, int) or size < 1:
        errors["size"] = "Enter the number of people for the panel, 1 or more"
    elif size > len(pool):
        errors["size"] = f"The pool has only {len(pool)} people: choose a panel of {len(pool)} or fewer"
    if seed is not None and not 1 <= seed < 2**31:
        errors["seed"] = "The seed must be a whole number from 1 to 2147483647"
    if not isinstance(time_limit, int) or not TIME_LIMIT_MIN <= time_limit <= TIME_LIMIT_MAX:
        errors["time_limit"] = f"Enter a time limit from {TIME_LIMIT_MIN} to {TIME_LIMIT_MAX} seconds"
    if reserves is not None and (not isinstance(reserves, int) or not 0 <= reserves <= len(pool) - max(size, 0)):
        errors["reserves"] = (
            f"Enter a number of reserves from 0 to {max(len(pool) - size, 0)}, or leave it blank for everyone left"
        )
    if errors:
        raise InvalidRequest("There is a problem with the draw.", 400, errors)
    seed = seed or secrets.randbelow(2**31 - 1) + 1
    pool = _without_addresses(pool)
    inputs = {"pool": pool, "features": features, "quotas": quotas, "time_limit": time_limit, "reserves": reserves}
    if pool_source != "network":
        inputs["record_keys"] = record_keys or new_record_keys(pool)
    record = PanelDraw(
        title=title.strip()[:200],
        created_by_id=staff_user_id,
        algorithm=algorithm,
        seed=seed,
        panel_size=size,
        pool_source=pool_source,
        inputs=inputs,
    )
    db.session.add(record)
    db.session.flush()
    audit_log.record("create", "panel_draw", record.id, f"{algorithm} draw of {size} from {len(pool)}")
    return record


def repeat_draw(record: PanelDraw, staff_user_id=None, algorithm=None, time_limit=None) -> PanelDraw:
    """A new draw of the same pool, quotas and seed (another lottery or time limit if given)."""
    inputs = record.inputs
    return create_draw(
        f"Check of {record.title}"[:200] if algorithm in (None, record.algorithm) else record.title,
        inputs["pool"],
        inputs["features"],
        inputs["quotas"],
        record.panel_size,
        algorithm or record.algorithm,
        record.seed,
        record.pool_source,
        staff_user_id,
        time_limit=time_limit or time_limit_of(record),
        record_keys=inputs.get("record_keys"),
        reserves=inputs.get("reserves"),
    )


def time_limit_of(record: PanelDraw) -> int:
    return int(record.inputs.get("time_limit") or TIME_LIMIT_DEFAULT)


def start_draw(draw_id: int):
    """Run the draw on a worker (inline without Redis); returns the RQ job or None."""
    record = db.session.get(PanelDraw, draw_id)
    # The lottery stops itself at the time limit; the worker's own limit is a backstop.
    queued = enqueue("panels.run_draw", draw_id, job_timeout=time_limit_of(record) + 300)
    if queued is not None:
        _set_job(draw_id, queued.id)
    return queued


@transactional
def _set_job(draw_id, job_id):
    db.session.get(PanelDraw, draw_id).job_id = job_id


@transactional
def _claim(draw_id) -> bool:
    record = db.session.get(PanelDraw, draw_id)
    if record is None or record.status != "queued":
        return False
    record.status = "running"
    return True


@transactional
def _finish(draw_id, status, result=None, message=""):
    record = db.session.get(PanelDraw, draw_id)
    record.status = status
    record.result = result
    record.message = message
    record.finished_at = now()


def run_draw(draw_id: int) -> None:
    """Runs a queued draw once, within its time limit; a second run of the same draw does nothing."""
    if not _claim(draw_id):
        return
    record = db.session.get(PanelDraw, draw_id)
    inputs = dict(record.inputs)
    limit = time_limit_of(record)

    def progress(done, total, message):
        report_progress(done, total, message=message)

    try:
        result = draw(
            inputs["pool"],
            inputs["features"],
            inputs["quotas"],
            record.panel_size,
            record.algorithm,
            record.seed,
            progress=progress,
            time_limit=limit,
            reserves=inputs.get("reserves"),
        )
    except DrawRefused as refused:
        status = "timed_out" if isinstance(refused, DrawTimedOut) else "infeasible"
        _finish(draw_id, status, {"relax": refused.relax, "versions": selection.versions()}, str(refused))
        log.info("panel draw %s %s", draw_id, status)
        return
    except Exception:
        log.exception("panel draw %s failed", draw_id)
        _finish(draw_id, "failed", None, "The draw stopped because of an error. Try again, or try the instant draw.")
        return
    report_progress(1, 1, message="Finished")
    _finish(draw_id, "done", result)
    log.info("panel draw %s done in %s s", draw_id, result.get("seconds"))


def draw_progress(record: PanelDraw) -> dict:
    """{done, total, message, finished} for the progress bar, from the job (if any) and the draw."""
    finished = record.status not in ("queued", "running")
    message = "Waiting for a worker to start" if record.status == "queued" else "Drawing"
    data = {"done": 0, "total": 0, "message": message, "finished": finished}
    if finished:
        return data | {"done": 1, "total": 1, "message": "Finished"}
    job = fetch_job(record.job_id) if record.job_id else None
    if job is not None:
        meta = job.meta or {}
        data.update({k: meta[k] for k in ("done", "total", "message") if k in meta})
        if job.is_failed:
            data.update(finished=True, message="The draw stopped because of an error.")
    return data


def checking_record(record: PanelDraw) -> dict:
    """The draw as anyone can check it: the library's inputs, versions, and what came out (README)."""
    inputs = record.inputs
    result = record.result or {}
    library = selection.library_inputs(
        inputs["pool"], inputs["features"], inputs["quotas"], record.panel_size, record.algorithm, record.seed
    )
    checked = {
        "draw": {
            "id": record.id,
            "title": record.title,
            "created_at": record.created_at.isoformat(timespec="seconds"),
            "status": record.status,
            "algorithm": record.algorithm,
            "seed": record.seed,
            "time_limit_seconds": time_limit_of(record),
        },
        "versions": result.get("versions") or selection.versions(),
        "python_hash_seed": int(selection.PYTHON_HASH_SEED),
        **library,
        "selected": result.get("panel", []),
        "probabilities": result.get("probabilities", {}),
        "reserves": result.get("reserves", []),
        "how_to_check": "README of Involve, 'Checking a panel': run sortition-algorithms' run_stratification "
        "with these settings, quotas and pool, with PYTHONHASHSEED set to python_hash_seed.",
    }
    if record.result and "versions" not in record.result:
        # Draws made before the lottery ran as its own process reset its random numbers part way.
        checked["note"] = (
            "This draw was made by an earlier version of Involve, which the recipe does not repeat: "
            "repeat the draw on its page to check it."
        )
    return checked


def record_download(draw_id: int) -> None:
    """Note in the audit log that someone downloaded a draw's record."""
    audit_log.record("export", "panel_draw", draw_id, "draw record downloaded")
    db.session.commit()


def get_draw(draw_id: int) -> PanelDraw:
    record = db.session.get(PanelDraw, draw_id)
    if record is None:
        raise InvalidRequest("There is no panel draw with that number.", 404)
    return record


def draws() -> list[PanelDraw]:
    return list(db.session.scalars(select(PanelDraw).order_by(PanelDraw.id.desc())))


def people_for(record: PanelDraw, ids) -> list[dict]:
    """Pool rows of the given ids, in order, with member names for a network pool."""
    by_id = {p["id"]: p for p in record.inputs["pool"]}
    rows = [dict(by_id[i]) for i in ids if i in by_id]
    if record.pool_source == "network":
        members = {
            str(m.id): m for m in db.session.scalars(select(Member).where(Member.id.in_([int(r["id"]) for r in rows])))
        }
        for row in rows:
            member = members.get(row["id"])
            row["name"] = member.full_name if member else "(no longer a member)"
    return rows


def record_view(draw_id: int) -> None:
    """Note in the audit log that someone saw the names on a drawn panel."""
    audit_log.record("view", "panel_draw", draw_id, "panel names shown")
    db.session.commit()


@transactional
def add_panel_to_roster(draw_id: int, roster_id, staff_user_id: int | None = None) -> int:
    """Add everyone on a drawn network panel to a roster, or nobody: problems are reported per person."""
    from app.rosters import services as rosters

    record = get_draw(draw_id)
    if record.status != "done" or record.pool_source != "network" or not (record.result or {}).get("panel"):
        raise InvalidRequest("Only a finished panel drawn from the network's members can be added to a group.", 409)
    roster = rosters.get_roster(roster_id) if isinstance(roster_id, int) else None
    if roster is None:
        raise InvalidRequest("Choose the group to add the panel to.", 400, {"roster_id": "Choose a group"})
    # add_membership commits on its own; its undecorated body lets the whole panel go in one transaction.
    add_one = rosters.add_membership.__wrapped__
    errors = {}
    for person in people_for(record, record.result["panel"]):
        try:
            add_one(roster, int(person["id"]), staff_user_id=staff_user_id)
        except InvalidRequest as refused:
            reason = " ".join((refused.errors or {}).values()) or refused.message
            errors[f"person-{person['id']}"] = f"{person.get('name', person['id'])}: {reason}"
    if errors:
        raise InvalidRequest("Nobody was added: the group cannot take everyone on the panel.", 400, errors)
    audit_log.record("change", "panel_draw", draw_id, f"panel added to roster {roster.id}")
    return len(record.result["panel"])
