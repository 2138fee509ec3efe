"""PP105 scores plans exactly as textstat 0.7.8 does, from its own faster syllable table.

textstat is the reference: agencies may check a plan's grade with it. These tests load its
full pronouncing dictionary once (about a second) to compare.
"""

from __future__ import annotations

from pathlib import Path

import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from planportal.loader import load_file
from planportal.readability import flesch_kincaid_grade, syllables
from planportal.plan import Plan
from planportal.rules import person_text

REPOSITORY = Path(__file__).resolve().parents[1]
#: Words from the dictionary, words it lacks (Pyphen hyphenates them), contractions, hyphens.
WORDS = ["I", "walk", "to", "the", "senior", "center", "on", "Tuesdays", "don't", "well-being",
         "physiotherapy", "Meals-on-Wheels", "Xyzzyplorb", "quuxification", "résumé", "café",
         "ophthalmologist", "a", "it's", "45", "2027", "o'clock"]
ENDINGS = ["", ".", "!", "?", "...", ",", ";"]


def example_texts() -> list[str]:
    plans = sorted((REPOSITORY / "plans").rglob("*.yaml"))
    return [person_text(Plan(load_file(path, path.name).document.data)) for path in plans]


def test_the_example_plans_score_as_textstat_scores_them() -> None:
    texts = example_texts()
    assert len(texts) >= 8
    assert [flesch_kincaid_grade(t) for t in texts] == [textstat.flesch_kincaid_grade(t) for t in texts]


def test_text_without_words_scores_zero_as_in_textstat() -> None:
    for text in ("", "...", " - ", "?!"):
        assert flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text) == 0.0


def test_syllables_come_from_the_first_pronunciation_then_from_hyphenation() -> None:
    assert syllables("ophthalmologist") == 5
    assert syllables("read") == 1  # two pronunciations, both one syllable
    assert syllables("xyzzyplorb") == textstat.syllable_count("xyzzyplorb")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS) | st.text(min_size=1, max_size=12),
                          st.sampled_from(ENDINGS)), max_size=40))
def test_any_text_scores_as_textstat_scores_it(words: list[tuple[str, str]]) -> None:
    text = " ".join(word + ending for word, ending in words)
    assert flesch_kincaid_grade(text) == textstat.flesch_kincaid_grade(text)
