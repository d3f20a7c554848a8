"""Import 100,000 generated members (some bad rows, some repeated, some already members) into SQLite.

Runs the same service the pages, the job and the CLI use (members.importer.import_file),
and a plain pandas.read_csv of the same file in the same run for the ratio.
Goal: under 20 s and under 500 MB peak memory. Last line: JSON.
"""

import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
BAD_EVERY = 97  # about 1% bad rows
REPEAT_EVERY = 53  # about 2% repeats of an earlier row's email (in another case)
EXISTING = 2000  # members already held whose addresses appear in the file
FIRST = ["Amelia", "Olivia", "Isla", "Ava", "Mohammed", "Noah", "Oliver", "Zoë", "Siobhán", "Harpreet", "Kwame", "Wei"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Singh", "Khan", "Patel", "O'Brien", "Nowak", "Okafor", "Müller", "Evans"]
OUTWARD = ["WV1", "WV2", "WV3", "WV4", "WV6", "WV10", "WV11", "WV14", "B1", "DY1"]
TOPICS = ["Mental health", "maternity", "urgent-care", "Cancer;Pharmacy", "", "", "primary-care;older-people"]
TYPES = ["", "", "resident", "Patient", "carer", "stakeholder"]
PRACTICES = [f"M92{n:03d}" for n in range(1, 21)]


def generate(path: Path, rows: int, rng: random.Random) -> dict:
    counts = {"bad": 0, "repeats": 0}
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write("Email,First name,Surname,Postcode,Date of birth,Practice code,Topics,Contact type,Phone\n")
        for i in range(rows):
            email = f"person{i}@example.org"
            postcode = f"{rng.choice(OUTWARD)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            year, month, day = rng.randint(1930, 2008), rng.randint(1, 12), rng.randint(1, 28)
            dob = f"{day:02d}/{month:02d}/{year}" if i % 2 else f"{year}-{month:02d}-{day:02d}"
            practice = rng.choice(PRACTICES)
            if i % BAD_EVERY == 1:
                counts["bad"] += 1
                kind = (i // BAD_EVERY) % 4
                if kind == 0:
                    email = f"person{i}.example.org"
                elif kind == 1:
                    postcode = "NOT A POSTCODE"
                elif kind == 2:
                    dob = "31/02/1980"
                else:
                    practice = "X99999"
            elif i % REPEAT_EVERY == 2 and i > 100:
                counts["repeats"] += 1
                email = f"PERSON{i - 50}@Example.org"
            handle.write(
                f"{email},{rng.choice(FIRST)},{rng.choice(LAST)},{postcode},{dob},{practice},"
                f'"{rng.choice(TOPICS)}",{rng.choice(TYPES)},07700 9{i % 100000:05d}\n'
            )
    return counts


def main() -> None:
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        csv_path = folder / "members.csv"
        generated = generate(csv_path, ROWS, rng)
        size_mb = csv_path.stat().st_size / 1e6

        os.environ.setdefault("INVOLVE_ENV", "test")
        from app import create_app
        from app.config import TestConfig

        class BenchConfig(TestConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'bench.db'}"
            OUTBOX_DIR = str(folder / "outbox")

        app = create_app(BenchConfig)
        import pandas as pd
        from flask_migrate import upgrade

        from app.extensions import db
        from app.members.import_reader import guess_mapping, peek_members_file, read_members_file
        from app.members.importer import ImportOptions, import_file
        from app.members.models import Member
        from app.members.services import ensure_default_topics
        from app.organisations.models import Practice

        with app.app_context():
            upgrade()
            ensure_default_topics()
            db.session.add_all(Practice(ods_code=code, name=f"Practice {code}") for code in PRACTICES)
            db.session.commit()
            # Members already held: the first EXISTING addresses of the file, imported beforehand.
            seed = folder / "existing.csv"
            with open(csv_path, encoding="utf-8") as source, open(seed, "w", encoding="utf-8") as target:
                for number, line in enumerate(source):
                    if number > EXISTING:
                        break
                    target.write(line)
            seed_mapping = guess_mapping(read_members_file(str(seed), ".csv").headers)
            import_file(str(seed), ".csv", seed_mapping, ImportOptions(["bulletin"], refuse_if_bad=False))
            before = db.session.scalar(db.select(db.func.count()).select_from(Member))

            started, cpu = time.perf_counter(), time.process_time()
            pd.read_csv(csv_path)
            read_csv_seconds = time.perf_counter() - started
            read_csv_cpu = time.process_time() - cpu

            rss_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started, cpu = time.perf_counter(), time.process_time()
            mapping = guess_mapping(peek_members_file(str(csv_path), ".csv")[0])
            report = import_file(
                str(csv_path),
                ".csv",
                mapping,
                ImportOptions(["bulletin", "involvement", "surveys"], method="paper", refuse_if_bad=False),
            )
            import_seconds = time.perf_counter() - started
            import_cpu = time.process_time() - cpu
            load = os.getloadavg()[0]
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            after = db.session.scalar(db.select(db.func.count()).select_from(Member))

            # Exporting everything just imported, as staff would from the members list.
            from app.members import export

            exports = {}
            for kind, write, mode in (("csv", export.write_csv, "w"), ("xlsx", export.write_xlsx, "wb")):
                started, cpu = time.perf_counter(), time.process_time()
                with open(folder / f"export.{kind}", mode) as handle:
                    write(export.MemberFilter(), handle)
                exports[kind] = (time.perf_counter() - started, time.process_time() - cpu)
            export_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            db.engine.dispose()

    figures = {
        "rows": ROWS,
        "file_mb": round(size_mb, 1),
        "bad_rows_generated": generated["bad"],
        "repeated_rows_generated": generated["repeats"],
        "already_members": before,
        "new": report.new,
        "skipped": report.skipped,
        "bad": report.bad,
        "members_written": after - before,
        "import_seconds": round(import_seconds, 2),
        "rows_per_second": round(ROWS / import_seconds),
        "read_csv_seconds": round(read_csv_seconds, 3),
        "ratio_to_read_csv": round(import_seconds / read_csv_seconds, 1),
        "import_cpu_seconds": round(import_cpu, 2),
        "read_csv_cpu_seconds": round(read_csv_cpu, 3),
        "ratio_to_read_csv_cpu": round(import_cpu / read_csv_cpu, 1),
        "load_average": round(load, 1),
        "peak_rss_mb": round(peak_mb),
        "rss_before_import_mb": round(rss_before_mb),
        "export_csv_seconds": round(exports["csv"][0], 2),
        "export_xlsx_seconds": round(exports["xlsx"][0], 2),
        "export_csv_cpu_seconds": round(exports["csv"][1], 2),
        "export_xlsx_cpu_seconds": round(exports["xlsx"][1], 2),
        "peak_rss_after_exports_mb": round(export_peak_mb),
        "cpus": os.cpu_count(),
        "goal": "import_seconds < 20 and peak_rss_mb < 500",
        "goal_met": import_seconds < 20 and peak_mb < 500,
    }
    print(f"input: {ROWS:,} rows, {size_mb:.1f} MB CSV; {before:,} already members; SQLite in a temporary folder")
    print(
        f"import: {import_seconds:.2f} s, {ROWS / import_seconds:,.0f} rows/s; "
        f"new {report.new:,}, skipped {report.skipped:,}, bad {report.bad:,}"
    )
    print(
        f"plain pandas.read_csv: {read_csv_seconds:.3f} s; ratio import / read_csv: {import_seconds / read_csv_seconds:.1f}"
    )
    print(
        f"CPU time of this process: import {import_cpu:.2f} s, read_csv {read_csv_cpu:.3f} s "
        f"(ratio {import_cpu / read_csv_cpu:.1f}); load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB (before the import: {rss_before_mb:.0f} MB)")
    for kind, (seconds, cpu) in exports.items():
        print(f"export of all {after:,} members as {kind}: {seconds:.2f} s ({cpu:.2f} s CPU)")
    print(f"peak memory after both exports: {export_peak_mb:.0f} MB")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
