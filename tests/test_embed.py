"""Embedding a page: the app's root from the browser's address, the frame's address and the
``<iframe>`` snippet, and the town page's "Copy embed code"."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from dashboard.ui import embed

from .conftest import app_test


@pytest.mark.parametrize(
    ("url", "root"),
    [
        ("http://localhost:8501/town", "http://localhost:8501"),
        ("https://impact.example.org/town?town=tono&lang=ja", "https://impact.example.org"),
        ("https://example.org/dashboard/voices/", "https://example.org/dashboard"),
        ("https://example.org/dashboard", "https://example.org/dashboard"),
        ("http://127.0.0.1:8501/", "http://127.0.0.1:8501"),
    ],
)
def test_the_app_root_drops_the_page_and_the_query(url, root):
    assert embed.app_root(url) == root


def test_the_public_address_setting_wins_over_the_browser_address():
    env = {embed.PUBLIC_URL_ENV: "https://impact.example.org/app/"}
    assert embed.public_root("http://10.0.0.5:8501/town", env) == "https://impact.example.org/app"
    assert embed.public_root("http://10.0.0.5:8501/town", {}) == "http://10.0.0.5:8501"
    assert embed.public_root(None, {}) == ""


def test_the_frame_address_carries_the_town_the_language_and_embed():
    url = embed.embed_url("https://x.org", "town", town="tono", lang="ja")
    assert url == "https://x.org/town?town=tono&lang=ja&embed=true"
    # the default page is the root; empty values are left out
    assert embed.embed_url("https://x.org/", "overview", lang="") == "https://x.org/?embed=true"


def test_the_snippet_is_an_iframe_with_a_title_a_size_and_escaped_attributes():
    url = embed.embed_url("https://x.org", "town", town="tono", lang="en")
    wide = embed.iframe_snippet(url, 'Tono "city"', embed.BY_KEY["wide"])
    assert wide.startswith('<iframe src="https://x.org/town?town=tono&amp;lang=en&amp;embed=true"')
    assert 'title="Tono &quot;city&quot;"' in wide
    assert 'width="100%" height="900"' in wide
    small = embed.iframe_snippet(url, "Tono", embed.BY_KEY["small"])
    assert 'width="480" height="640"' in small and small.endswith("></iframe>")


def test_every_size_has_a_label_in_both_languages():
    for size in embed.SIZES:
        for lang in ("en", "ja"):
            assert t(f"embed.size.{size.key}", lang) != f"embed.size.{size.key}"


def test_the_town_page_gives_the_embed_code_for_its_town_and_language(monkeypatch):
    monkeypatch.setenv(embed.PUBLIC_URL_ENV, "https://impact.example.org")
    at = app_test({"town": "tono", "lang": "ja"}).run()
    at.switch_page("app_pages/town.py").run()
    assert not at.exception, [e.value for e in at.exception]
    codes = [c.value for c in at.code]
    snippet = next(c for c in codes if c.startswith("<iframe"))
    src = "https://impact.example.org/town?town=tono&amp;lang=ja&amp;embed=true"
    assert f'src="{src}"' in snippet
    assert 'title="遠野市：プログラム・参加者・参加者の声（Sosei Partners）"' in snippet
