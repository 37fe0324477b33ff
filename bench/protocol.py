"""One visitor speaking Streamlit's browser protocol over ``/_stcore/stream``, without a browser.

What the Streamlit 1.67 frontend does, and so what a ``Visitor`` does:
- it opens the websocket with the subprotocols ``["streamlit", <xsrf token or a placeholder>]``
  (the token only guards Streamlit's own ``st.login`` cookie; the app's cookies, read through
  ``st.context.cookies``, come from the handshake's ``Cookie`` header either way);
- nothing runs until it sends a ``BackMsg`` ``rerun_script`` (a ``ClientState``): the first one
  names the page by its url path (``page_name``, "" for the default page) with the link's
  ``query_string``; later ones name the page by the ``page_script_hash`` the server sent
  (``navigation``), carry the URL's query string as the server last set it
  (``page_info_changed``) and the widget values (``widget_states``);
- each ``ClientState`` lists the hashes of the large messages it has kept
  (``cached_message_hashes``: deltas marked ``metadata.cacheable``, kept until they are
  ``max_cached_message_age`` runs old); the server sends those again as a ``ref_hash`` only
  (Streamlit 1.67 has no ``/_stcore/message`` endpoint: it refers only to what the client says
  it has);
- a run ends with ``script_finished`` (``FINISHED_EARLY_FOR_RERUN`` is followed by the rerun).
Exceptions are delta elements of type ``exception``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

ENDS_A_RUN = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass
class Run:
    """One run as the visitor saw it: seconds from the request to ``script_finished`` (None when
    it did not finish in time), bytes received, exceptions shown, plotly specs drawn."""

    seconds: float | None = None
    bytes: int = 0
    exceptions: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Widget:
    """A widget the page drew: its id (``$$ID-<hash>-<key>``), label and options as shown."""

    id: str
    label: str = ""
    options: tuple[str, ...] = ()


class Visitor:
    """A browser tab on ``url`` (``http://host:port``), signed in by ``cookie`` (a ``Cookie``
    header value) if given. ``open()``, then ``run(page, query)``, ``choose(key, labels)``.
    With ``charts``, each run also returns the plotly specs it drew (refs resolved)."""

    def __init__(self, url: str, cookie: str | None = None, charts: bool = False) -> None:
        self.url = url
        self.cookie = cookie
        self.charts = charts
        self.widgets: dict[str, Widget] = {}  # by user key
        self.bytes = 0
        self.broken = False  # the connection failed, or a run did not finish (later messages
        # would belong to it)
        self._failure = ""
        self._ws = None
        self._page_hash = ""
        self._path = ""
        self._query = ""
        self._states: dict[str, list[str]] = {}  # widget id -> labels chosen
        self._cache: dict[str, int] = {}  # message hash -> the run it was last used in
        self._kept: dict[str, ForwardMsg] = {}  # cached plotly messages, to resolve refs
        self._max_age = 2
        self._runs = 0

    async def open(self) -> None:
        """Open the websocket (a failure is kept: the next run reports it)."""
        headers = {"Origin": self.url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self._ws = await connect(
                self.url.replace("http", "ws", 1) + "/_stcore/stream",
                subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"],
                additional_headers=headers,
                max_size=None,
                open_timeout=60,
                ping_interval=None,  # a browser answers the server's pings but sends none
            )
        except (OSError, TimeoutError, WebSocketException) as exc:
            self.broken, self._failure = True, f"could not connect: {exc!r}"[:300]

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def run(self, page: str | None = None, query: str | None = None, timeout=120) -> Run:
        """Rerun: open ``page`` (its url path) with ``query`` when given, else the current page
        with the current URL and widget values."""
        if self.broken:
            return Run(exceptions=[self._failure or "the connection is unusable"])
        if query is not None:
            self._query = query
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self._query
        if page is not None:
            state.page_name = self._path = page
        else:
            state.page_script_hash = self._page_hash
        for widget_id, labels in self._states.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            widget.string_array_value.data.extend(labels)
        state.cached_message_hashes.extend(self._cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Asia/Tokyo", -540, "ja-JP"
        info.url = f"{self.url}/{self._path}?{self._query}"
        run = Run()
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                await self._ws.send(msg.SerializeToString())
                while not self._read(await self._ws.recv(), run):
                    pass
            run.seconds = time.perf_counter() - start
        except TimeoutError:
            self.broken, self._failure = True, f"no script_finished within {timeout:.0f} s"
            run.exceptions.append(self._failure)
        except ConnectionClosed as exc:
            self.broken, self._failure = True, f"connection closed: {exc}"[:300]
            run.exceptions.append(self._failure)
        self.bytes += run.bytes
        return run

    async def choose(self, key: str, labels: list[str], timeout=120) -> Run:
        """Set the multiselect with user key ``key`` to ``labels`` and rerun, as a click does."""
        self._states[self.widgets[key].id] = list(labels)
        return await self.run(timeout=timeout)

    def _read(self, data: bytes, run: Run) -> bool:
        """Take one ForwardMsg into ``run``; True when it ended the run."""
        run.bytes += len(data)
        msg = ForwardMsg()
        msg.ParseFromString(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            if msg.ref_hash not in self._cache:
                run.exceptions.append(f"cached message {msg.ref_hash} missing")
                return False
            self._cache[msg.ref_hash] = self._runs
            msg = self._kept.get(msg.ref_hash, msg)
            kind = msg.WhichOneof("type")
        elif msg.metadata.cacheable and msg.hash:
            self._cache[msg.hash] = self._runs
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg, run)
        elif kind == "new_session":
            self._page_hash = msg.new_session.page_script_hash or self._page_hash
            self._max_age = msg.new_session.config.max_cached_message_age or self._max_age
        elif kind == "navigation":
            self._page_hash = msg.navigation.page_script_hash or self._page_hash
        elif kind == "page_info_changed":
            self._query = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            run.exceptions.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "script_finished" and msg.script_finished in ENDS_A_RUN:
            self._runs += 1  # the browser's cache ages by one run, dropping what is too old
            self._cache = {h: n for h, n in self._cache.items() if self._runs - n <= self._max_age}
            self._kept = {h: m for h, m in self._kept.items() if h in self._cache}
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                run.exceptions.append("the script did not compile")
            return True
        return False

    def _element(self, msg: ForwardMsg, run: Run) -> None:
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}"[:300])
        elif kind == "plotly_chart" and self.charts:
            run.charts.append(element.plotly_chart.spec)
            if msg.metadata.cacheable and msg.hash:
                self._kept[msg.hash] = msg
        elif kind is not None:
            widget_id = getattr(getattr(element, kind), "id", None)
            if isinstance(widget_id, str) and widget_id.startswith("$$ID-"):
                key = widget_id.split("-", 2)[2]
                proto = getattr(element, kind)
                options = tuple(o for o in getattr(proto, "options", ()) if isinstance(o, str))
                self.widgets[key] = Widget(widget_id, str(getattr(proto, "label", "")), options)
