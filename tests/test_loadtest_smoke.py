"""`make loadtest`, smaller: the same two-replica stack behind nginx on PostgreSQL (a server of
the test's own), Redis and RabbitMQ, the same faults (a Rasa replica killed and started again,
an action server killed, PostgreSQL restarted) and the same checks, with 16 conversations; then
socket.io sessions over long-polling through nginx (sticky sessions)."""
from __future__ import annotations

import shutil

import pytest

from bench import loadtest

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`


@pytest.mark.timeout(420)
def test_two_replicas_lose_and_duplicate_nothing_through_faults():
    if not shutil.which("nginx") and not shutil.os.path.exists("/usr/sbin/nginx"):
        pytest.fail("nginx is missing: `make nginx` (make test installs it)")
    figures = loadtest.run(16, loadtest.SMOKE_LAYOUT, think_s=8.0, label="smoke")
    loadtest.print_report(figures)
    assert figures["errors"] == 0, figures["error_samples"]
    assert figures["conversations_with_problems"] == 0, figures["conversation_problems"]
    assert figures["events_not_published"] == 0 and figures["events_published_but_not_stored"] == 0
    for fault, window in figures["faults"].items():
        assert window["errors"] == 0, fault
    # the widget's socket.io over long-polling, through nginx's sticky upstream
    assert figures["socketio_sessions_ok"] == figures["socketio_sessions"]
