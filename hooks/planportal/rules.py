"""The rules beyond the schema (PP002-PP105).

What every text may hold (PP002) and the search for Social Security numbers (PP010) run on
any file; the other rules on a plan the schema has accepted. Each rule yields `Violation`s
that name the path of the offending value; `check` turns the path into a line and column.
Rules that compare plans with each other (PP004 for a shared id, PP104) live in `caseload`,
which sees every plan at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .findings import quote
from .loader import Path_
from .readability import flesch_kincaid_grade

RESERVED_KEYS = ("client", "case_manager")


@dataclass(frozen=True)
class Violation:
    path: Path_
    code: str
    message: str
    hint: str = ""
    at_key: bool = False  # point at the key itself (an unknown field), not at its value


def field_name(path: Path_) -> str:
    """A field's name as a case manager reads it: `issues 2 > strategies 1 > target_date`."""
    words = [str(p + 1) if isinstance(p, int) else quote(p) for p in path]
    return " > ".join(words) if words else "the plan"


# --- what a text may hold (PP002) ------------------------------------------------------------

#: Control characters, except the line break and the tab that text may hold (YAML turns every
#: line end in a block into a line break); and the bidirectional embeddings, overrides and
#: isolates, which make a line read otherwise than it is written. The marks LRM, RLM and ALM
#: (U+200E, U+200F, U+061C) only settle the direction of the text next to them, which names in
#: Arabic or Hebrew script need; they stay, but are no visible text.
_REFUSED_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: A key is one line of its own: no control character at all.
_REFUSED_IN_KEY = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Letters and symbols that show as blank: the Hangul fillers and the empty Braille pattern.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_visible(character: str) -> bool:
    """A letter, digit, punctuation or symbol that shows: not a space, a format character,
    a combining mark on its own, a control, an unassigned or private-use code, or a filler."""
    return unicodedata.category(character)[0] in "LNPS" and character not in _FILLERS


def texts(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, bool, str]]:
    """Every text of a loaded file, keys included: its path, whether it is a key, the text."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*path, key), True, key
            yield from texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from texts(value, (*path, index))
    elif isinstance(data, str):
        yield path, False, data


def _character(character: str) -> str:
    if unicodedata.category(character) == "Cc":
        return f"the control character U+{ord(character):04X}"
    return f"U+{ord(character):04X} {unicodedata.name(character)}, which reorders the text around it"


def text_violations(data: Any) -> Iterator[Violation]:
    """PP002 for a text with a control or a bidirectional override in it, and for a text with
    something in it but nothing visible (blank text is the schema's to report)."""
    for path, is_key, text in texts(data):
        refused = (_REFUSED_IN_KEY if is_key else _REFUSED_IN_TEXT).search(text)
        if refused:
            what = f"The key '{quote(text)}' of {field_name(path[:-1])}" if is_key else field_name(path)
            yield Violation(path, "PP002", f"{what} holds {_character(refused.group())}.",
                            "Retype the text without it; a YAML escape such as \\e, \\x1b or \\u202e "
                            "writes one too.", at_key=is_key)
        elif not is_key and text.strip() and not any(map(is_visible, text)):
            yield Violation(path, "PP002", f"{field_name(path)} holds no visible character, only "
                            "spaces, invisible marks or fillers.", "Write the text, or remove the field.")


# --- dates -------------------------------------------------------------------------------

_WRITTEN_DATE_FORMATS = (
    "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y",
    "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y-%m-%d",
)
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # \d would admit other scripts' digits
#: The years a plan's dates may use (the schema's date pattern says the same): far beyond any
#: real plan, far from the calendar's ends, so a year's or a month's step never overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def parse_date(value: str) -> date | None:
    """A `YYYY-MM-DD` that is a real calendar day, else None."""
    if not _ISO.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def date_message(name: str, value: str) -> str:
    """What is wrong with `value` where the field `name` wants a date."""
    day = parse_date(value)
    if day is not None:
        return f"{name}: {day} is outside the years a plan's dates may use ({FIRST_YEAR} to {LAST_YEAR})."
    return f"{name}: '{quote(value)}' is not a date written YYYY-MM-DD."


def date_hint(value: str) -> str:
    """How to write `value` as a date the plan format accepts."""
    text = " ".join(str(value).split())
    if parse_date(text) is not None:
        return "Check the year; a typing slip such as 0207 for 2007 is the usual cause."
    for form in _WRITTEN_DATE_FORMATS:
        try:
            day = datetime.strptime(text, form).date()
        except ValueError:
            continue
        return f"Write it as {day.isoformat()}."
    if re.search(r"\d+/\d+\s*-\s*\d+/\d+", text):
        return "Give one specific day, written YYYY-MM-DD (like 2007-07-12), not a range."
    if _ISO.fullmatch(text):
        return "That day is not on the calendar; check the month and the day."
    return "Write the day as YYYY-MM-DD, for example 2007-07-12."


def add_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def review_date(plan: dict[str, Any]) -> date:
    """The plan's next review: as written, or a year after the plan date."""
    written = plan["plan"].get("review_date")
    made = date.fromisoformat(plan["plan"]["date"])
    return date.fromisoformat(written) if written else add_one_year(made)


# --- walking a plan ------------------------------------------------------------------------

def strategies(plan: dict[str, Any]) -> Iterator[tuple[Path_, dict[str, Any], dict[str, Any]]]:
    """Every strategy with its path and its issue."""
    for i, issue in enumerate(plan["issues"]):
        for s, strategy in enumerate(issue["strategies"]):
            yield ("issues", i, "strategies", s), strategy, issue


def responsible_keys(strategy: dict[str, Any]) -> list[str]:
    held = strategy["responsible"]
    return [held] if isinstance(held, str) else list(held)


def _responsible_paths(path: Path_, strategy: dict[str, Any]) -> Iterator[tuple[Path_, str]]:
    held = strategy["responsible"]
    if isinstance(held, str):
        yield (*path, "responsible"), held
    else:
        for n, key in enumerate(held):
            yield (*path, "responsible", n), key


# --- the rules -----------------------------------------------------------------------------

def pp004_id_matches_file(plan: dict[str, Any], stem: str) -> Iterator[Violation]:
    if plan["client"]["id"] != stem:
        yield Violation(("client", "id"), "PP004",
                        f"The client id '{plan['client']['id']}' differs from the file name '{quote(stem)}'.",
                        f"Rename the file to {plan['client']['id']}.yaml, or correct the id.")


def pp005_keys_defined(plan: dict[str, Any]) -> Iterator[Violation]:
    known = set(plan.get("people", {})) | set(RESERVED_KEYS)
    if "representative" in plan["client"]:
        known.add("representative")
    listed = ", ".join(sorted(known))
    for path, strategy, _ in strategies(plan):
        for where, key in _responsible_paths(path, strategy):
            if key not in known:
                yield Violation(where, "PP005", f"'{quote(key)}' is named as responsible but is not defined.",
                                _undefined_hint(key, listed))
    for n, key in enumerate(plan.get("sharing", [])):
        if key not in known:
            yield Violation(("sharing", n), "PP005", f"'{quote(key)}' may receive a copy but is not defined.",
                            _undefined_hint(key, listed))


def _undefined_hint(key: str, listed: str) -> str:
    if key == "representative":
        return "Add client.representative first, or name someone else."
    return f"Add '{quote(key)}' under people, or use one of: {listed}."


def pp006_ongoing_only_to_maintain(plan: dict[str, Any]) -> Iterator[Violation]:
    for path, strategy, issue in strategies(plan):
        if strategy["target_date"] == "ongoing" and issue.get("kind", "change") != "maintain":
            yield Violation((*path, "target_date"), "PP006",
                            "'ongoing' is a target only for a goal that maintains something.",
                            "Give a specific date, or set the issue's kind: maintain if the goal "
                            "is to keep a skill.")


def pp007_targets_within_plan(plan: dict[str, Any]) -> Iterator[Violation]:
    made = date.fromisoformat(plan["plan"]["date"])
    review = review_date(plan)
    for path, strategy, _ in strategies(plan):
        target = parse_date(strategy["target_date"])
        if target is None:
            continue
        if target < made:
            yield Violation((*path, "target_date"), "PP007",
                            f"The target date {target} is before the plan date {made}.",
                            "Choose a day on or after the plan date.")
        elif target > review:
            yield Violation((*path, "target_date"), "PP007",
                            f"The target date {target} is after the next review on {review}.",
                            "Choose a day on or before the review date, or use annual-review.")


def pp008_review_within_a_year(plan: dict[str, Any]) -> Iterator[Violation]:
    made = date.fromisoformat(plan["plan"]["date"])
    written = plan["plan"].get("review_date")
    if written:
        review = date.fromisoformat(written)
        if review < made:
            yield Violation(("plan", "review_date"), "PP008",
                            f"The review date {review} is before the plan date {made}.",
                            "Set a review date after the plan date.")
        elif review > add_one_year(made):
            yield Violation(("plan", "review_date"), "PP008",
                            f"The review date {review} is more than a year after the plan date {made}.",
                            f"Review the plan by {add_one_year(made)} at the latest.")
    assessed = plan["plan"].get("assessment_date")
    if assessed and date.fromisoformat(assessed) > made:
        yield Violation(("plan", "assessment_date"), "PP008",
                        f"The assessment date {assessed} is after the plan date {made}.",
                        "The plan is made from the assessment: check both dates.")


def pp009_dates_after_plan(plan: dict[str, Any]) -> Iterator[Violation]:
    made = date.fromisoformat(plan["plan"]["date"])

    def before_plan(path: Path_, written: str, what: str) -> Iterator[Violation]:
        if date.fromisoformat(written) < made:
            yield Violation(path, "PP009", f"The {what} date {written} is before the plan date {made}.",
                            "Check the year; a plan cannot be signed or worked on before it is made.")

    for who, signature in plan.get("signatures", {}).items():
        yield from before_plan(("signatures", who, "date"), signature["date"], "signature")
    for path, strategy, _ in strategies(plan):
        for n, note in enumerate(strategy.get("progress", [])):
            yield from before_plan((*path, "progress", n, "date"), note["date"], "progress note")
        if "completed" in strategy:
            yield from before_plan((*path, "completed"), strategy["completed"], "completed")
            if strategy.get("status") != "done":
                yield Violation((*path, "completed"), "PP009",
                                "This strategy has a completed date but its status is not done.",
                                "Set status: done, or remove the completed date.")


# --- Social Security numbers (PP010) -----------------------------------------------------------

#: What may stand between the 3, 2 and 4 digits: every dash (Unicode's Pd, the minus sign, the
#: soft hyphen), dots, slashes, the tab and every space (Zs), and the zero-width space. Written
#: out, as building it from the Unicode tables costs time on every start; a test holds it to them.
SSN_SEPARATORS = (
    "\\-\u058a\u05be\u1400\u1806\u2010-\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c"
    "\u3030\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212\u00ad"
    ".\u00b7\u2024\u2027\uff0e"
    "/\u2044\u2215\uff0f"
    "\t \u00a0\u1680\u2000-\u200b\u202f\u205f\u3000"
)
# Nine digits as 3-2-4 with the same separator each side, not inside a longer run of digits and
# separators; nine digits in a row only next to a word that says what they are. `\d` is any
# script's decimal digit (fullwidth, Arabic-Indic, ...), as people read them. Each pattern
# starts with a digit and looks behind it rather than before it, so the regex engine skips to
# the next digit; no part of a pattern can match in more than one way, so the search never
# backtracks and costs time in proportion to the text, whatever runs of digits it holds.
_S = f"[{SSN_SEPARATORS}]"
_SSN_SEPARATED = re.compile(rf"\d(?<!\d\d)(?<!\d{_S}\d)\d\d({_S})\d\d\1\d{{4}}(?!\d)(?!{_S}\d)")
_NINE_DIGITS = re.compile(r"\d(?<!\d\d)\d{8}(?!\d)")
#: SSN, SS#, S.S.N., soc. sec., social security (number, no.), in any case.
_SSN_LABEL = re.compile(r"\bss ?#|\bs\.?s\.?n(?![^\W\d_])|\bsoc(ial)?\.? ?sec(urity)?(?![^\W\d_])", re.IGNORECASE)
#: How far from the nine digits a label counts as next to them.
_LABEL_REACH = 40


def pp010_no_ssn(text: str) -> Iterator[tuple[int, str]]:
    """Offsets in `text` of anything shaped like a Social Security number, with what was found."""
    for match in _SSN_SEPARATED.finditer(text):
        yield match.start(), match.group()
    for match in _NINE_DIGITS.finditer(text):
        nearby = text[max(0, match.start() - _LABEL_REACH): match.end() + _LABEL_REACH]
        if _SSN_LABEL.search(nearby):
            yield match.start(), match.group()


def ssn_digits(found: str) -> str:
    """The nine digits of a match, as ASCII: the same number however it was written."""
    return "".join(str(unicodedata.decimal(c)) for c in found if c.isdecimal())


def pp011_signed_when_active(plan: dict[str, Any]) -> Iterator[Violation]:
    if plan["plan"].get("status", "active") != "active":
        return
    signatures = plan.get("signatures", {})
    where: Path_ = ("signatures",) if signatures else ("plan",)
    if "client" not in signatures:
        yield Violation(where, "PP011", "This active plan has no client signature.",
                        "Add signatures.client with the person's (or representative's) name and date, "
                        "or record why they declined or were unable; or mark the plan a draft.")
    if "case_manager" not in signatures:
        yield Violation(where, "PP011", "This active plan has no case manager signature.",
                        "Add signatures.case_manager with your name and the date.")


def pp101_measure_for_goal(plan: dict[str, Any]) -> Iterator[Violation]:
    for i, issue in enumerate(plan["issues"]):
        if "measure" not in issue:
            yield Violation(("issues", i, "goal"), "PP101", "This goal has no measure.",
                            "Add measure: how you and the person will know the goal is met.")


def pp102_person_responsible(plan: dict[str, Any]) -> Iterator[Violation]:
    if not any("client" in responsible_keys(s) for _, s, _ in strategies(plan)):
        yield Violation(("issues",), "PP102", "The person is responsible for no strategy in this plan.",
                        "Give the person a part in their plan: add client to a strategy's responsible.")


def pp103_dates_chosen(plan: dict[str, Any]) -> Iterator[Violation]:
    review = review_date(plan)
    targets = [s["target_date"] for _, s, _ in strategies(plan) if s["target_date"] != "ongoing"]
    defaulted = sum(t == "annual-review" or parse_date(t) == review for t in targets)
    if targets and defaulted * 2 > len(targets):
        yield Violation(("issues",), "PP103",
                        f"{defaulted} of {len(targets)} target dates are the review date.",
                        "Choose a specific day for each strategy, when it can really be done.")


def person_text(plan: dict[str, Any]) -> str:
    """The words of the plan the person reads, as sentences."""
    parts: list[str] = list(plan.get("strengths", []))
    for issue in plan["issues"]:
        parts += [issue["issue"], issue["goal"], issue.get("measure", ""), *issue.get("barriers", [])]
        parts += [strategy["action"] for strategy in issue["strategies"]]
    for concern in plan.get("declined", []):
        parts += [concern["concern"], concern.get("note", "")]
    return " ".join(p if p.rstrip().endswith((".", "!", "?")) else f"{p}." for p in parts if p.strip())


def pp105_plain_words(plan: dict[str, Any]) -> Iterator[Violation]:
    language = plan["client"].get("language", "en")
    if not language.lower().startswith("en"):
        return  # Flesch-Kincaid measures English only.
    grade = flesch_kincaid_grade(person_text(plan))
    if grade > 8:
        yield Violation(("issues",), "PP105",
                        f"The plan's text reads at grade {grade:.1f}; the person should be able to read it "
                        "at grade 8 or below.",
                        "Use short sentences and everyday words, in the person's own words.")


PER_PLAN_RULES: tuple[Callable[[dict[str, Any]], Iterator[Violation]], ...] = (
    pp005_keys_defined, pp006_ongoing_only_to_maintain, pp007_targets_within_plan,
    pp008_review_within_a_year, pp009_dates_after_plan, pp011_signed_when_active,
    pp101_measure_for_goal, pp102_person_responsible, pp103_dates_chosen, pp105_plain_words,
)
