"""Metrics give the same results while they get faster: outputs pinned on synthetic data.

The digests were recorded from the metrics as they were before they were optimised, for a
synthetic dataset under several filters; the bundled data has its own hand-made tests.
"""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import pytest

from dashboard import metrics
from dashboard.metrics import Filters

from .conftest import synthetic_dataset

FILTERS = {
    "none": Filters(),
    "years": Filters(years=(2018, 2020)),
    "towns": Filters(towns=("syn-town-0003", "syn-town-0017")),
    "nationalities": Filters(nationalities=("VN", "")),
    "all": Filters(years=(2016, 2024), towns=("syn-town-0001", "syn-town-0002", "syn-town-0030"),
                   nationalities=("CN", "KR", "")),
}  # fmt: skip


def digest(value) -> str:
    """A digest of a DataFrame (dtypes, index, values), a Dataset or a plain value."""
    if isinstance(value, pd.DataFrame):
        buffer = io.StringIO()
        value.to_csv(buffer)
        text = repr(list(value.dtypes.astype(str).items())) + buffer.getvalue()
    elif hasattr(value, "regions"):
        text = "".join(digest(value.table(name)) for name in metrics_tables())
    else:
        text = repr(value)
    return hashlib.sha1(text.encode()).hexdigest()


def metrics_tables() -> tuple[str, ...]:
    from dashboard.schema import TABLES

    return TABLES


def outputs(ds, filters: Filters) -> dict[str, str]:
    """Every metric of ``ds`` under ``filters``, digested."""
    part = metrics.apply_filters(ds, filters)
    return {
        "apply_filters": digest(part),
        "year_span": digest(metrics.year_span(part)),
        "program_table": digest(metrics.program_table(part)),
        "person_days": digest(metrics.person_days(part)),
        "returning_participants": digest(metrics.returning_participants(part)),
        "headline": digest(metrics.headline(part)),
        "participants_by_town": digest(metrics.participants_by_town(part)),
        "nationality_counts": digest(metrics.nationality_counts(part)),
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic")
    return synthetic_dataset(folder, towns=40, participants=1500, seed=3)


EXPECTED = {
    "none": {
        "apply_filters": "fe6ad9f8861ba41d04a23711e176de2193dad3cb",
        "year_span": "a2f4df90eda193173875aef2df8e3be8dd30e72d",
        "program_table": "d61d53e8830cffe3382d173b2f3058e6dbb6a486",
        "person_days": "1782ea9e4a89d1dbfdff9df5261f80a999466f17",
        "returning_participants": "46a9c17168ad991d48234a286aae32ac3cd59ec0",
        "headline": "9a6c64a5830636b4378ba40371a2a6736b360745",
        "participants_by_town": "bc2040f59c6e3fc28b7c0324ea2a64c0cc570a6a",
        "nationality_counts": "42be10345b659df2c1f3b118caa192415b010985",
    },
    "years": {
        "apply_filters": "833681d05918f736de9aba7f3683644f218df1c4",
        "year_span": "8e81e9a977f3a79089162f57d1a7ab046471ca8e",
        "program_table": "31b10b0b6289b986b5c01cb6970301ad3e53681b",
        "person_days": "a23c02eb1a922925c05c92f988ad10ece8c1cfc4",
        "returning_participants": "1eac635d5ee36f8cac488e94e7c479afe78a97f5",
        "headline": "a11a83b6b49c986f96923b12949b9d26fae10a81",
        "participants_by_town": "a8e577b76733771bfe512851bd88cd8b6eef0e83",
        "nationality_counts": "fb4d1e25062c5e9b23368b4ed7abc866888002d3",
    },
    "towns": {
        "apply_filters": "01260206cbb181ee375d2aa848ce5262144f0589",
        "year_span": "428f77f800898177925885452a19fa4f5f597dbb",
        "program_table": "c9ba1874343a2cc7ede75101bbb1944a3ef363ea",
        "person_days": "13ee964ffdf6e8d6e40d041d06f6ef2812ab64bb",
        "returning_participants": "8924412fc83442a55ec4b9e01e867778fac72751",
        "headline": "e2244bf3a9542369dfe4f0598f15e49373585ddf",
        "participants_by_town": "ed35fe0935cc038c04d6b87d5e0dd5a821c7fbac",
        "nationality_counts": "b9ada350646cc1e2a75dc54e6889291267f79190",
    },
    "nationalities": {
        "apply_filters": "67d7b404e07b0c6b7377e60e368a51a64f83364d",
        "year_span": "a2f4df90eda193173875aef2df8e3be8dd30e72d",
        "program_table": "657e92e179bf94bbee0017716ba25fd8693d093d",
        "person_days": "777fa26ea53bc840fb6834d7b23bb631a165e4fe",
        "returning_participants": "6c394f9e1f3742d9b1f3be15f504bb2387a3d6d2",
        "headline": "512581db53c9d02808df6a32109f763f303e4de4",
        "participants_by_town": "989ea37b7e9f5703dee8f1d4f97254b56ab27463",
        "nationality_counts": "c81238d63a2f14affce4ee65e6f65fbe95fc5dc9",
    },
    "all": {
        "apply_filters": "826ffb1fd6fd25f0ad0d7c434910b2ddaffbe1e6",
        "year_span": "9b308d1c855b6850185b0d5655f1f69f863ca9fc",
        "program_table": "4c61e6e1d1ce31f4584e1da52fb20e8ab1d0390e",
        "person_days": "3e5845e02f7c2e85513555f3d517c6fbd8e8a56d",
        "returning_participants": "7f6b8d7c21bdacfb28f00380f72c0afce47ca4ad",
        "headline": "c06839f21ddc47a0b087d976b793a94068507c8b",
        "participants_by_town": "208473fee2558ad0ee3cd1ee52f774b1ec03cf38",
        "nationality_counts": "455f47ea122b18c904030c5e15fce3f361b30fa0",
    },
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_metrics_under_each_filter_are_as_before(synthetic, name):
    assert outputs(synthetic, FILTERS[name]) == EXPECTED[name]


def test_changing_a_returned_table_does_not_change_the_next_answer(synthetic):
    first = metrics.participants_by_town(synthetic)
    first["listed"] = -1
    first["town"] = "changed"
    table = metrics.program_table(synthetic)
    table["listed"] = -1
    assert outputs(synthetic, Filters()) == EXPECTED["none"]


def test_filters_give_the_same_dataset_object_on_a_rerun(synthetic):
    chosen = Filters(towns=("syn-town-0003",))
    assert metrics.apply_filters(synthetic, chosen) is metrics.apply_filters(synthetic, chosen)


@pytest.mark.parametrize("keep", [0, 1, 5, 40, 400, 3000])
def test_returning_people_at_once_equal_the_group_by_group_answer(synthetic, keep):
    pairs = synthetic.participations.sample(n=min(keep, len(synthetic.participations)),
                                            random_state=keep)  # fmt: skip
    part = synthetic.replace(participations=pairs)
    fast = metrics.returning_participants(part)
    slow = metrics._returning(pairs, synthetic.participants)
    pd.testing.assert_frame_equal(fast, slow)


def test_nobody_returning_gives_the_same_empty_table(synthetic):
    pairs = synthetic.participations.drop_duplicates("participant_id")
    part = synthetic.replace(participations=pairs)
    pd.testing.assert_frame_equal(
        metrics.returning_participants(part), metrics._returning(pairs, synthetic.participants)
    )
