import pytest


@pytest.fixture
def config_overrides(tmp_path):
    return {"IMPORT_DIR": str(tmp_path / "imports")}
