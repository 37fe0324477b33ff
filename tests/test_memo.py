"""memo: an answer remembered by its arguments, handed out so that changing it changes nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.memo import memo

pytestmark = pytest.mark.unit


def test_the_same_arguments_are_computed_once_other_arguments_again():
    calls = []

    @memo
    def double(x: int) -> int:
        calls.append(x)
        return 2 * x

    assert [double(2), double(2), double(3), double(2)] == [4, 4, 6, 4]
    assert calls == [2, 3]


def test_only_the_last_maxsize_argument_tuples_are_kept():
    calls = []

    @memo(maxsize=2)
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    for x in (1, 2, 3, 1):  # 1 was pushed out by 3
        square(x)
    assert calls == [1, 2, 3, 1]
    assert square.cache_info().currsize == 2


def test_a_returned_table_is_a_copy_changing_it_does_not_change_the_next():
    @memo
    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame({"people": list(range(n))})

    first = table(3)
    first.loc[0, "people"] = 99
    assert table(3)["people"].tolist() == [0, 1, 2]


def test_a_returned_dict_or_list_is_a_copy_other_objects_are_shared():
    @memo
    def parts(n: int) -> dict:
        return {"n": n}

    @memo
    def thing(n: int) -> object:
        return object()

    parts(1)["n"] = 5
    assert parts(1) == {"n": 1}
    assert thing(1) is thing(1)


def test_cache_clear_forgets_every_answer():
    calls = []

    @memo
    def one(x: int) -> int:
        calls.append(x)
        return x

    one(1)
    one.cache_clear()
    one(1)
    assert calls == [1, 1]


def test_unhashable_arguments_are_refused():
    @memo
    def size(values) -> int:
        return len(values)

    with pytest.raises(TypeError):
        size([1, 2])


def test_threads_asking_for_one_key_at_once_compute_it_once():
    import threading

    calls, gate = [], threading.Event()

    @memo
    def slow(x: int) -> int:
        calls.append(x)
        gate.wait(5)
        return x * 10

    answers: list[int] = []
    threads = [threading.Thread(target=lambda: answers.append(slow(4))) for _ in range(12)]
    for thread in threads:
        thread.start()
    while slow.cache_info().misses < 12:  # every thread has asked, one is computing
        threading.Event().wait(0.01)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert calls == [4] and answers == [40] * 12


def test_an_exception_reaches_every_waiter_and_is_not_remembered():
    import threading

    calls, gate = [], threading.Event()

    @memo
    def broken(x: int) -> int:
        calls.append(x)
        gate.wait(5)
        raise RuntimeError("no data")

    errors: list[str] = []

    def ask() -> None:
        try:
            broken(1)
        except RuntimeError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    while broken.cache_info().misses < 6:
        threading.Event().wait(0.01)
    gate.set()
    for thread in threads:
        thread.join(5)
    assert calls == [1] and errors == ["no data"] * 6
    with pytest.raises(RuntimeError):  # asked again later: computed again
        broken(1)
    assert calls == [1, 1]


def test_the_memos_share_a_memory_budget_and_drop_the_oldest_past_it(monkeypatch):
    from dashboard import memo as memo_module

    monkeypatch.setenv("DASHBOARD_MEMO_MB", "1")  # room for two of these 0.4 MB tables

    @memo(maxsize=100)
    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame({"x": np.zeros(50_000, dtype="int64") + n})

    for n in range(5):
        table(n)
    assert table.cache_info().currsize == 2  # the count allowed 100: the bytes did not
    assert memo_module.held_bytes() <= 1024 * 1024
    table.cache_clear()


def test_size_of_counts_tables_arrays_and_their_strings():
    from dashboard.memo import size_of

    numbers = pd.DataFrame({"x": np.arange(1000, dtype="int64")})
    assert 8000 <= size_of(numbers) < 10_000
    words = pd.DataFrame({"w": ["a rather long piece of text"] * 1000})
    assert size_of(words) > 27_000  # the text's bytes
    objects = words.astype(object)
    assert size_of(objects) > 60_000  # the strings, not only their pointers
    assert size_of({"a": np.zeros(100)}) >= 800


def test_a_shared_answer_is_handed_out_as_it_is():
    calls = []

    @memo(maxsize=2, copies=False)
    def table(n: int) -> pd.DataFrame:
        calls.append(n)
        return pd.DataFrame({"n": range(n)})

    assert table(3) is table(3) and calls == [3]


def test_an_answer_does_not_keep_its_dataset_alive_and_goes_with_it():
    import gc
    import weakref

    from dashboard.data import empty_dataset

    @memo(maxsize=8)
    def rows(ds, lang: str) -> int:
        return len(ds.regions) + len(lang)

    first, second = empty_dataset(), empty_dataset()
    assert rows(first, "en") == 2 and rows(first, "en") == 2 and rows(second, "ja") == 2
    assert rows.cache_info().hits == 1 and rows.cache_info().currsize == 2
    gone = weakref.ref(first)
    del first
    gc.collect()
    # the small answer did not hold the (at L, 27 MB) dataset it was about
    assert gone() is None
    rows(second, "ja")  # the next call drops the answers about what is gone
    assert rows.cache_info().currsize == 1 and rows.cache_info().hits == 2
    rows.cache_clear()


def test_a_query_holding_a_dataset_does_not_keep_it_alive_either():
    import dataclasses
    import gc
    import weakref

    from dashboard.data import empty_dataset

    @dataclasses.dataclass(frozen=True)
    class Query:  # as the voices page's: the data and what is asked of it
        ds: object
        lang: str

    @memo(maxsize=8)
    def answer(q: Query) -> str:
        return q.lang * 2

    ds = empty_dataset()
    assert answer(Query(ds, "en")) == "enen" == answer(Query(ds, "en"))
    assert answer.cache_info().hits == 1  # equal queries are one key
    gone = weakref.ref(ds)
    del ds
    gc.collect()
    assert gone() is None
    answer(Query(empty_dataset(), "ja"))
    assert answer.cache_info().currsize == 1
    answer.cache_clear()


def test_values_hashed_by_value_stay_in_the_key_as_they_are():
    calls = []

    @memo(maxsize=8)
    def twice(x, *, name: str = "") -> tuple:
        calls.append(x)
        return (x, name)

    assert twice(("a", 1), name="n") == (("a", 1), "n") == twice(("a", 1), name="n")
    assert twice(3) == (3, "") and twice(3) == (3, "")
    assert calls == [("a", 1), 3]
    twice.cache_clear()
