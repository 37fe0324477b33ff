"""``memo``: remember a pure function's answer by its arguments.

A ``Dataset`` hashes by identity and never changes, so a new version of the data is a new key
and nothing goes stale; languages, viewers and filters are small frozen values.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from functools import lru_cache

import pandas as pd


def memo(func: Callable | None = None, *, maxsize: int = 32) -> Callable:
    """``func`` remembered for its last ``maxsize`` argument tuples (all must be hashable).

    Tables, dicts and lists are handed out as copies, so changing an answer never changes the
    next one; figures and other objects are shared as they are, and callers must not change
    them (``present.enlarge`` copies a figure before it enlarges it).
    """
    if func is None:
        return functools.partial(memo, maxsize=maxsize)
    cached = lru_cache(maxsize=maxsize)(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        value = cached(*args, **kwargs)
        if isinstance(value, pd.DataFrame | pd.Series):
            return value.copy()
        if isinstance(value, dict | list):
            return copy.copy(value)
        return value

    wrapper.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    wrapper.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return wrapper
