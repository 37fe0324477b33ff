"""Names in free text: find a person's name in the forms people write it, and blank it out.

``matcher(names)`` builds, once, what to look for; ``Names.redact(text)`` replaces each name in
``text`` by ``[…]`` and leaves a text that names no one as it is. Text and names are compared
after NFKC normalisation and case folding (``fold``): ``JOY`` and full-width ``Ｊｏｙ`` are Joy. A
name matches as whole words: the whole name, and each of its parts that is capitalised and has
3 or more letters. A word ends where its letters end, so a possessive or honorific after an
apostrophe, a hyphen or Japanese script stays beside the blank (``Joy's`` -> ``[…]'s``,
``Chao Ping-san`` -> ``[…]-san``, ``Joyさん`` -> ``[…]さん``). A name in a script written
without spaces (Japanese, Chinese, Korean, Thai) is blanked wherever it occurs. Who is blanked
where is ``dashboard.access``'s decision.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

REDACTED = "[…]"
# scripts written without spaces between words: a name in them is matched anywhere
NOSPACE = (
    "\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3005-\u3007\u3040-\u30ff"
    "\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
# marks that belong to the letter before them (accents, Indic vowel signs, kana voicing)
MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0900-\u0dff"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a\uff9e\uff9f"
)
NOSPACE_RE = re.compile(f"[{NOSPACE}]")
# a word: letters and digits of scripts written with spaces (a name's part, or the "s" of 's)
TOKEN_RE = re.compile(f"(?:[^\\W_{NOSPACE}]|[{MARKS}])+")
_TOKEN_CHAR = f"[^\\W_{NOSPACE}{MARKS}]|[{MARKS}]"
# what may stand between the words of one name: "Chao Ping", "O'Brien", "Jean-Luc", "J. Doe"
JOIN_RE = re.compile(r"[\s'’.\-‐‑]{1,3}")
_COMBINING_RE = re.compile(f"[{MARKS}\u3131-\u318e]")
# a letter and the marks on it: the unit the text is normalised in when it has marks
_CLUSTER_RE = re.compile(f".[{MARKS}]*", re.DOTALL)
REPEATED_REDACTION = re.compile(re.escape(REDACTED) + r"(?:\s+" + re.escape(REDACTED) + ")+")
MIN_PART = 3  # a part of a longer name is blanked on its own from this many letters
MAX_REMEMBERED = 100_000  # texts a Names keeps the redaction of (then it starts again)


def fold(text: str) -> str:
    """``text`` as names are compared: NFKC, case-folded (``Ｊｏｙ``, ``JOY`` -> ``joy``)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    return fold(char)


def _folded(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """``fold(text)`` and, for each character of it, where it came from in ``text``: the start
    and end of the source character (None, None when the two line up one to one)."""
    if text.isascii():
        return text.lower(), None, None
    if unicodedata.is_normalized("NFC", text) and not _COMBINING_RE.search(text):
        # each character folds on its own: one table lookup per distinct character
        table = {ord(c): f for c in set(text) if (f := _fold_char(c)) != c}
        out = text.translate(table)
        if all(len(f) == 1 for f in table.values()):
            return out, None, None
        units = ((i, i + 1, _fold_char(c)) for i, c in enumerate(text))
    else:  # letters with marks: fold each letter with its marks
        units = ((m.start(), m.end(), fold(m.group())) for m in _CLUSTER_RE.finditer(text))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end, piece in units:
        pieces.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
    return "".join(pieces), starts, ends


@lru_cache(maxsize=4096)
def _words_pattern(words: frozenset[str]) -> re.Pattern:
    """A regex finding ``words`` as whole words (``TOKEN_RE``'s), longest first."""
    body = "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))
    return re.compile(f"(?<!{_TOKEN_CHAR})(?:{body})(?!{_TOKEN_CHAR})")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class Names:
    """Names to blank out, folded (``fold``): whole names as runs of words (``phrases``), single
    words (one-word names and the parts of longer ones) and names in scripts without spaces
    (``anywhere``: Japanese, Chinese, Korean, Thai text has no spaces between words). Built once
    per scope; ``redact`` looks each word of a text up in sets, whatever the number of names."""

    words: frozenset[str]
    phrases: frozenset[tuple[str, ...]]
    anywhere: frozenset[str] = frozenset()
    starts: frozenset[str] = frozenset()  # first words of the phrases
    longest: int = 1  # words in the longest phrase
    first_chars: re.Pattern | None = None  # where a name of ``anywhere`` may start
    lengths: tuple[int, ...] = ()  # lengths of the names of ``anywhere``, longest first
    keys: frozenset[str] = frozenset()  # the words a name may start with: words and starts
    # texts already redacted with these names, and their answer: every scope built with the
    # same names (the public's, and the other towns' rows of each town's officials) shares it
    _done: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases or self.anywhere)

    def _word_spans(self, folded: str) -> list[tuple[int, int]]:
        hits = self.keys.intersection(TOKEN_RE.findall(folded))
        if not hits:
            return []
        spans: list[tuple[int, int]] = []
        done = 0  # where the last name ended
        for m in _words_pattern(frozenset(hits)).finditer(folded):
            word, start, end = m.group(), m.start(), m.end()
            if start < done:
                continue
            if word in self.starts:  # the longest whole name that starts here, if any
                run, at = [word], end
                ends = [end]
                while len(run) < self.longest and (gap := JOIN_RE.match(folded, at)):
                    if not (token := TOKEN_RE.match(folded, gap.end())):
                        break
                    run.append(token.group())
                    at = token.end()
                    ends.append(at)
                n = next((n for n in range(len(run), 1, -1) if tuple(run[:n]) in self.phrases), 0)
                if n:
                    end = ends[n - 1]
                elif word not in self.words:
                    continue
            spans.append((start, end))
            done = end
        return spans

    def _anywhere_spans(self, folded: str) -> list[tuple[int, int]]:
        if self.first_chars is None:
            return []
        spans: list[tuple[int, int]] = []
        last = 0
        for m in self.first_chars.finditer(folded):
            p = m.start()
            if p < last:
                continue
            for n in self.lengths:
                if folded[p : p + n] in self.anywhere:
                    spans.append((p, p + n))
                    last = p + n
                    break
        return spans

    def redact(self, text: str) -> str:
        """``text`` with every name replaced by ``[…]``; a text naming no one is returned as
        it is. A name matches whatever its case or width (``JOY``, ``Ｊｏｙ``) and ends where
        its word ends: ``Joy's`` -> ``[…]'s``, ``Chao Ping-san`` -> ``[…]-san``, ``Joyさん`` ->
        ``[…]さん``; ``enjoy`` and ``Joyce`` stay. The name is blanked, the suffix kept."""
        done = self._done.get(text)
        if done is None:
            if len(self._done) >= MAX_REMEMBERED:
                self._done.clear()
            done = self._done[text] = self._redact(text)
        return done

    def _redact(self, text: str) -> str:
        folded, starts, ends = _folded(text)
        spans = self._word_spans(folded) + self._anywhere_spans(folded)
        if not spans:
            return text
        if starts is not None and ends is not None:
            spans = [(starts[a], ends[b - 1]) for a, b in spans]
        out = text
        for start, end in reversed(_merge(spans)):
            out = out[:start] + REDACTED + out[end:]
        return REPEATED_REDACTION.sub(REDACTED, out)


def matcher(names: Iterable[str]) -> Names:
    """What to blank out of each name: the whole name; a one-word name; each part of a longer
    name that is capitalised and has 3 or more letters ("Chao Ping" -> "Chao Ping", "Chao",
    "Ping"; "Li Na" -> "Li Na" only); a name in a script without spaces as a whole. The same
    set of names gives the same ``Names`` (and its remembered redactions) again."""
    return _matcher(frozenset(str(n) for n in names))


@lru_cache(maxsize=8)
def _matcher(names: frozenset[str]) -> Names:
    words: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    anywhere: set[str] = set()
    for name in names:
        name_words, phrase, whole = _name_parts(name)
        words.update(name_words)
        if phrase:
            phrases.add(phrase)
        if whole:
            anywhere.add(whole)
    first = {n[0] for n in anywhere if n}
    starts = frozenset(p[0] for p in phrases)
    return Names(
        frozenset(words),
        frozenset(phrases),
        frozenset(anywhere),
        starts=starts,
        longest=max((len(p) for p in phrases), default=1),
        first_chars=re.compile("[" + "".join(map(re.escape, sorted(first))) + "]")
        if first
        else None,
        lengths=tuple(sorted({len(n) for n in anywhere}, reverse=True)),
        keys=frozenset(words) | starts,
    )


@lru_cache(maxsize=262_144)
def _name_parts(name: str) -> tuple[tuple[str, ...], tuple[str, ...] | None, str | None]:
    """One name's part of a ``Names``: its words, its phrase, its whole (script without
    spaces), folded; remembered, since each scope's names are mostly the last one's."""
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        return (), None, None
    parts = TOKEN_RE.findall(name)
    whole = fold(name) if NOSPACE_RE.search(name) else None
    if whole is None and len(parts) == 1:
        return (fold(parts[0]),), None, None
    phrase = tuple(fold(p) for p in parts) if whole is None and parts else None
    words = tuple(fold(p) for p in parts if len(p) >= MIN_PART and p[:1].isupper())
    return words, phrase, whole
