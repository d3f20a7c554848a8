"""Each domain imports only the domains beneath it, as the contract in pyproject.toml lays them out.

Bulletins send every kind of message without importing the domain that declares it (surveys
register their invitations), and no two domains import each other in a ring.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In a process of its own: the linter sets up logging for the whole process it runs in.
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))"
)


def test_domains_import_only_the_domains_beneath_them():
    run = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "A domain imports only the domains beneath it KEPT" in run.stdout
