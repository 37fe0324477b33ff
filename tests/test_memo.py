"""memo: an answer remembered by its arguments, handed out so that changing it changes nothing."""

from __future__ import annotations

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
