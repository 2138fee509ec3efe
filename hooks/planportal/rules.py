"""The rules beyond the schema (PP003-PP105), run on a plan the schema has accepted.

Each rule yields `Violation`s that name the path of the offending value; `check` turns the
path into a line and column. Rules that compare plans with each other (PP004 for a shared
id, PP104) live in `caseload`, which sees every plan at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

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


# --- dates -------------------------------------------------------------------------------

_WRITTEN_DATE_FORMATS = (
    "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y",
    "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y-%m-%d",
)
_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # \d would admit other scripts' digits


def parse_date(value: str) -> date | None:
    """A `YYYY-MM-DD` that is a real calendar day, else None."""
    if not _ISO.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def date_hint(value: str) -> str:
    """How to write `value` as a date the plan format accepts."""
    text = " ".join(str(value).split())
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
                        f"The client id '{plan['client']['id']}' differs from the file name '{stem}'.",
                        f"Rename the file to {plan['client']['id']}.yaml, or correct the id.")


def pp005_keys_defined(plan: dict[str, Any]) -> Iterator[Violation]:
    known = set(plan.get("people", {})) | set(RESERVED_KEYS)
    if "representative" in plan["client"]:
        known.add("representative")
    listed = ", ".join(sorted(known))
    for path, strategy, _ in strategies(plan):
        for where, key in _responsible_paths(path, strategy):
            if key not in known:
                yield Violation(where, "PP005", f"'{key}' is named as responsible but is not defined.",
                                _undefined_hint(key, listed))
    for n, key in enumerate(plan.get("sharing", [])):
        if key not in known:
            yield Violation(("sharing", n), "PP005", f"'{key}' may receive a copy but is not defined.",
                            _undefined_hint(key, listed))


def _undefined_hint(key: str, listed: str) -> str:
    if key == "representative":
        return "Add client.representative first, or name someone else."
    return f"Add '{key}' under people, or use one of: {listed}."


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


# Nine digits as 3-2-4, separated by hyphens or spaces, not inside a longer number;
# nine digits in a row only next to words that say what they are. `ss#` stands apart:
# a word boundary after `#` would miss the usual "SS# 078051120".
# Each pattern starts with a digit and looks behind it (`\d(?<![\d-]\d)` is `(?<![\d-])\d`):
# the same matches, but the regex engine skips to the next digit instead of trying every
# character, three times faster on a plan.
_SSN_SEPARATED = re.compile(r"\d(?<![\d-]\d)\d{2}([- ])\d{2}\1\d{4}(?![\d-])")
_SSN_LABEL = re.compile(r"\bss#|\b(ssn|soc(ial)?\.?\s*sec(urity)?(\s*(no|number))?)\b", re.IGNORECASE)
_NINE_DIGITS = re.compile(r"\d(?<!\d\d)\d{8}(?!\d)")


def pp010_no_ssn(text: str) -> Iterator[tuple[int, str]]:
    """Offsets in the raw text of anything shaped like a Social Security number."""
    for match in _SSN_SEPARATED.finditer(text):
        yield match.start(), match.group()
    for match in _NINE_DIGITS.finditer(text):
        nearby = text[max(0, match.start() - 40): match.end() + 40]
        if _SSN_LABEL.search(nearby):
            yield match.start(), match.group()


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
