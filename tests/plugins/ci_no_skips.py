"""Under CI=true a skipped test is a failure: a skip there means something was not tested."""

from __future__ import annotations

import pytest

from tests.ci import ci_mode


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not ci_mode():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped:
        names = ", ".join(r.nodeid for r in skipped[:10])
        if reporter is not None:
            reporter.write_line(
                f"CI=true: {len(skipped)} skipped test(s) count as failures: {names}", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
