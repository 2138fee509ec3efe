"""Findings: every rule of the plan format, what each says, and how findings are printed.

A finding names the file, the line and column (1-based) of the offending value,
the rule code from the plan format and a sentence a case manager can act on,
followed by a hint saying how to fix it.

Every rule is declared once, below, as a class: its code, level and short title, and the
sentences it says (`Message`s: a text and a hint, templates filled by name). A finding is
only ever made from one of them: `Message.at(path, ...)` where the value's path is known
(`check` turns the path into a line and column), `Message.finding(shown_as, mark, ...)`
where the line is. So a code, a level and a sentence each live in one place, and a rule's
row on the rules help page, help/rules.md (its `anchor`) and `acknowledged` (warnings only) follow the same table.

A new rule: (1) its class below, with the next free code of its level and its messages;
(2) its detector, in `rules` for one plan (listed in `rules.PER_PLAN_RULES`) or in
`caseload` when it compares plans; (3) its row in help/rules.md, whose `id` is the anchor;
(4) a fixture under tests/fixtures/rules/ and its row in tests/test_rules.py, so the rule
cannot be removed unnoticed. A warning can be acknowledged as soon as it is declared: the
schema's list of warning codes (schema/plan.schema.json, for editors) must name it too.
A rule declared before its detector exists says `checked=False`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from .ssn import holds_ssn, withheld, withheld_if_digit, withheld_path

if TYPE_CHECKING:
    from .loader import Path_

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    #: Why the case manager let this warning stand (the plan's `acknowledged`), if they did.
    acknowledged: str = ""

    @property
    def level(self) -> Level:
        return RULES[self.code].level

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    @property
    def needs_attention(self) -> bool:
        """An error, or a warning nobody has acknowledged: what `--strict` fails on."""
        return self.is_error or not self.acknowledged

    @property
    def shown_path(self) -> str:
        """The file's path as a page or a line of text shows it: a byte of its name that is not
        UTF-8 written out, and never a number shaped like an SSN in a folder's or the file's
        name (`withheld_path`). The formats that other programs read name the file exactly."""
        return withheld_path(_encodable(self.path))

    @property
    def sentence(self) -> str:
        """The message, its hint and any acknowledgement, as one text."""
        words = f"{self.message} {self.hint}" if self.hint else self.message
        return f"{words} Acknowledged: {self.acknowledged}" if self.acknowledged else words

    def text(self) -> str:
        """One line, `path:line:col: level CODE message hint`, as in the plan format."""
        sentence = self.sentence
        return f"{_visible(self.shown_path)}:{self.line}:{self.column}: {self.level} {self.code} {_visible(sentence)}"

    def github(self) -> str:
        """A GitHub Actions workflow command, so the finding shows on the pull request."""
        sentence = self.sentence
        return (
            # The file is named exactly, as the format requires, so the annotation lands on it;
            # the message, which quotes plan text, has every other control written out.
            f"::{self.level} file={_github_property(self.path)},line={self.line},col={self.column},"
            f"title={_github_property(self.code)}::{_github_data(_visible(sentence, _GITHUB_ENCODED))}"
        )

    def as_dict(self) -> dict[str, object]:
        """The finding's fields and level; `acknowledged` only for a warning that is. A file
        name that is not UTF-8 keeps its odd bytes as `\\udcff` escapes, so the JSON is valid."""
        fields = {key: _encodable(value) if isinstance(value, str) else value for key, value in asdict(self).items()}
        fields["level"] = self.level
        if not self.acknowledged:
            del fields["acknowledged"]
        return fields


#: How much of a value, key or file name a message quotes.
QUOTE_LENGTH = 80


def quote(value: object) -> str:
    """`value` as a message quotes it: at most QUOTE_LENGTH characters, so one long paste or
    file name cannot make the output of a check grow without bound; a byte of a file name
    that is not UTF-8 written out (`\\udcff`), so that every page and report can hold it; and
    never a number shaped like an SSN, which PP010 reports without showing it (`withheld`)."""
    text = withheld(_encodable(str(value)))
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "\u2026"


_ESCAPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _visible(text: str, kept: str = "") -> str:
    """Control, format and private characters and the line and paragraph separators written
    out (`\\n`, `\\x1b`, `\\u202e`, `\\u2028`), but those `kept`: text quoted from a plan or a
    file name can never break a finding's line, drive the terminal or reorder what it shows."""
    return "".join(ascii(character)[1:-1] if unicodedata.category(character) in _ESCAPED and character not in kept
                   else character for character in text)


#: What the workflow-command format itself encodes (`%0D`, `%0A`); every other control is written out.
_GITHUB_ENCODED = "\r\n"


def _encodable(text: str) -> str:
    """`text` with any lone surrogate (a byte of a file name that is not UTF-8) written out."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _github_data(data: str) -> str:
    """A workflow command's message, escaped as the runner unescapes it."""
    return data.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(value: str) -> str:
    """A workflow command's property (file, title): `:` and `,` end a property, so a file name
    holding `,line=1` or `::` could forge one were they not escaped too."""
    return _github_data(value).replace(":", "%3A").replace(",", "%2C")


def summary(findings: Iterable[Finding], files: int) -> str:
    found = list(findings)
    errors = sum(f.is_error for f in found)
    warnings = len(found) - errors
    plans = "plan file" if files == 1 else "plan files"
    return (
        f"Checked {files} {plans}: {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}."
    )


def render(findings: Iterable[Finding], fmt: str) -> str:
    """All findings in one of the formats `text`, `github` or `json`."""
    found = sorted(findings)
    if fmt == "json":
        return json.dumps([f.as_dict() for f in found], indent=2, ensure_ascii=False)
    line = Finding.github if fmt == "github" else Finding.text
    return "\n".join(line(f) for f in found)


# --- the rules ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    """A finding before its line is known: it names the path of the offending value."""

    path: Path_
    code: str
    message: str
    hint: str = ""
    at_key: bool = False  # point at the key itself (an unknown field), not at its value


class Message:
    """One thing a rule says: a text and a hint, templates whose `{fields}` are filled by name."""

    __slots__ = ("text", "hint", "rule", "name")

    def __init__(self, text: str, hint: str) -> None:
        self.text, self.hint = text, hint
        self.rule: type[Rule]  # both set when the rule that says it is declared
        self.name = ""

    def _words(self, fields: dict[str, Any]) -> tuple[str, str]:
        # A hint that ends in a field left empty (a field with no description) ends there.
        text, hint = self.text.format(**fields), self.hint.format(**fields).rstrip()
        if holds_ssn(f"{text} {hint}"):  # values quoted one by one may make one together
            fields = {name: withheld_if_digit(value) if isinstance(value, str) else value  # a count is no plan text
                      for name, value in fields.items()}
            text, hint = self.text.format(**fields), self.hint.format(**fields).rstrip()
        return text, hint

    def at(self, path: Path_, *, at_key: bool = False, **fields: Any) -> Violation:
        """Said of the value at `path` in a plan, or of its key."""
        text, hint = self._words(fields)
        return Violation(path, self.rule.code, text, hint, at_key)

    def finding(self, shown_as: str, mark: tuple[int, int] = (1, 1), **fields: Any) -> Finding:
        """Said of the file `shown_as`, at `mark` (line, column)."""
        text, hint = self._words(fields)
        return Finding(shown_as, mark[0], mark[1], self.rule.code, text, hint)

    def __repr__(self) -> str:
        return f"{self.rule.__name__}.{self.name}"


#: Every rule of the plan format by its code, in the order declared.
RULES: dict[str, type[Rule]] = {}


class Rule:
    """A rule of the plan format: a class per rule, never instantiated, declared as
    `class Name(Rule, code=..., level=..., title=...)` with its `Message`s as attributes."""

    code: ClassVar[str]
    level: ClassVar[Level]
    title: ClassVar[str]
    #: The `id` of the rule's row in help/rules.md, for links to what the rule means.
    anchor: ClassVar[str]
    #: False for a rule of the format that no check reports yet.
    checked: ClassVar[bool]

    def __init_subclass__(cls, *, code: str, level: Level, title: str, checked: bool = True) -> None:
        super().__init_subclass__()
        if code in RULES:
            raise ValueError(f"{code} is declared twice: {RULES[code].__name__} and {cls.__name__}")
        messages = cls.messages()
        if clash := set(messages) & {*vars(Rule), *Rule.__annotations__}:
            raise ValueError(f"{cls.__name__} names a message like an attribute of every rule: {clash}")
        cls.code, cls.level, cls.title, cls.anchor, cls.checked = code, level, title, code.lower(), checked
        for name, message in messages.items():
            message.rule, message.name = cls, name
        RULES[code] = cls

    @classmethod
    def messages(cls) -> dict[str, Message]:
        return {name: value for name, value in vars(cls).items() if isinstance(value, Message)}


_NOT_YAML = "This is not valid YAML: {problem}."
_WRONG_TYPE = "{name} should be {wanted}, not {kind} ({value})."
_UNKNOWN_FIELD = "'{field}' is not a field of {name}."
_UNDEFINED_RESPONSIBLE = "'{key}' is named as responsible but is not defined."
_UNDEFINED_SHARING = "'{key}' may receive a copy but is not defined."
_DEFINE_KEY = "Add '{key}' under people, or use one of: {listed}."
_DEFINE_LIKE = "Did you mean '{close}'? If not, add '{key}' under people."
_DEFINE_REPRESENTATIVE = "Add client.representative first, or name someone else."


class Unreadable(Rule, code="PP001", level="error", title="Not readable as a plan"):
    # what the file is, before it is read
    special_file = Message("This is {what}, not a file; it is not read.",
                           "Remove it from the plan folder: a plan is a plain text file.")
    link_loop = Message("This link leads round in a circle and reaches no file.",
                        "Remove the link and put the plan itself in plans/.")
    link_outside = Message("This is a link to a file outside the repository.",
                           "Move the plan itself into plans/; the site only publishes what the repository holds.")
    link_to_folder = Message("This is a link to a folder; links to folders are not followed.",
                             "Move the plans into a real sub-folder of plans/.")
    folder_unreadable = Message("This folder cannot be read ({reason}); the plans in it were not checked.",
                                "Let the account that runs the checks read it, or move the plans out.")
    file_unreadable = Message("The file cannot be read ({reason}).", "Check that it exists and that you may read it.")
    # its bytes
    too_large = Message("The file is over 1 MiB; a plan is far smaller.",
                        "Split it or remove what does not belong in a plan.")
    not_utf8 = Message("The file is not UTF-8 text.", "Save it as UTF-8 in your editor.")
    # its YAML
    not_yaml = Message(_NOT_YAML, "Check the indentation and that text with a colon or # in it is in quotes.")
    not_yaml_tab = Message(_NOT_YAML, "Indent with spaces, not tabs.")
    not_yaml_invisible = Message(_NOT_YAML, "Remove the invisible character; retype the line if unsure.")
    second_document = Message("The file holds more than one YAML document.",
                              "Keep one plan per file and remove the extra '---'.")
    yaml_anchor = Message("Anchors (&{anchor}) are not allowed in a plan.",
                          "Remove the anchor and write values out in full.")
    alias = Message("Aliases (*name) are not allowed in a plan.", "Write the value out in full where it is needed.")
    tag = Message("Tags ({tag}) are not allowed in a plan.", "Remove the tag; write plain values, quoted if needed.")
    merge_key = Message("Merge keys (<<) are not allowed in a plan.", "Write the fields out in full.")
    repeated_key = Message("The key '{key}' appears twice in the same mapping.",
                           "Keep one '{key}' and merge what the two say.")
    key_not_a_word = Message("A key must be a plain word, not a list or a mapping.",
                             "Write the key as a word followed by a colon.")
    too_deep = Message("The file is nested far deeper than any plan.", "Check the indentation.")
    too_many_values = Message("The file holds more than {most} values; a plan is far smaller.",
                              "Check for text pasted many times over, or split what does not belong in a plan.")
    # the last resort
    checker_failed = Message("The checker failed on this file; please report it to whoever looks after Plan Portal, "
                             "with the file if you may share it.",
                             "Until it is fixed, this plan is not published; the other files were checked as usual.")


class Schema(Rule, code="PP002", level="error", title="Not what the schema allows"):
    # `about` is the schema's description of the field: the words the editor shows on hover.
    empty_file = Message("The file is empty.",
                         "Start a plan with `planportal new CLIENT-ID`, or copy an example from plans/.")
    not_a_mapping = Message("A plan is a set of fields (a mapping), but this file holds {kind}.",
                            "Start from `planportal new CLIENT-ID`: the first line is schema_version: 1.")
    refused_character = Message("{what} holds {character}.",
                                "Retype the text without it; a YAML escape such as \\e, \\x1b or \\u202e "
                                "writes one too.")
    escaped_line_break = Message("{name} holds a line break written as an escape (\\n, \\L or \\P) in one line of text.",
                                 "Write text of several lines as a block: the key, then |, then the lines "
                                 "indented below it; or take the escape out.")
    nothing_visible = Message("{name} holds no visible character, only spaces, invisible marks or fillers.",
                              "Write the text, or remove the field.")
    bad_key = Message("'{key}' cannot be a key of {name}.",
                      "Keys are short lowercase words (letters, digits, - or _); client, representative "
                      "and case_manager are built in and need no entry.")
    missing_field = Message("{name} is missing the field '{field}'.", "Add {field}: {about}")
    unknown_field = Message(_UNKNOWN_FIELD, "The fields here are: {fields}.")
    unknown_field_like = Message(_UNKNOWN_FIELD, "Did you mean '{close}'?")
    empty = Message("{name} is empty; it should be {wanted}.", "{about}")
    emptied_by_comment = Message("{name} is empty: a # after a space starts a comment, so YAML read '{comment}' "
                                 "as one.",
                                 "To keep it as text, put it in quotes: {quoted}")
    name_for_key = Message("{name} is '{value}', a name; a short name (key) belongs here.",
                           "Write {key} ({who}).")
    name_not_a_key = Message("{name} is '{value}', a name; a short name (key) belongs here.",
                             "Add the person under people with a key, e.g. {slug}: {{name: {value}}}, and write "
                             "{slug} here.")
    wrong_type = Message(_WRONG_TYPE, "{about}")
    number_for_text = Message(_WRONG_TYPE, 'Put it in quotes, "{written}", so it stays text.')
    not_allowed = Message("{name} is '{value}', which is not allowed here.", "Use one of: {allowed}.")
    no_entry = Message("{name} needs at least one entry.", "{about}")
    repeated_entry = Message("{name} lists the same entry twice.", "Keep each entry once.")
    signature_choice = Message("The client's signature must give exactly one of name, declined or unable.", "{about}")
    wrong_form = Message("{name} has a value of the wrong form: '{value}'.", "{about}")


class Dates(Rule, code="PP003", level="error", title="Not a date"):
    # `how` says how to write the value as a date (rules.date_hint).
    not_a_date = Message("{name}: '{value}' is not a date written YYYY-MM-DD.", "{how}")
    outside_years = Message("{name}: {day} is outside the years a plan's dates may use ({first} to {last}).", "{how}")


class OneFilePerClient(Rule, code="PP004", level="error", title="One file per client, named after the id"):
    id_differs = Message("The client id '{id}' differs from the file name '{stem}'.",
                         "Rename the file to {id}.yaml, or correct the id.")
    shared_id = Message("{others} the same client id.",
                        "Each person has one plan file; merge them or correct the id.")
    not_a_plan_name = Message("Only files named <client id>{suffix} are plans; this one is not read.",
                              "Rename it to {stem}{suffix}, or move it out of plans/.")


class Undefined(Rule, code="PP005", level="error", title="Someone named who is not defined"):
    responsible = Message(_UNDEFINED_RESPONSIBLE, _DEFINE_KEY)
    responsible_like = Message(_UNDEFINED_RESPONSIBLE, _DEFINE_LIKE)
    responsible_representative = Message(_UNDEFINED_RESPONSIBLE, _DEFINE_REPRESENTATIVE)
    sharing = Message(_UNDEFINED_SHARING, _DEFINE_KEY)
    sharing_like = Message(_UNDEFINED_SHARING, _DEFINE_LIKE)
    sharing_representative = Message(_UNDEFINED_SHARING, _DEFINE_REPRESENTATIVE)


class Ongoing(Rule, code="PP006", level="error", title="Ongoing target on a goal of change"):
    not_maintain = Message("'ongoing' is a target only for a goal that maintains something.",
                           "Give a specific date, or set the issue's kind: maintain if the goal is to keep a skill.")


class TargetDates(Rule, code="PP007", level="error", title="Target date outside the plan's year"):
    before_plan = Message("The target date {target} is before the plan date {made}.",
                          "Choose a day on or after the plan date.")
    after_review = Message("The target date {target} is after the next review on {review}.",
                           "Choose a day on or before the review date, or use annual-review.")


class ReviewDate(Rule, code="PP008", level="error", title="Review or assessment date out of place"):
    before_plan = Message("The review date {review} is before the plan date {made}.",
                          "Set a review date after the plan date.")
    too_late = Message("The review date {review} is more than a year after the plan date {made}.",
                       "Review the plan by {latest} at the latest.")
    assessment_after_plan = Message("The assessment date {assessed} is after the plan date {made}.",
                                    "The plan is made from the assessment: check both dates.")


class DatedBeforePlan(Rule, code="PP009", level="error", title="Dated before the plan, or completed but not done"):
    before_plan = Message("The {what} date {written} is before the plan date {made}.",
                          "Check the year; a plan cannot be signed or worked on before it is made.")
    completed_not_done = Message("This strategy has a completed date but its status is not done.",
                                 "Set status: done, or remove the completed date.")


class SocialSecurityNumber(Rule, code="PP010", level="error", title="A Social Security number"):
    found = Message("This looks like a Social Security number; plans must never hold one.",
                    "Remove it. Identify the person by the agency's client id only.")


class Signatures(Rule, code="PP011", level="error", title="An active plan not signed"):
    # `place` is where the finding points: signatures when written, else plan.status.
    no_client = Message("This plan is active ({place}) but has no client signature.",
                        "Add signatures.client with the person's (or representative's) name and date, or record "
                        "why they declined or were unable; or set plan.status: draft until it is signed.")
    no_case_manager = Message("This plan is active ({place}) but has no case manager signature.",
                              "Add signatures.case_manager with your name and the date; or set plan.status: draft "
                              "until it is signed.")


class TemplateText(Rule, code="PP012", level="error", title="Text left from the new-plan template"):
    placeholder = Message("{name} still holds the template's placeholder '{placeholder}', and the plan is not a "
                          "draft.",
                          "Write what it asks for in place of the whole [fill in: ...], or set plan.status: draft "
                          "until the plan is filled in.")


class Measure(Rule, code="PP101", level="warning", title="A goal without a measure"):
    missing = Message("This goal has no measure.", "Add measure: how you and the person will know the goal is met.")


class PersonResponsible(Rule, code="PP102", level="warning", title="The person responsible for nothing"):
    for_nothing = Message("The person is responsible for no strategy in this plan.",
                          "Give the person a part in their plan: add client to a strategy's responsible.")


class DatesChosen(Rule, code="PP103", level="warning", title="Target dates left at the review date"):
    defaulted = Message("{defaulted} of {targets} target dates are the review date.",
                        "Choose a specific day for each strategy, when it can really be done.")


class SameName(Rule, code="PP104", level="warning", title="Another plan with the same name"):
    other_plan = Message("{others} a plan for someone with the same first and last name.",
                         "If it is the same person, keep one plan; if not, no change is needed.")


class PlainWords(Rule, code="PP105", level="warning", title="Harder to read than grade 8"):
    # `hardest` quotes the hardest sentences with their grades; `abbreviations` lists those found.
    above_grade_8 = Message("The plan's text reads at grade {grade:.1f}, above grade 8; hardest: {hardest}.",
                            "Use short sentences and everyday words, in the person's own words, and spell out "
                            "any abbreviation.")
    above_grade_8_abbreviations = Message("The plan's text reads at grade {grade:.1f}, above grade 8; hardest: "
                                          "{hardest}.",
                                          "Use short sentences and everyday words, in the person's own words, "
                                          "and spell out abbreviations such as {abbreviations}.")


class ChangedSinceSigned(Rule, code="PP106", level="warning", title="Changed since the person signed"):
    changed = Message("What the person signed on {signed} has changed since ({when}): {changes}.",
                      "Go over the changes with the person and record their new signature, or undo the changes; "
                      "the plan's history page lists every version.")


class NumberInHistory(Rule, code="PP107", level="warning", title="A Social Security number in the history"):
    in_history = Message("Something shaped like a Social Security number is in {versions} of this file in the git "
                         "history, the first committed on {day} ({commit}); the site never shows such a version.",
                         "The current file is clean, but the number stays in every clone: purge it from the "
                         "history as the IT page says.")


#: The level of every rule the checks report (a rule not checked yet reports nothing).
RULE_LEVELS: dict[str, Level] = {code: rule.level for code, rule in RULES.items() if rule.checked}
#: The codes `acknowledged` accepts: the warnings.
WARNING_CODES: tuple[str, ...] = tuple(code for code, rule in RULES.items() if rule.level == "warning")
