"""``memo``: remember a pure function's answer by its arguments, computed once per key.

A ``Dataset`` hashes by identity and never changes, so a new version of the data is a new key
and nothing goes stale; languages, viewers and filters are small frozen values. An argument
that hashes by identity is held weakly: once nothing else holds it, no caller can ask for its
answers again, and they are dropped. (Held strongly, the keys of a few hundred small answers
kept every viewer's scoped copy of the data alive, out of the budget's sight: a gigabyte at L.)

Many sessions run in threads of one process: when several ask for the same key at once, the
first computes it and the others wait for its answer (or its exception) instead of computing
it again side by side. Every memo shares one memory budget (``DASHBOARD_MEMO_MB``, 250 MB by
default): past it, the least recently used answers of all memos are dropped, whatever their
count.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import os
import sys
import threading
import weakref
from collections import OrderedDict, deque, namedtuple
from collections.abc import Callable
from concurrent.futures import Future

import numpy as np
import pandas as pd
from plotly.basedatatypes import BaseFigure, BasePlotlyType

CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"])
DEFAULT_BUDGET_MB = 250


def budget_bytes() -> int:
    """The memory all memos may hold together: ``DASHBOARD_MEMO_MB`` megabytes (default 250)."""
    try:
        return int(float(os.environ.get("DASHBOARD_MEMO_MB") or DEFAULT_BUDGET_MB) * 1024 * 1024)
    except ValueError:
        return DEFAULT_BUDGET_MB * 1024 * 1024


def size_of(value: object, _depth: int = 0) -> int:
    """A quick estimate of the bytes ``value`` holds: tables by their columns' memory, arrays by
    their buffers, figures by their traces' data, containers and dataclasses by their parts."""
    if _depth > 6:
        return 64
    if isinstance(value, pd.DataFrame | pd.Series | pd.Index):
        usage = value.memory_usage(index=True, deep=False)
        total = int(usage.sum()) if hasattr(usage, "sum") else int(usage)
        # object columns hold pointers: count their strings roughly, from a sample
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        if isinstance(frame, pd.DataFrame):
            objects = [c for c, kind in frame.dtypes.items() if pd.api.types.is_object_dtype(kind)]
            for name in objects:
                sample = frame[name].head(64)
                if len(sample):
                    per = sum(sys.getsizeof(v) for v in sample) / len(sample)
                    total += int(per * len(frame))
        return total
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, BaseFigure):  # its traces hold the data
        return sum(size_of(trace, _depth + 1) for trace in value.data) + 4096
    if isinstance(value, dict):
        return 64 + sum(size_of(v, _depth + 1) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        items = list(value) if isinstance(value, set | frozenset) else value
        if len(items) > 256:  # a long list: from a sample
            sample = items[:: len(items) // 128][:128]
            return 64 + int(sum(size_of(v, _depth + 1) for v in sample) / len(sample) * len(items))
        return 64 + sum(size_of(v, _depth + 1) for v in items)
    if hasattr(value, "__dataclass_fields__"):
        return 64 + sum(size_of(getattr(value, f), _depth + 1) for f in value.__dataclass_fields__)
    if isinstance(value, BasePlotlyType):  # a trace
        return 256 + sum(size_of(v, _depth + 1) for v in (value._props or {}).values())
    return sys.getsizeof(value)


# weak references whose object has gone: a callback may run in any thread, even one inside
# the store's lock, so it only queues the reference, and the next call to a memo drops its keys
_GONE: deque[weakref.ref] = deque()


class _Store:
    """Every memo's answers in least-recently-used order, within the shared budget; each
    entry is ``(value, size, owner)``, ``owner`` being its memo's own key list."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.entries: OrderedDict[tuple, tuple[object, int, OrderedDict]] = OrderedDict()
        self.by_ref: dict[weakref.ref, set[tuple]] = {}  # the keys naming each weak argument
        self.total = 0

    def get(self, key: tuple):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def put(self, key: tuple, value: object, size: int, owner: OrderedDict) -> None:
        self.drop(key)
        self.entries[key] = (value, size, owner)
        owner[key] = None
        for part in _weak_parts(key):
            self.by_ref.setdefault(part, set()).add(key)
        self.total += size
        budget = budget_bytes()
        while self.total > budget and len(self.entries) > 1:
            oldest = next(iter(self.entries))
            self.drop(oldest)

    def drop(self, key: tuple) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.total -= entry[1]
            entry[2].pop(key, None)
            for part in _weak_parts(key):
                keys = self.by_ref.get(part)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self.by_ref[part]

    def drop_gone(self) -> None:
        """Drop the answers about arguments that no longer exist."""
        while _GONE:
            for key in list(self.by_ref.pop(_GONE.popleft(), ())):
                self.drop(key)


def _weak_parts(key: object) -> list[weakref.ref]:
    """The weak references in ``key`` (in the tuples it is made of too)."""
    if isinstance(key, weakref.ref):
        return [key]
    if isinstance(key, tuple | list):  # functools._make_key gives a list
        return [ref for part in key for ref in _weak_parts(part)]
    return []


def _held_weakly(value: object) -> bool:
    """Whether a memo holds the argument ``value`` weakly: it hashes by identity (a
    ``Dataset``) and can be referred to weakly."""
    kind = type(value)
    return kind.__hash__ is object.__hash__ and hasattr(kind, "__weakref__")


def _key_part(value: object, depth: int = 0) -> object:
    """``value`` as a key holds it: weakly when it hashes by identity; a frozen dataclass (a
    query holding a ``Dataset``) as its type and fields, each held so."""
    if _held_weakly(value):
        return weakref.ref(value, _GONE.append)
    if depth < 2 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = tuple(
            _key_part(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value)
        )
        return (type(value), parts) if _weak_parts(parts) else value
    return value


def _make_key(name: str, args: tuple, kwargs: dict) -> tuple:
    args = tuple(_key_part(a) for a in args)
    kwargs = {k: _key_part(v) for k, v in kwargs.items()}
    return (name, functools._make_key(args, kwargs, typed=False))


_STORE = _Store()


def held_bytes() -> int:
    """What all memos hold now, by ``size_of``'s estimate."""
    with _STORE.lock:
        return _STORE.total


def memo(func: Callable | None = None, *, maxsize: int = 32, copies: bool = True) -> Callable:
    """``func`` remembered for its last ``maxsize`` argument tuples (all must be hashable),
    within the shared memory budget; one computation per key however many threads ask.

    Tables, dicts and lists are handed out as copies (``copies=False``: shared, for a large
    table its callers only read), so changing an answer never changes the next one; figures
    and other objects are shared as they are, and callers must not change them
    (``present.enlarge`` copies a figure before it enlarges it). An exception reaches every
    caller waiting for that key, and nothing is remembered for it.
    """
    if func is None:
        return functools.partial(memo, maxsize=maxsize, copies=copies)
    hand_out = _handed_out if copies else (lambda value: value)
    name = f"{func.__module__}.{func.__qualname__}"
    mine: OrderedDict[tuple, None] = OrderedDict()  # this memo's keys, for maxsize
    running: dict[tuple, Future] = {}
    stats = {"hits": 0, "misses": 0}

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        key = _make_key(name, args, kwargs)
        hash(key)  # unhashable arguments fail here, as with lru_cache
        with _STORE.lock:
            _STORE.drop_gone()
            entry = _STORE.get(key)
            if entry is not None:
                stats["hits"] += 1
                mine.move_to_end(key)
                return hand_out(entry[0])
            stats["misses"] += 1
            future = running.get(key)
            owner = future is None
            if owner:
                future = running[key] = Future()
        if not owner:
            return hand_out(future.result())
        try:
            value = func(*args, **kwargs)
            size = size_of(value)
        except BaseException as exc:
            with _STORE.lock:
                running.pop(key, None)
            future.set_exception(exc)  # every waiter gets it; nothing is remembered
            raise
        with _STORE.lock:
            _STORE.put(key, value, size, mine)
            while len(mine) > maxsize:
                _STORE.drop(mine.popitem(last=False)[0])
            running.pop(key, None)
        future.set_result(value)
        return hand_out(value)

    def cache_clear() -> None:
        with _STORE.lock:
            for key in list(mine):
                _STORE.drop(key)
            mine.clear()
            stats.update(hits=0, misses=0)

    def cache_info() -> CacheInfo:
        with _STORE.lock:
            alive = sum(1 for k in mine if k in _STORE.entries)
            return CacheInfo(stats["hits"], stats["misses"], maxsize, alive)

    wrapper.cache_clear = cache_clear  # type: ignore[attr-defined]
    wrapper.cache_info = cache_info  # type: ignore[attr-defined]
    return wrapper


def _handed_out(value):
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.copy()
    if isinstance(value, dict | list):
        return copy.copy(value)
    return value
