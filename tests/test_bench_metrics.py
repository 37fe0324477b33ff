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
        "apply_filters": "11e729d93abcb5046f5587fb7cb84555b592e30f",
        "year_span": "a2f4df90eda193173875aef2df8e3be8dd30e72d",
        "program_table": "7f4e3252df95bdfb5d1fbf09590c650e0d9f9354",
        "person_days": "93429eca5f510a698d219a8ebb6630b4c4386d67",
        "returning_participants": "9ce1ce79bb3d286eb4c341261541a09726c5c253",
        "headline": "1e464b3cd9e4bccd4a385ccc75620104c6ce4c56",
        "participants_by_town": "c256ce6188e1beaffd2ea0a75604bfc53b63c61e",
        "nationality_counts": "c2eca138bb897dfd29198fd81139d16b4265b43c",
    },
    "years": {
        "apply_filters": "84c17c9ae3b5ae703c1769c5018878b98f35e406",
        "year_span": "3d4bd8a8fc5ae82e0bc4139a64e7cc9fab9199f5",
        "program_table": "67fd380e8cda53f037d141d2ffbf36f2c937c438",
        "person_days": "c5542724ed82d20f4f8ec783ce91f934450255da",
        "returning_participants": "28269c82e223728810be54c5db7e37593ac77015",
        "headline": "404843281db2ddc990d8c524ab0802b9692bbebf",
        "participants_by_town": "6d3ca004cdaba7467968491a43152d4d18e93f85",
        "nationality_counts": "b31de638279ca10f043f2cadce8ee7e8f0537b43",
    },
    "towns": {
        "apply_filters": "8c430ae0cc2c688be27cab6c83cbf155f7f740ff",
        "year_span": "428f77f800898177925885452a19fa4f5f597dbb",
        "program_table": "78836f67c18145b32d19106b9b1121aaaa2f5a28",
        "person_days": "ae8f4711823a30c076d2055e4f0a2fb4a659cfd5",
        "returning_participants": "c5f26eeda07af5acef46fad589cfe150d1a04ee8",
        "headline": "84636e60a509f5589c9b84c2150c1befc380864c",
        "participants_by_town": "2498b7dd7d54c1988bfa1f5e17283dc65566c7c8",
        "nationality_counts": "3235f11d8fa6c21b64b195a506cf9d22ae7c5791",
    },
    "nationalities": {
        "apply_filters": "49ed47f792ff434dca73d83568fa05b4e3030689",
        "year_span": "a2f4df90eda193173875aef2df8e3be8dd30e72d",
        "program_table": "0e699808556fac448c3a28a86bee8efd8ffbfb49",
        "person_days": "359cb26537d98aa2a7dc54e8b2647589025a204c",
        "returning_participants": "e7d9e47daf5cfe98ae23b4a8449c6f12f0646287",
        "headline": "59635e9768056bfc962fb5112afc8ab0c8716e03",
        "participants_by_town": "2d2fa50dd5b6de1801d0826981a5c56fdd560799",
        "nationality_counts": "a7896911e5995446b02d0d937f786f489aa13568",
    },
    "all": {
        "apply_filters": "ece73901f59d8a78e1b7b52267064c519131cc7c",
        "year_span": "9b308d1c855b6850185b0d5655f1f69f863ca9fc",
        "program_table": "928a3b62741ef67517db690353d545b2aa8e210c",
        "person_days": "d06b6c54863ac33d12419dd04f7acb85c696f722",
        "returning_participants": "f6d79d87a6c4b5ba867aa3284f96bffbd9a73e1d",
        "headline": "0dbe5327d98d116921277e573a8415e10298a56c",
        "participants_by_town": "0bf35745f6ae56b47f15b99dc385d5a3fd233152",
        "nationality_counts": "38d745d2fe89296ec690095368b27676e31d7a11",
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
