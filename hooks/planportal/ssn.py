"""What is shaped like a US Social Security number, and how text holding one is shown: never.
One home for the shape, so that the checks of a plan and of its history, and every message
that quotes a plan's text, find the same numbers.

Nine digits as 3-2-4 split by a separator (a dash, a dot, a slash or a space of any kind), which
a space may follow (YAML folds a line that ends with a dash into "900-12- 3456"), or nine
digits in a row next to a word that says what they are. Characters that show nothing (a
zero-width joiner, a direction mark) are read as if they were not there: `900\u200d-12-3456`
and `9\u200b00-12-3456` read as 900-12-3456.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

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
#: What shows nothing and is read as if it were not there: Unicode's format characters (Cf)
#: but those that are separators above. Written out for the same reason; a test holds it too.
INVISIBLE = ("\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200c-\u200f\u202a-\u202e\u2060-\u2064"
             "\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
             "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
#: What a page or a message shows instead of a text shaped like an SSN.
WITHHELD = "(withheld: shaped like a Social Security number)"

# Each pattern starts with a digit and looks behind it rather than before it, so the regex
# engine skips to the next digit; digits and separators are disjoint, so the search barely
# backtracks and costs time in proportion to the text, whatever runs of digits it holds. `\d`
# is any script's decimal digit (fullwidth, Arabic-Indic, ...), as people read them. Other
# numbers next to one never hide it. More between the groups than a separator and a space
# ("850.00 - 2007", a reading at the end of a line and a date on the next) is ordinary text.
_S = f"[{SSN_SEPARATORS}] ?"
_SSN_SEPARATED = re.compile(rf"\d(?<!\d\d)\d\d{_S}\d\d{_S}\d{{4}}(?!\d)")
_NINE_DIGITS = re.compile(r"\d(?<!\d\d)\d{8}(?!\d)")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
#: The separators that show nothing either: between two digits of a group they hide nothing,
#: so the text is also read without them; between the groups they still split a number.
_SILENT_SEPARATORS = "\u00ad\u200b"
_INVISIBLE_OR_SILENT = re.compile(f"[{INVISIBLE}{_SILENT_SEPARATORS}]")
#: SSN (SSNs, client_ssn), SS#, S.S.N., soc. sec., social-security (number, no.), in any case;
#: not inside another word ("classname").
_SSN_LABEL = re.compile(r"(?<![a-z])(?:ss ?#|s\.?s\.?n|soc(?:ial)?[\s._-]*sec(?:urity)?)", re.IGNORECASE)
#: How far from the nine digits a label counts as next to them.
_LABEL_REACH = 40


def pp010_no_ssn(text: str) -> Iterator[tuple[int, str]]:
    """Offsets in `text` of anything shaped like a Social Security number, with what was found
    (invisible characters in it included)."""
    if text.isascii() or _INVISIBLE_OR_SILENT.search(text) is None:
        yield from _shaped(text)
        return
    starts = set()
    for hidden in (_INVISIBLE, _INVISIBLE_OR_SILENT):
        kept = [at for at, character in enumerate(text) if hidden.match(character) is None]
        for start, found in _shaped("".join(text[at] for at in kept)):
            first, last = kept[start], kept[start + len(found) - 1]
            if first not in starts:
                starts.add(first)
                yield first, text[first:last + 1]


def _shaped(text: str) -> Iterator[tuple[int, str]]:
    for match in _SSN_SEPARATED.finditer(text):
        yield match.start(), match.group()
    for match in _NINE_DIGITS.finditer(text):
        nearby = text[max(0, match.start() - _LABEL_REACH): match.end() + _LABEL_REACH]
        if _SSN_LABEL.search(nearby):
            yield match.start(), match.group()


#: Each ASCII character as its part of an SSN's shape: a digit as "0", a separator as "-",
#: anything else as "x"; and the shapes that may be one.
_ASCII_SHAPES = bytes(ord("0") if chr(c).isdigit() else ord("-") if re.fullmatch(_S, chr(c)) else ord("x")
                      for c in range(128)) + b"x" * 128
_ASCII_SSN_SHAPE = re.compile(rb"000--?00--?0000|000000000")


def holds_ssn(text: str) -> bool:
    """Whether `pp010_no_ssn` finds anything in `text`."""
    return ssn_or_nine_digits(text)[0]


def ssn_or_nine_digits(text: str) -> tuple[bool, bool]:
    """Whether `pp010_no_ssn` finds anything in `text`, and, when it finds nothing, whether
    `text` holds nine digits in a row: an SSN when a label stands near them, which for a part
    of a text may lie beyond the part. ASCII text (almost every plan) is first written as its
    shape, in C, and searched only if the shape may hold one: the patterns cost time on every
    character."""
    if text.isascii():
        if _ASCII_SSN_SHAPE.search(text.encode("ascii").translate(_ASCII_SHAPES)) is None:
            return False, False
    if any(True for _ in pp010_no_ssn(text)):
        return True, False
    return False, _NINE_DIGITS.search(text) is not None or (
        not text.isascii() and _NINE_DIGITS.search(_INVISIBLE_OR_SILENT.sub("", text)) is not None)


def ssn_digits(found: str) -> str:
    """The nine digits of a match, as ASCII: the same number however it was written."""
    return "".join(str(unicodedata.decimal(c)) for c in found if c.isdecimal())


def withheld(text: str) -> str:
    """`text` as a message or a page may show it: `WITHHELD` when it holds something shaped like
    an SSN, searched whole (a number cut off at the end of a quote would still show)."""
    return WITHHELD if holds_ssn(text) else text


def withheld_if_digit(text: str) -> str:
    """`text`, or `WITHHELD` when it holds a digit: of texts that hold an SSN only together,
    those that may hold its digits."""
    return WITHHELD if any(character.isdigit() for character in text) else text


def withheld_together(texts: list[str]) -> list[str]:
    """`texts` as they are shown side by side, each `withheld`; and when only together they hold
    something shaped like an SSN (a label in one, nine digits in the next), every one of them
    with a digit withheld too. Searched together first: what one holds alone, they hold together."""
    if not holds_ssn("\n".join(texts)):
        return list(texts)
    shown = [withheld(text) for text in texts]
    if holds_ssn("\n".join(shown)):
        return [withheld_if_digit(text) for text in shown]
    return shown
