"""Migration 0017 adds the second disability question and says how many answers lack it."""

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from tests.conftest import make_config


def test_the_upgrade_says_how_many_answers_have_only_the_first_question(tmp_path, capsys):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'old.db'}", str(tmp_path / "outbox")))
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as conn:
            # Answers alone are enough for the count; their members are not needed here.
            conn.execute(sa.text("PRAGMA foreign_keys = OFF"))
            for member_id, condition in enumerate(["yes", "yes", "no", None], start=1):
                conn.execute(
                    sa.text(
                        "INSERT INTO equality_answers (member_id, disability, ethnic_other, sexual_orientation_other,"
                        " religion_other, updated_at) VALUES (:id, :d, '', '', '', :t)"
                    ),
                    {"id": member_id, "d": condition, "t": "2026-01-01"},
                )
            conn.execute(sa.text("INSERT INTO survey_response_equality (response_id, disability) VALUES (1, 'yes')"))
        capsys.readouterr()
        upgrade(revision="0017")
        out = capsys.readouterr().out
        assert "2 member answers and 1 survey response say yes to a long-term condition" in out
        assert "counts them as not known for disability" in out
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(disability_impact) FROM equality_answers")).scalar() == 0
        downgrade(revision="0016")
        db.engine.dispose()
