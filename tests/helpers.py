"""Small helpers shared by tests."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], *, timeout: float = 20.0, interval: float = 0.2, what: str = "condition") -> T:
    """Polls until predicate() is truthy and returns its value; fails the test after `timeout` seconds.

    For waiting on other processes (a Celery worker, a server): never to slow a test down on purpose."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)
