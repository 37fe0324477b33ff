"""A browser that reconnects to a server that does not know its session (its replica has gone)
keeps what it shows: the new session takes the browser's widget values over its URL."""

from __future__ import annotations

from urllib.parse import parse_qs

from bench.protocol import Visitor
from dashboard.i18n import country_name

from .conftest import run_apart


async def reconnect_with(url: str, codes, choose_other: bool) -> tuple[str, str, list[str]]:
    """Open the overview with ``nat=TH`` and learn the nationality filter; then open a new
    session with that link, the browser's filter set to another country when ``choose_other``
    (a click made while the page reconnected). ``codes``: the data's nationalities. The code
    chosen, the new session's URL query
    and the exceptions seen."""
    first = Visitor(url)
    await first.open()
    try:
        run = await first.run("", "nat=TH")
        widget = first.widgets["nat"]
    finally:
        await first.close()
    assert run.seconds is not None and not run.exceptions, run
    other = next(o for o in widget.options if o != country_name("TH", "en"))
    code = next(c for c in codes if country_name(c, "en") == other)

    second = Visitor(url)
    await second.open()
    try:
        if choose_other:
            second._states[widget.id] = [other]  # what the reconnecting browser sends
        again = await second.run("", "nat=TH")
    finally:
        await second.close()
    return code, second._query, run.exceptions + again.exceptions


def nationalities(dataset) -> set[str]:
    return set(dataset.participants["nationality"].dropna()) - {""}


def test_a_reconnecting_browser_keeps_the_filter_it_shows_over_its_url(server, dataset):
    codes = nationalities(dataset)
    code, query, errors = run_apart(reconnect_with(server.url, codes, choose_other=True))
    assert not errors
    assert parse_qs(query)["nat"] == [code], query


def test_a_new_session_without_the_browser_s_values_takes_the_url(server, dataset):
    codes = nationalities(dataset)
    _, query, errors = run_apart(reconnect_with(server.url, codes, choose_other=False))
    assert not errors
    assert parse_qs(query).get("nat") == ["TH"], query
