"""Findings: what every stage reports, and the three ways they are printed.

A finding names the file, the line and column (1-based) of the offending value,
the rule code from the plan format and a sentence a case manager can act on,
followed by a hint saying how to fix it.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning"]

#: The level of every rule of the plan format; a finding's level comes from here.
RULE_LEVELS: dict[str, Level] = {
    **{f"PP{n:03d}": "error" for n in range(1, 12)},
    **{f"PP{n:03d}": "warning" for n in range(101, 106)},
}


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""

    @property
    def level(self) -> Level:
        return RULE_LEVELS[self.code]

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def text(self) -> str:
        """One line, `path:line:col: level CODE message hint`, as in the plan format."""
        sentence = f"{self.message} {self.hint}" if self.hint else self.message
        return f"{_visible(self.path)}:{self.line}:{self.column}: {self.level} {self.code} {_visible(sentence)}"

    def github(self) -> str:
        """A GitHub Actions workflow command, so the finding shows on the pull request."""
        sentence = f"{self.message} {self.hint}" if self.hint else self.message
        return (
            f"::{self.level} file={_github_property(self.path)},line={self.line},col={self.column},"
            f"title={_github_property(self.code)}::{_github_data(sentence)}"
        )

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "level": self.level}


#: How much of a value, key or file name a message quotes.
QUOTE_LENGTH = 80


def quote(value: object) -> str:
    """`value` as a message quotes it: at most QUOTE_LENGTH characters, so one long paste or
    file name cannot make the output of a check grow without bound."""
    text = str(value)
    return text if len(text) <= QUOTE_LENGTH else text[: QUOTE_LENGTH - 1] + "\u2026"


_ESCAPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _visible(text: str) -> str:
    """Control, format and private characters and the line and paragraph separators written
    out (`\\n`, `\\x1b`, `\\u202e`, `\\u2028`): text quoted from a plan or a file name can never
    break a finding's line, drive the terminal or reorder what the line shows."""
    return "".join(ascii(character)[1:-1] if unicodedata.category(character) in _ESCAPED else character
                   for character in text)


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
