"""The suite's pytest-xdist scheduling: every browser test in one work unit, everything else test by test.

The browser tests share one served app per backend and one browser, and run in the order
``tests/e2e/conftest.py`` gives them, so one worker takes them all; the other workers take the unit and storage
tests meanwhile. (pytest-xdist's own ``xdist_group`` marks rename node ids, which pytest 9 no longer allows, so the
grouping is by path here.)
"""

from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

BROWSER_TESTS = "tests/e2e/"


class BrowserGroupScheduling(LoadScopeScheduling):
    """Load scheduling where the browser tests are one scope and every other test is its own."""

    def _split_scope(self, nodeid: str) -> str:
        return BROWSER_TESTS if nodeid.startswith(BROWSER_TESTS) else nodeid
