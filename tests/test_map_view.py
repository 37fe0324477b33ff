"""map_view.show hands the component what st_folium would, and renders a map only once."""

from __future__ import annotations

import pytest
import streamlit_folium as sf

from dashboard import access
from dashboard.ui import map_view
from dashboard.views import maps


@pytest.fixture
def captured(monkeypatch):
    """The keyword arguments of every call to streamlit-folium's component."""
    calls: list[dict] = []
    monkeypatch.setattr(sf, "_component_func", lambda **kwargs: calls.append(kwargs))
    return calls


def _partner_map(dataset):
    return maps.partner_view(dataset, "ja", access.PUBLIC, "/", "/app/static").map


def test_show_passes_the_component_what_st_folium_passes(dataset, captured):
    returned = ["last_object_clicked"]
    sf.st_folium(
        _partner_map(dataset),
        key="maps_partner",
        height=560,
        use_container_width=True,
        returned_objects=returned,
    )
    map_view.render.cache_clear()
    maps.partner_view.cache_clear()
    map_view.show(_partner_map(dataset), "maps_partner", 560, returned_objects=returned)
    theirs, ours = captured
    assert set(ours) == set(theirs)
    for name in theirs:
        if name == "on_change":
            continue
        # the map's element ids are new for each map object: compare the kept script's shape
        if name in ("script", "html", "id", "header"):
            assert sf.generate_js_hash(ours[name]) == sf.generate_js_hash(theirs[name]), name
        else:
            assert ours[name] == theirs[name], name
    assert "Tono" in ours["script"] or "遠野" in ours["script"]


def test_a_map_is_rendered_once_however_many_reruns(dataset, captured, monkeypatch):
    fmap = _partner_map(dataset)
    map_view.render.cache_clear()
    renders = []
    original = type(fmap).render
    monkeypatch.setattr(
        type(fmap), "render", lambda self, **kw: (renders.append(1), original(self, **kw))[1]
    )
    map_view.show(fmap, "maps_partner", 560)
    first = len(renders)
    for _ in range(2):
        map_view.show(fmap, "maps_partner", 560)
    assert first > 0
    assert len(captured) == 3
    assert len(renders) == first  # the reruns render nothing
    assert captured[0]["script"] == captured[2]["script"]
    assert captured[0]["key"] == captured[2]["key"]
