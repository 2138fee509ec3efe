"""The rules beyond the schema: the detectors of the rules declared in `findings`.

What every text may hold and the search for Social Security numbers run on any file; the
other rules on every part of a plan that the schema found sound (`Parts`), whatever is wrong
elsewhere in it. Each rule yields `Violation`s, made from its messages, that name the path of
the offending value; `check` turns the path into a line and column. Rules that compare plans
with each other (a shared id, the same name) live in `caseload`, which sees every plan at once.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import cached_property
from typing import Any

from .findings import (DatedBeforePlan, Dates, DatesChosen, Measure, OneFilePerClient, Ongoing, PersonResponsible,
                       PlainWords, ReviewDate, Schema, Signatures, SocialSecurityNumber, TargetDates, TemplateText,
                       Undefined, Finding, Message, Violation, quote)
from .loader import Document, Mark, Path_, Text, line_starts, offset_mark
from .plan import (AT_REVIEW, ISO_DATE, ONGOING, REPRESENTATIVE, SIGNERS, Issue, Plan, Strategy, add_one_year,
                   parse_date)
from .readability import flesch_kincaid_grade
from .ssn import holds_ssn, pp010_no_ssn, ssn_digits


def field_name(path: Path_) -> str:
    """A field's name as a case manager reads it: `issues 2 > strategies 1 > target_date`."""
    words = [str(p + 1) if isinstance(p, int) else quote(p) for p in path]
    return " > ".join(words) if words else "the plan"


# --- what a text may hold -------------------------------------------------------------------

#: Control characters, except the line break that text written over several lines holds (YAML
#: turns every line end in a block into a line break; one written as an escape in one line
#: is `Document.escaped_breaks`); and the bidirectional embeddings, overrides and isolates,
#: which make a line read otherwise than it is written. The marks LRM, RLM and ALM (U+200E,
#: U+200F, U+061C) only settle the direction of the text next to them, which names in Arabic or
#: Hebrew script need; they stay, but are no visible text.
_REFUSED_IN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: A key is one line of its own: no control character at all. Nor does what a page shows of
#: git's (a commit's author and subject).
REFUSED_IN_KEY = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Letters and symbols that show as blank: the Hangul fillers and the empty Braille pattern.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_visible(character: str) -> bool:
    """A letter, digit, punctuation or symbol that shows: not a space, a format character,
    a combining mark on its own, a control, an unassigned or private-use code, or a filler."""
    return unicodedata.category(character)[0] in "LNPS" and character not in _FILLERS


def is_one_line(text: str) -> bool:
    """Whether `text` could be a plan's one-line text: something visible, no control, no
    bidirectional override, and no line or paragraph separator (which YAML reads as breaks).
    Format characters that names need (ZWNJ, ZWJ, RLM) and any space may stay."""
    return (not REFUSED_IN_KEY.search(text) and "\u2028" not in text and "\u2029" not in text
            and any(map(is_visible, text)))


def _character(character: str) -> str:
    if character == "\t":
        return "a tab (U+0009), which shows as a space of any width"
    if unicodedata.category(character) == "Cc":
        return f"the control character U+{ord(character):04X}"
    return f"U+{ord(character):04X} {unicodedata.name(character)}, which reorders the text around it"


def text_violations(texts: list[Text], escaped_breaks: list[Path_]) -> Iterator[Violation]:
    """A schema finding for a text with a control or a bidirectional override in it, a line
    break written as an escape in one line (`escaped_breaks`), and for a text with something
    in it but nothing visible (blank text is the schema's to report).
    Almost every plan has none: searched first all at once (what a key refuses includes
    what a text refuses, and the space joining them is refused by neither), only the values
    that do not start with an ASCII letter or digit are then looked at one by one."""
    for path in escaped_breaks:
        yield Schema.escaped_line_break.at(path, name=field_name(path))
    if not REFUSED_IN_KEY.search(" ".join(text for _, _, text in texts)):
        texts = [text for text in texts if not text[1] and not (text[2][:1].isascii() and text[2][:1].isalnum())]
    for path, is_key, text in texts:
        refused = (REFUSED_IN_KEY if is_key else _REFUSED_IN_TEXT).search(text)
        if refused:
            what = f"The key '{quote(text)}' of {field_name(path[:-1])}" if is_key else field_name(path)
            yield Schema.refused_character.at(path, what=what, character=_character(refused.group()),
                                              at_key=is_key)
        elif not is_key and text.strip() and not any(map(is_visible, text)):
            yield Schema.nothing_visible.at(path, name=field_name(path))


# --- dates -------------------------------------------------------------------------------

_WRITTEN_DATE_FORMATS = (
    "%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y",
    "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y", "%Y-%m-%d",
)
#: The years a plan's dates may use (the schema's date pattern says the same): far beyond any
#: real plan, far from the calendar's ends, so a year's or a month's step never overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def date_violation(path: Path_, name: str, value: str) -> Violation:
    """What is wrong with `value` where the field `name` wants a date, and how to write it."""
    day = parse_date(value)
    message = Dates.not_a_date if day is None else Dates.outside_years
    return message.at(path, name=name, value=quote(value), day=day, first=FIRST_YEAR, last=LAST_YEAR,
                      how=date_hint(value))


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
    if ISO_DATE.fullmatch(text):
        return "That day is not on the calendar; check the month and the day."
    return "Write the day as YYYY-MM-DD, for example 2007-07-12."


# --- Social Security numbers ----------------------------------------------------------------

def ssn_findings(text: str, document: Document | None, shown_as: str) -> list[Finding]:
    """A finding for each number shaped like an SSN, once: where the raw text holds it (comments
    included), and where only YAML's decoding makes one (`"\\x30\\x37\\x38-05-1120"`), at the
    value or key that holds it. Each text is first asked `holds_ssn`, quick for one with none."""
    starts: list[int] = []  # found when first needed: almost every plan has no finding
    raw: list[tuple[Mark, str]] = []
    for offset, found in pp010_no_ssn(text) if holds_ssn(text) else ():
        starts = starts or line_starts(text)
        raw.append((offset_mark(starts, offset), ssn_digits(found)))
    marks = [mark for mark, _ in raw]
    if document is not None:
        marks += _decoded_ssn_marks(document, raw)
    return [SocialSecurityNumber.found.finding(shown_as, mark) for mark in marks]


def _decoded_ssn_marks(document: Document, raw: list[tuple[Mark, str]]) -> list[Mark]:
    """Where a decoded value or key holds an SSN that the raw text does not show in it.
    The texts are searched in one go, joined by line breaks, which no SSN pattern crosses."""
    parts = document.texts
    joined = "\n".join(text for _, _, text in parts)
    if not holds_ssn(joined):
        return []
    hits = list(pp010_no_ssn(joined))
    starts = [0]
    for _, _, text in parts[:-1]:
        starts.append(starts[-1] + len(text) + 1)
    shown_raw: dict[tuple[Path_, bool], Counter[str]] = {}
    marks: list[Mark] = []
    for offset, found in sorted(hits):
        path, is_key, _ = parts[bisect.bisect_right(starts, offset) - 1]
        begin, end = document.spans[(path, is_key)]
        if (path, is_key) not in shown_raw:
            shown_raw[(path, is_key)] = Counter(digits for mark, digits in raw if begin <= mark < end)
        digits = ssn_digits(found)
        if shown_raw[(path, is_key)][digits]:
            shown_raw[(path, is_key)][digits] -= 1  # the number the raw text shows: reported there
        else:
            marks.append(begin)
    return marks

# --- the parts of a plan the rules read -------------------------------------------------------

class Parts:
    """A loaded plan and the values the schema found at fault in it. The rules read only the
    sound parts, so one mistake never hides another, and never trip over a broken one: a
    misspelt key, an undefined person, a bad date and a missing signature in one file are
    all reported in one run."""

    def __init__(self, data: dict[str, Any], faults: Iterable[Path_] = (), stray: Iterable[Path_] = (),
                 document: Document | None = None) -> None:
        self.data = data
        self.plan = Plan(data)
        #: The file as loaded, for the rules that read its texts.
        self.document = document
        #: The path of every value the schema found at fault; a missing field's path included.
        self._faults = frozenset(faults)
        #: Those paths and every path that holds one of them.
        self._holding = frozenset(fault[:n] for fault in self._faults for n in range(len(fault) + 1))
        #: The mappings with a key the schema does not know, which may be a field misspelt.
        self._stray = frozenset(stray)

    def shaped(self, path: Path_) -> bool:
        """Neither the value at `path` nor any value around it is at fault: when written, it is
        of the kind the schema wants (a mapping, a list, a text), whatever it holds."""
        return not self._faults or not any(path[:n] in self._faults for n in range(len(path) + 1))

    def sound(self, path: Path_) -> bool:
        """Nothing at `path`, inside it or around it is at fault. A field not written is sound
        when it may be left out: a required field that is missing is a fault."""
        return not self._faults or (path not in self._holding and self.shaped(path))

    def complete(self, path: Path_) -> bool:
        """The mapping at `path` has no key the schema does not know: a field missing from it
        is missing, not misspelt (the schema already says "did you mean")."""
        return path not in self._stray

    @cached_property
    def issues(self) -> list[Issue]:
        """Every issue written as a mapping."""
        issues = self.data.get("issues")
        if not isinstance(issues, list):
            return []
        return [Issue(issue, number) for number, issue in enumerate(issues, start=1) if isinstance(issue, dict)]

    @cached_property
    def strategies(self) -> list[tuple[Issue, Strategy]]:
        """Every strategy written as a mapping, with its issue."""
        found = []
        for issue in self.issues:
            strategies = issue.data.get("strategies")
            if isinstance(strategies, list):
                found += [(issue, Strategy(strategy, (*issue.path, "strategies", n)))
                          for n, strategy in enumerate(strategies) if isinstance(strategy, dict)]
        return found

    def every_strategy_sound(self, field: str) -> bool:
        """Every strategy of the plan is written and its `field` is sound: what a rule that
        judges all strategies together needs."""
        if not self._faults:
            return True
        issues = self.data.get("issues")
        if not self.shaped(("issues",)) or not isinstance(issues, list):
            return False
        for n, issue in enumerate(issues):
            strategies = issue.get("strategies") if isinstance(issue, dict) else None
            if not self.shaped(("issues", n, "strategies")) or not isinstance(strategies, list):
                return False
            if not all(isinstance(s, dict) and self.sound(("issues", n, "strategies", m, field))
                       for m, s in enumerate(strategies)):
                return False
        return True

    @property
    def dated(self) -> bool:
        """The plan date and the review date can be read."""
        return self.sound(("plan", "date")) and self.sound(("plan", "review_date"))


# --- the rules -----------------------------------------------------------------------------

def pp004_id_matches_file(parts: Parts, stem: str) -> Iterator[Violation]:
    if parts.sound(("client", "id")) and parts.plan.client_id != stem:
        yield OneFilePerClient.id_differs.at(("client", "id"), id=quote(parts.plan.client_id), stem=quote(stem))


#: How many undefined keys PP005 looks for a defined key like ("Did you mean ...?").
MAX_SUGGESTIONS = 50
#: How many defined keys a PP005 finding lists.
LISTED_KEYS = 20


def pp005_keys_defined(parts: Parts) -> Iterator[Violation]:
    if not parts.shaped(("people",)) or not parts.shaped(("client",)):
        return  # who is defined cannot be told
    plan = parts.plan
    known = plan.known_keys
    candidates = sorted(known)
    rest = len(candidates) - LISTED_KEYS  # each finding names a few: output grows with the file, no faster
    listed = ", ".join(quote(key) for key in candidates[:LISTED_KEYS]) + (f" and {rest} more" if rest > 0 else "")
    suggested: dict[str, str | None] = {}

    def suggestion(key: str) -> str | None:
        """The defined key `key` may be a slip for. A slip is one key among a few: past the
        first keys looked up, none is sought, as comparing thousands of keys with thousands
        would take minutes on a file of a few kilobytes."""
        if key not in suggested:
            close = difflib.get_close_matches(key, candidates, n=1) if len(suggested) < MAX_SUGGESTIONS else []
            suggested[key] = close[0] if close else None
        return suggested[key]

    def undefined(where: Path_, key: str, messages: tuple[Message, Message, Message]) -> Violation:
        plain, like, representative = messages
        if key == REPRESENTATIVE:
            return representative.at(where, key=quote(key))
        close = suggestion(key)
        if close is not None:
            return like.at(where, key=quote(key), close=quote(close))
        return plain.at(where, key=quote(key), listed=listed)

    for _, strategy in parts.strategies:
        if parts.sound((*strategy.path, "responsible")):
            for where, key in strategy.responsible_paths():
                if key not in known:
                    yield undefined(where, key, (Undefined.responsible, Undefined.responsible_like,
                                                 Undefined.responsible_representative))
    if parts.sound(("sharing",)):
        for n, key in enumerate(plan.sharing):
            if key not in known:
                yield undefined(("sharing", n), key, (Undefined.sharing, Undefined.sharing_like,
                                                      Undefined.sharing_representative))


def pp006_ongoing_only_to_maintain(parts: Parts) -> Iterator[Violation]:
    for issue, strategy in parts.strategies:
        where = (*strategy.path, "target_date")
        if parts.sound(where) and strategy.target == ONGOING and parts.sound((*issue.path, "kind")) \
                and issue.kind != "maintain":
            yield Ongoing.not_maintain.at(where)


def pp007_targets_within_plan(parts: Parts) -> Iterator[Violation]:
    if not parts.dated:
        return
    made, review = parts.plan.made, parts.plan.review
    for _, strategy in parts.strategies:
        where = (*strategy.path, "target_date")
        target = parse_date(strategy.target) if parts.sound(where) else None
        if target is None:
            continue
        if target < made:
            yield TargetDates.before_plan.at(where, target=target, made=made)
        elif target > review:
            yield TargetDates.after_review.at(where, target=target, review=review)


def pp008_review_within_a_year(parts: Parts) -> Iterator[Violation]:
    if not parts.sound(("plan", "date")):
        return
    plan = parts.plan
    made = plan.made
    review = plan.written_review if parts.sound(("plan", "review_date")) else None
    if review is not None:
        if review < made:
            yield ReviewDate.before_plan.at(("plan", "review_date"), review=review, made=made)
        elif review > add_one_year(made):
            yield ReviewDate.too_late.at(("plan", "review_date"), review=review, made=made,
                                         latest=add_one_year(made))
    if parts.sound(("plan", "assessment_date")) and plan.assessed is not None and plan.assessed > made:
        yield ReviewDate.assessment_after_plan.at(("plan", "assessment_date"), assessed=plan.assessed, made=made)


def pp009_dates_after_plan(parts: Parts) -> Iterator[Violation]:
    if not parts.sound(("plan", "date")):
        return
    plan = parts.plan
    made = plan.made

    def before_plan(path: Path_, written: date, what: str) -> Iterator[Violation]:
        if written < made:
            yield DatedBeforePlan.before_plan.at(path, what=what, written=written, made=made)

    for role in SIGNERS:
        signature = plan.signature(role) if parts.sound(("signatures", role)) else None
        if signature is not None:
            yield from before_plan(("signatures", role, "date"), signature.day, "signature")
    for _, strategy in parts.strategies:
        if parts.shaped((*strategy.path, "progress")):
            for n, note in enumerate(strategy.data.get("progress", [])):
                where = (*strategy.path, "progress", n)
                if parts.sound(where):
                    yield from before_plan((*where, "date"), date.fromisoformat(note["date"]), "progress note")
        where = (*strategy.path, "completed")
        if strategy.data.get("completed") is not None and parts.sound(where):
            yield from before_plan(where, date.fromisoformat(strategy.data["completed"]), "completed")
            if parts.sound((*strategy.path, "status")) and strategy.status != "done":
                yield DatedBeforePlan.completed_not_done.at(where)


def pp011_signed_when_active(parts: Parts) -> Iterator[Violation]:
    if not parts.sound(("plan", "status")) or parts.plan.state != "active":
        return
    if not parts.shaped(("signatures",)) or not parts.complete(("signatures",)):
        return  # a signature written wrongly or under a misspelt key is the schema's to report
    signatures = parts.data.get("signatures")
    # A signature written, even wrongly, is there: the schema says what is wrong with it.
    if signatures is None:
        where, place = ("plan", "status"), "plan.status"
        signed: dict[str, Any] = {}
    else:
        where, place, signed = ("signatures",), "signatures", signatures
    if "client" not in signed:
        yield Signatures.no_client.at(where, place=place)
    if "case_manager" not in signed:
        yield Signatures.no_case_manager.at(where, place=place)


#: What `planportal new` writes where the case manager has something to write: `[fill in: ...]`.
#: Its text stops at the next placeholder's start, so that a text holding thousands of starts
#: and no end is searched in one pass, not once from each start.
PLACEHOLDER = re.compile(r"\[fill in:(?:[^\[\]]|\[(?!fill in:))*+\]", re.IGNORECASE)


def pp012_template_text_left(parts: Parts) -> Iterator[Violation]:
    document = parts.document
    if document is None or not parts.sound(("plan", "status")) or parts.plan.state == "draft":
        return
    if not PLACEHOLDER.search(document.text):
        return  # a quick no for almost every plan; the texts as decoded say where
    for path, is_key, text in document.texts:
        found = None if is_key else PLACEHOLDER.search(text)
        if found:
            yield TemplateText.placeholder.at(path, name=field_name(path), placeholder=quote(found.group()))


def pp101_measure_for_goal(parts: Parts) -> Iterator[Violation]:
    for issue in parts.issues:
        # A measure written wrongly, or under a misspelt key, is the schema's to report.
        if "measure" not in issue.data and parts.complete(issue.path):
            yield Measure.missing.at((*issue.path, "goal"))


def pp102_person_responsible(parts: Parts) -> Iterator[Violation]:
    if not parts.every_strategy_sound("responsible"):
        return
    if not any("client" in strategy.responsible for _, strategy in parts.strategies):
        yield PersonResponsible.for_nothing.at(("issues",))


def pp103_dates_chosen(parts: Parts) -> Iterator[Violation]:
    if not parts.dated or not parts.every_strategy_sound("target_date"):
        return
    review = parts.plan.review
    targets = [strategy.target for _, strategy in parts.strategies if strategy.target != ONGOING]
    defaulted = sum(t == AT_REVIEW or parse_date(t) == review for t in targets)
    if targets and defaulted * 2 > len(targets):
        yield DatesChosen.defaulted.at(("issues",), defaulted=defaulted, targets=len(targets))


def person_texts(parts: Parts) -> Iterator[tuple[Path_, str]]:
    """The sound texts of the plan that the person reads, with their paths, in the order written."""
    def sound_texts(path: Path_, values: Any) -> Iterator[tuple[Path_, str]]:
        if isinstance(values, list):
            for n, value in enumerate(values):
                if isinstance(value, str) and parts.sound((*path, n)):
                    yield (*path, n), value

    def field(path: Path_, holder: dict[str, Any], name: str) -> Iterator[tuple[Path_, str]]:
        value = holder.get(name)
        if isinstance(value, str) and parts.sound((*path, name)):
            yield (*path, name), value

    yield from sound_texts(("strengths",), parts.data.get("strengths"))
    for issue in parts.issues:
        for name in ("issue", "goal", "measure"):
            yield from field(issue.path, issue.data, name)
        yield from sound_texts((*issue.path, "barriers"), issue.data.get("barriers"))
        strategies = issue.data.get("strategies")
        for n, strategy in enumerate(strategies if isinstance(strategies, list) else []):
            if isinstance(strategy, dict):
                yield from field((*issue.path, "strategies", n), strategy, "action")
    declined = parts.data.get("declined")
    for n, concern in enumerate(declined if isinstance(declined, list) else []):
        if isinstance(concern, dict):
            yield from field(("declined", n), concern, "concern")
            yield from field(("declined", n), concern, "note")


def _as_sentences(texts: Iterable[str]) -> str:
    return " ".join(p if p.rstrip().endswith((".", "!", "?")) else f"{p}." for p in texts if p.strip())


def person_text(plan: Plan) -> str:
    """The words of the plan the person reads, as sentences."""
    return _as_sentences(text for _, text in person_texts(Parts(plan.data)))


#: How many of the hardest sentences PP105 quotes.
HARDEST_QUOTED = 2
#: A sentence ends at ., ! or ? followed by a space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: An abbreviation: two to six capitals (digits may follow), such as ECC, PT or CFC2.
_ABBREVIATION = re.compile(r"\b[A-Z]{2,6}[0-9]*\b")


def pp105_plain_words(parts: Parts) -> Iterator[Violation]:
    if not parts.sound(("client", "language")) or not parts.plan.language.lower().startswith("en"):
        return  # Flesch-Kincaid measures English only.
    texts = list(person_texts(parts))
    grade = flesch_kincaid_grade(_as_sentences(text for _, text in texts))
    if grade <= 8:
        return
    sentences = [(flesch_kincaid_grade(sentence), path, sentence) for path, text in texts
                 for sentence in _SENTENCE_END.split(text.strip()) if sentence]
    hardest = sorted(sentences, key=lambda scored: -scored[0])[:HARDEST_QUOTED]
    quoted = " and ".join(f"'{quote(' '.join(sentence.split()))}' (grade {score:.1f})"
                          for score, _, sentence in hardest)
    abbreviations = sorted({a for _, text in texts for a in _ABBREVIATION.findall(text)})
    message = PlainWords.above_grade_8_abbreviations if abbreviations else PlainWords.above_grade_8
    yield message.at(hardest[0][1] if hardest else ("issues",), grade=grade, hardest=quoted,
                     abbreviations=", ".join(abbreviations[:5]))


PER_PLAN_RULES: tuple[Callable[[Parts], Iterator[Violation]], ...] = (
    pp005_keys_defined, pp006_ongoing_only_to_maintain, pp007_targets_within_plan,
    pp008_review_within_a_year, pp009_dates_after_plan, pp011_signed_when_active, pp012_template_text_left,
    pp101_measure_for_goal, pp102_person_responsible, pp103_dates_chosen, pp105_plain_words,
)
