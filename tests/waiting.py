"""Waiting in tests: for something to happen, never for a fixed time.

Where a test can be told of the event (a socket.io event, a queue's message) it waits for that
itself; where it can only look (an HTTP API, a file, a database), it asks `wait_until`, which
looks again until the answer is there or the time is up."""
from __future__ import annotations

import time
from typing import Callable, TypeVar, Union

T = TypeVar("T")

POLL_INTERVAL_S = 0.1


def wait_until(condition: Callable[[], T], timeout: float = 20.0,
               message: Union[str, Callable[[], str]] = "the condition") -> T:
    """Calls `condition` until it returns something truthy, and returns that. After `timeout`
    seconds the test fails with `message` (a callable is asked at that moment, so it can say
    what there was instead)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {message() if callable(message) else message}")
        time.sleep(POLL_INTERVAL_S)
