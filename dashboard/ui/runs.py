"""How many script runs one server process executes at once (``DASHBOARD_CONCURRENT_RUNS``).

Streamlit runs every session's script in a thread of one process, and the threads share one
interpreter: thirty runs started together finish together, at the end of the thirtieth, and all
thirty hold their half-built pages in memory at the same moment. Letting a few run at a time
and the others wait their turn does the same work in the same time, but the first visitor is
served first, and the memory a crowd needs at once is what a few runs need.

A run waiting for a computation another run started (``dashboard.memo``) waits while holding
its turn; the run it waits for holds one too, so the wait always ends.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

DEFAULT = 4


def allowed() -> int:
    """``DASHBOARD_CONCURRENT_RUNS``, at least 1 (unset or not a number: 4)."""
    try:
        return max(1, int(os.environ.get("DASHBOARD_CONCURRENT_RUNS") or DEFAULT))
    except ValueError:
        return DEFAULT


_TURNS = threading.BoundedSemaphore(allowed())
_HELD = threading.local()


@contextmanager
def turn():
    """Hold one of the process's turns for the duration of a script run (re-entrant in a
    thread: a run's own nested use does not take a second turn)."""
    if getattr(_HELD, "depth", 0):
        _HELD.depth += 1
        try:
            yield
        finally:
            _HELD.depth -= 1
        return
    with _TURNS:
        _HELD.depth = 1
        try:
            yield
        finally:
            _HELD.depth = 0
