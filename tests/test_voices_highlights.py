"""Highlights (``dashboard.voices.highlights``): the sentence a reader would quote, and pins."""

from __future__ import annotations

import pytest

from dashboard.data import load_dataset
from dashboard.voices.highlights import (
    OPENERS_EN,
    Highlight,
    auto_highlight,
    highlight_for,
    sentence_length,
    split_sentences,
)
from dashboard.voices.tables import voices_table
from dashboard.voices.themes import load_themes

from .voices_data import EXPECTED_HIGHLIGHTS, texts


@pytest.mark.parametrize("testimonial_id", sorted(EXPECTED_HIGHLIGHTS))
def test_the_highlight_is_the_sentence_a_reader_would_quote(dataset, testimonial_id):
    assert auto_highlight(texts(dataset)[testimonial_id]) == (EXPECTED_HIGHLIGHTS[testimonial_id])


def test_every_real_testimonial_gets_one_of_its_own_sentences_of_quotable_length(dataset):
    for testimonial_id, text in texts(dataset).items():
        chosen = auto_highlight(text)
        assert chosen in split_sentences(text), testimonial_id
        assert chosen in text, testimonial_id
        words = sentence_length(chosen)
        if testimonial_id == "leandro":  # every sentence is longer than 32 words: the shortest
            assert words == min(map(sentence_length, split_sentences(text)))
        else:
            assert 6 <= words <= 32, testimonial_id


def test_the_highlight_never_leans_on_the_sentence_before(dataset):
    for text in texts(dataset).values():
        first = auto_highlight(text).split()[0].strip(",").lower()
        assert first not in OPENERS_EN


def test_the_highlight_is_the_same_on_every_run(dataset, data_copy):
    # a second dataset parsed again from a copy of the files, its rows handed over in reverse:
    # the choice must depend on each text alone, not on the load, the row order or a cache
    again = load_dataset(data_copy).dataset
    assert again is not dataset
    themes = load_themes()
    first = voices_table(dataset, dataset.testimonials, themes, "en")
    second = voices_table(again, again.testimonials.iloc[::-1], themes, "en")
    chosen = [dict(zip(t["testimonial_id"], t["highlight"], strict=True)) for t in (first, second)]
    assert chosen[0]["hester"] == "I have never felt so welcomed in my life."
    assert chosen[1]["hester"] == "I have never felt so welcomed in my life."
    assert chosen[0]["charles"] == "Sosei Partners was an extremely fun and rewarding experience!"
    assert chosen[0] == chosen[1]
    assert not first["pinned"].any() and not second["pinned"].any()


def test_a_tie_goes_to_the_shorter_sentence_then_the_earlier():
    # every sentence here has one strong word and 6 to 32 words
    longer = "The best part was the long walk by the river."
    shorter = "The food was excellent every single day."
    twin = "The tea was excellent every single day."
    assert auto_highlight(f"{longer} {shorter}") == shorter
    assert auto_highlight(f"{shorter} {longer}") == shorter
    assert auto_highlight(f"{shorter} {twin}") == shorter
    assert auto_highlight(f"{twin} {shorter}") == twin


def test_sentences_keep_their_words_and_end_marks():
    text = "Great trip! We made tea (and washi).\nNo end mark here\n\nWhy not? Yes."
    assert split_sentences(text) == [
        "Great trip!",
        "We made tea (and washi).",
        "No end mark here",
        "Why not?",
        "Yes.",
    ]


def test_a_japanese_testimonial_gets_a_japanese_highlight():
    text = (
        "九月に遠野市へ行きました。"
        "しかし最初は不安でした。"
        "ホストファミリーの温かい歓迎は一生忘れられない思い出です！"
        "ありがとう。"
    )
    assert auto_highlight(text) == "ホストファミリーの温かい歓迎は一生忘れられない思い出です！"


def test_a_pin_wins_while_it_is_still_in_the_text(dataset):
    text = texts(dataset)["hester"]
    pin = "We met children, adults and elderly all excited about the changes being wrought in Shomokawa, and how foreigners could contribute to that transformation."  # noqa: E501
    assert highlight_for(text, pin) == Highlight(pin, True)
    assert highlight_for(text, None).sentence == EXPECTED_HIGHLIGHTS["hester"]
    assert highlight_for(text, float("nan")).pinned is False
    stale = highlight_for(text, "A sentence Hester never wrote.")
    assert stale == Highlight(
        EXPECTED_HIGHLIGHTS["hester"], False, "A sentence Hester never wrote."
    )
