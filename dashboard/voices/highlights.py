"""Pull-quote highlights: a testimonial's text in, the sentence to show large out.

How a highlight is chosen (``auto_highlight``), in two lines:
    Keep the sentences of 6–32 words (12–90 characters in Japanese); each scores +1 per strong
    word (best, never, welcomed, unforgettable, recommend …) and −1 if it opens by leaning on the
    sentence before (However, Also, It, This, So …). The highest score wins, then the shorter
    sentence, then the earlier; when no sentence has a fitting length, the shortest one.
A highlight staff pinned in the ``highlight`` column wins over the automatic choice, as long as
it is still found in the text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
# a sentence runs to its end mark (and any closing quote or bracket after it), or to the end
_SENTENCE = re.compile(r"[^.!?。！？]+(?:[.!?。！？]+[\"'”’)）」』]*|$)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

STRONG_WORDS_EN = frozenset(
    """best never unforgettable unique recommend rewarding eye-opening valuable welcomed
    welcoming warm warmly amazing amazed love loved grand excellent fortunate charming happy
    grateful gratitude treasure inspiring humbling fun fulfilling wonderful beautiful friendly
    generosity""".split()
)
STRONG_WORDS_JA = (
    "最高",
    "忘れられない",
    "貴重",
    "感動",
    "素晴らし",
    "すばらし",
    "温か",
    "あたたか",
    "おすすめ",
    "お勧め",
    "楽しかった",
    "大好き",
    "感謝",
    "一生",
    "歓迎",
    "素敵",
)
# first words that lean on the sentence before
OPENERS_EN = frozenset(
    """however moreover also so but and then first second third last lastly finally overall
    here there this that those it they he she""".split()
)
OPENERS_JA = (
    "しかし",
    "また",
    "そして",
    "それ",
    "これ",
    "その",
    "この",
    "でも",
    "だから",
    "さらに",
)
WORDS_RANGE = (6, 32)
CHARS_RANGE = (12, 90)


_LETTER = re.compile(r"[^\W\d_]")


def is_japanese(text: str) -> bool:
    """True when ``text`` is written mostly in Japanese script."""
    letters = len(_LETTER.findall(text))
    return bool(letters) and len(CJK.findall(text)) * 2 >= letters


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``, verbatim, in order; a line break also ends a sentence."""
    out = []
    for line in str(text).splitlines():
        for match in _SENTENCE.finditer(line):
            sentence = match.group(0).strip()
            if sentence:
                out.append(sentence)
    return out


def sentence_score(sentence: str) -> int | None:
    """The pull-quote score of one sentence, or None when it is too short or too long."""
    if is_japanese(sentence):
        if not CHARS_RANGE[0] <= sentence_length(sentence, True) <= CHARS_RANGE[1]:
            return None
        strong = sum(sentence.count(word) for word in STRONG_WORDS_JA)
        leans = sentence.startswith(OPENERS_JA)
    else:
        words = [w.lower().strip("'’-") for w in _WORD.findall(sentence)]
        if not WORDS_RANGE[0] <= len(words) <= WORDS_RANGE[1]:
            return None
        strong = sum(w in STRONG_WORDS_EN for w in words)
        leans = words[0] in OPENERS_EN
    return strong - int(leans)


def sentence_length(sentence: str, japanese: bool | None = None) -> int:
    """Words in a sentence, or characters (without spaces) in a Japanese one."""
    if japanese if japanese is not None else is_japanese(sentence):
        return len(re.sub(r"\s", "", sentence))
    return len(_WORD.findall(sentence))


def auto_highlight(text: str) -> str:
    """The sentence of ``text`` that best stands alone as a pull-quote (see the module doc)."""
    sentences = split_sentences(text)
    if not sentences:
        return str(text).strip()
    ranked = [
        (score, -sentence_length(sentence), -i)
        for i, sentence in enumerate(sentences)
        if (score := sentence_score(sentence)) is not None
    ]
    if not ranked:
        return min(sentences, key=sentence_length)
    return sentences[-max(ranked)[2]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(text))).strip()


def pin_is_valid(text: str, pinned: str | None) -> bool:
    """True when ``pinned`` is a non-empty passage of ``text`` (spacing may differ)."""
    return bool(pinned and _squash(pinned)) and _squash(pinned) in _squash(text)


@dataclass(frozen=True)
class Highlight:
    """The sentence shown large, whether staff pinned it, and a pin that no longer fits."""

    sentence: str
    pinned: bool
    stale_pin: str = ""


def highlight_for(text: str, pinned: object = None) -> Highlight:
    """The pinned sentence when it is still in the text, else the automatic choice."""
    pin = "" if pinned is None or pd.isna(pinned) else str(pinned).strip()
    if pin and pin_is_valid(text, pin):
        return Highlight(pin, True)
    return Highlight(auto_highlight(text), False, pin)
