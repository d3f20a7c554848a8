"""Browser tests of the public pages: fixtures come from tests/browser_support.py."""

from tests.browser_support import AXE, CHROMIUM_ARGS, axe_violations  # noqa: F401
