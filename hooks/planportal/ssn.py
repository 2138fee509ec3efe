"""What is shaped like a US Social Security number, and how text holding one is shown: never.
One home for the shape, so that the checks of a plan and of its history, and every message
that quotes a plan's text, find the same numbers.

Nine digits as 3-2-4 split by a separator (a dash, a dot, a slash or a space of any kind), which
a space may follow (YAML folds a line that ends with a dash into "900-12- 3456") or, after a
space, surround ("900 - 12 - 3456"); or nine digits in a row next to a word that says what
they are. Text is read as it shows: characters
that show nothing (a zero-width joiner, a direction mark) and marks on a character (an accent,
a keycap) as if they were not there, and each character in its compatibility form, so that
`900\u200d-12-3456`, `9\u200b00-12-3456`, `9\ufe0f\u20e30\ufe0f\u20e3...` (keycaps) and
`\u2468\u24ea\u24ea-\u2460\u2461-...` (circled digits) all read as 900-12-3456.
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
#: What shows nothing of its own and is read as if it were not there: Unicode's format
#: characters (Cf: the zero-width joiner, direction marks), its combining marks (Mn, Me: an
#: accent, a stroke through, the keycap of "9\ufe0f\u20e3") and the rest of its default
#: ignorable code points (the Hangul fillers, the tag characters), but the separators above.
#: Written out for the same reason; a test holds it to the tables too. Those in the Basic
#: Multilingual Plane apart: a class of only those is searched ten times faster.
HIDDEN_IN_BMP = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0600-\u0605"
    "\u0610-\u061a\u061c\u064b-\u065f\u0670\u06d6-\u06dd\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u070f"
    "\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u0819\u081b-\u0823\u0825-\u0827"
    "\u0829-\u082d\u0859-\u085b\u0890\u0891\u0898-\u089f\u08ca-\u0902\u093a\u093c\u0941-\u0948\u094d"
    "\u0951-\u0957\u0962\u0963\u0981\u09bc\u09c1-\u09c4\u09cd\u09e2\u09e3\u09fe\u0a01\u0a02\u0a3c"
    "\u0a41\u0a42\u0a47\u0a48\u0a4b-\u0a4d\u0a51\u0a70\u0a71\u0a75\u0a81\u0a82\u0abc\u0ac1-\u0ac5"
    "\u0ac7\u0ac8\u0acd\u0ae2\u0ae3\u0afa-\u0aff\u0b01\u0b3c\u0b3f\u0b41-\u0b44\u0b4d\u0b55\u0b56"
    "\u0b62\u0b63\u0b82\u0bc0\u0bcd\u0c00\u0c04\u0c3c\u0c3e-\u0c40\u0c46-\u0c48\u0c4a-\u0c4d\u0c55"
    "\u0c56\u0c62\u0c63\u0c81\u0cbc\u0cbf\u0cc6\u0ccc\u0ccd\u0ce2\u0ce3\u0d00\u0d01\u0d3b\u0d3c"
    "\u0d41-\u0d44\u0d4d\u0d62\u0d63\u0d81\u0dca\u0dd2-\u0dd4\u0dd6\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
    "\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u0f18\u0f19\u0f35\u0f37\u0f39\u0f71-\u0f7e\u0f80-\u0f84\u0f86"
    "\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102d-\u1030\u1032-\u1037\u1039\u103a\u103d\u103e\u1058"
    "\u1059\u105e-\u1060\u1071-\u1074\u1082\u1085\u1086\u108d\u109d\u115f\u1160\u135d-\u135f"
    "\u1712-\u1714\u1732\u1733\u1752\u1753\u1772\u1773\u17b4\u17b5\u17b7-\u17bd\u17c6\u17c9-\u17d3"
    "\u17dd\u180b-\u180f\u1885\u1886\u18a9\u1920-\u1922\u1927\u1928\u1932\u1939-\u193b\u1a17\u1a18"
    "\u1a1b\u1a56\u1a58-\u1a5e\u1a60\u1a62\u1a65-\u1a6c\u1a73-\u1a7c\u1a7f\u1ab0-\u1ace\u1b00-\u1b03"
    "\u1b34\u1b36-\u1b3a\u1b3c\u1b42\u1b6b-\u1b73\u1b80\u1b81\u1ba2-\u1ba5\u1ba8\u1ba9\u1bab-\u1bad"
    "\u1be6\u1be8\u1be9\u1bed\u1bef-\u1bf1\u1c2c-\u1c33\u1c36\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce0"
    "\u1ce2-\u1ce8\u1ced\u1cf4\u1cf8\u1cf9\u1dc0-\u1dff\u200c-\u200f\u202a-\u202e\u2060-\u206f"
    "\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302d\u3099\u309a\u3164\ua66f-\ua672"
    "\ua674-\ua67d\ua69e\ua69f\ua6f0\ua6f1\ua802\ua806\ua80b\ua825\ua826\ua82c\ua8c4\ua8c5"
    "\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua951\ua980-\ua982\ua9b3\ua9b6-\ua9b9\ua9bc\ua9bd\ua9e5"
    "\uaa29-\uaa2e\uaa31\uaa32\uaa35\uaa36\uaa43\uaa4c\uaa7c\uaab0\uaab2-\uaab4\uaab7\uaab8\uaabe"
    "\uaabf\uaac1\uaaec\uaaed\uaaf6\uabe5\uabe8\uabed\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f\ufeff\uffa0"
    "\ufff0-\ufffb"
)
HIDDEN_BEYOND_BMP = (
    "\U000101fd\U000102e0\U00010376-\U0001037a\U00010a01-\U00010a03\U00010a05\U00010a06"
    "\U00010a0c-\U00010a0f\U00010a38-\U00010a3a\U00010a3f\U00010ae5\U00010ae6\U00010d24-\U00010d27"
    "\U00010eab\U00010eac\U00010f46-\U00010f50\U00010f82-\U00010f85\U00011001\U00011038-\U00011046"
    "\U00011070\U00011073\U00011074\U0001107f-\U00011081\U000110b3-\U000110b6\U000110b9\U000110ba"
    "\U000110bd\U000110c2\U000110cd\U00011100-\U00011102\U00011127-\U0001112b\U0001112d-\U00011134"
    "\U00011173\U00011180\U00011181\U000111b6-\U000111be\U000111c9-\U000111cc\U000111cf"
    "\U0001122f-\U00011231\U00011234\U00011236\U00011237\U0001123e\U000112df\U000112e3-\U000112ea"
    "\U00011300\U00011301\U0001133b\U0001133c\U00011340\U00011366-\U0001136c\U00011370-\U00011374"
    "\U00011438-\U0001143f\U00011442-\U00011444\U00011446\U0001145e\U000114b3-\U000114b8\U000114ba"
    "\U000114bf\U000114c0\U000114c2\U000114c3\U000115b2-\U000115b5\U000115bc\U000115bd\U000115bf"
    "\U000115c0\U000115dc\U000115dd\U00011633-\U0001163a\U0001163d\U0001163f\U00011640\U000116ab"
    "\U000116ad\U000116b0-\U000116b5\U000116b7\U0001171d-\U0001171f\U00011722-\U00011725"
    "\U00011727-\U0001172b\U0001182f-\U00011837\U00011839\U0001183a\U0001193b\U0001193c\U0001193e"
    "\U00011943\U000119d4-\U000119d7\U000119da\U000119db\U000119e0\U00011a01-\U00011a0a"
    "\U00011a33-\U00011a38\U00011a3b-\U00011a3e\U00011a47\U00011a51-\U00011a56\U00011a59-\U00011a5b"
    "\U00011a8a-\U00011a96\U00011a98\U00011a99\U00011c30-\U00011c36\U00011c38-\U00011c3d\U00011c3f"
    "\U00011c92-\U00011ca7\U00011caa-\U00011cb0\U00011cb2\U00011cb3\U00011cb5\U00011cb6"
    "\U00011d31-\U00011d36\U00011d3a\U00011d3c\U00011d3d\U00011d3f-\U00011d45\U00011d47\U00011d90"
    "\U00011d91\U00011d95\U00011d97\U00011ef3\U00011ef4\U00013430-\U00013438\U00016af0-\U00016af4"
    "\U00016b30-\U00016b36\U00016f4f\U00016f8f-\U00016f92\U00016fe4\U0001bc9d\U0001bc9e"
    "\U0001bca0-\U0001bca3\U0001cf00-\U0001cf2d\U0001cf30-\U0001cf46\U0001d167-\U0001d169"
    "\U0001d173-\U0001d182\U0001d185-\U0001d18b\U0001d1aa-\U0001d1ad\U0001d242-\U0001d244"
    "\U0001da00-\U0001da36\U0001da3b-\U0001da6c\U0001da75\U0001da84\U0001da9b-\U0001da9f"
    "\U0001daa1-\U0001daaf\U0001e000-\U0001e006\U0001e008-\U0001e018\U0001e01b-\U0001e021\U0001e023"
    "\U0001e024\U0001e026-\U0001e02a\U0001e130-\U0001e136\U0001e2ae\U0001e2ec-\U0001e2ef"
    "\U0001e8d0-\U0001e8d6\U0001e944-\U0001e94a\U000e0000-\U000e0fff"
)
HIDDEN = HIDDEN_IN_BMP + HIDDEN_BEYOND_BMP
#: What a page or a message shows instead of a text shaped like an SSN.
WITHHELD = "(withheld: shaped like a Social Security number)"

# Each pattern starts with a digit and looks behind it rather than before it, so the regex
# engine skips to the next digit; digits and separators are disjoint, so the search barely
# backtracks and costs time in proportion to the text, whatever runs of digits it holds. `\d`
# is any script's decimal digit (fullwidth, Arabic-Indic, ...), as people read them. Other
# numbers next to one never hide it. Between the groups stands a separator, which a space may
# follow; or, when the first group is followed by a space ("900 - 12 - 3456", "900 -12 -3456"),
# a separator with a space on either side or both. More ("850.00 - 2007", a reading at the end
# of a line and a date on the next) is ordinary text.
_S = f"[{SSN_SEPARATORS}] ?"
_SSN_SEPARATED = re.compile(rf"\d(?<!\d\d)\d\d(?: {_S}\d\d ?{_S}|{_S}\d\d{_S})\d{{4}}(?!\d)")
_NINE_DIGITS = re.compile(r"\d(?<!\d\d)\d{8}(?!\d)")
#: The separators that show nothing either: between two digits of a group they hide nothing,
#: so the text is also read without them; between the groups they still split a number.
_SILENT_SEPARATORS = "\u00ad\u200b"
#: What `_as_shown` drops, for a text with a character beyond the Basic Multilingual Plane and
#: for one without (almost every text): the silent separators too, or not.
_DROPPED = {beyond: {silent: re.compile(f"[{HIDDEN_IN_BMP}{HIDDEN_BEYOND_BMP if beyond else ''}"
                                        f"{_SILENT_SEPARATORS if silent else ''}]+") for silent in (False, True)}
            for beyond in (False, True)}
_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def _dropped(text: str) -> dict[bool, re.Pattern[str]]:
    """What `_as_shown` drops from `text`, with the silent separators or without: the class of
    the Basic Multilingual Plane alone unless `text` holds a character beyond it."""
    return _DROPPED[_BEYOND_BMP.search(text) is not None]
#: SSN (SSNs, client_ssn), SS#, S.S.N., soc. sec., social-security (number, no.), in any case;
#: not inside another word ("classname").
_SSN_LABEL = re.compile(r"(?<![a-z])(?:ss ?#|s\.?s\.?n|soc(?:ial)?[\s._-]*sec(?:urity)?)", re.IGNORECASE)
#: How far from the nine digits a label counts as next to them.
_LABEL_REACH = 40


def pp010_no_ssn(text: str) -> Iterator[tuple[int, str]]:
    """Offsets in `text` of anything shaped like a Social Security number, with what was found
    (invisible characters and marks in it included). Text that is not plain ASCII is read as it
    shows (`_as_shown`), with the silent separators and without."""
    if text.isascii():
        yield from _shaped(text)
        return
    dropping = _dropped(text)
    if unicodedata.is_normalized("NFKD", text) and dropping[True].search(text) is None:
        yield from _shaped(text)
        return
    starts = set()
    for silent in (False, True) if any(map(text.__contains__, _SILENT_SEPARATORS)) else (False,):
        dropped = dropping[silent]
        if next(_shaped(_as_shown(text, dropped)), None) is None:
            continue  # almost always: no need to know where each character went
        shown, origins = _as_shown_from(text, dropped)
        for start, found in _shaped(shown):
            first, last = origins[start], origins[start + len(found) - 1]
            if first not in starts:
                starts.add(first)
                yield first, text[first:last + 1]


def _as_shown(text: str, dropped: re.Pattern[str]) -> str:
    """`text` as a reader sees its digits and words: each character in its compatibility form
    (NFKD: a circled, superscript or fullwidth digit as the digit, an accented letter as the
    letter and its accent), without what `dropped` finds (what shows nothing, marks)."""
    return dropped.sub("", unicodedata.normalize("NFKD", text))


def _as_shown_from(text: str, dropped: re.Pattern[str]) -> tuple[str, list[int]]:
    """`_as_shown`, one character at a time, with where in `text` each character shown comes
    from. The same text: NFKD reorders only combining marks, which are dropped."""
    pieces, origins = [], []
    for at, character in enumerate(text):
        piece = character if character.isascii() else _as_shown(character, dropped)
        pieces.append(piece)
        origins += [at] * len(piece)
    return "".join(pieces), origins


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
_ASCII_SSN_SHAPE = re.compile(rb"000-{1,3}00-{1,3}0000|000000000")


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
        not text.isascii() and _NINE_DIGITS.search(_as_shown(text, _dropped(text)[True])) is not None)


def ssn_digits(found: str) -> str:
    """The nine digits of a match, as ASCII: the same number however it was written."""
    return "".join(str(unicodedata.decimal(c)) for c in unicodedata.normalize("NFKD", found) if c.isdecimal())


def withheld(text: str) -> str:
    """`text` as a message or a page may show it: `WITHHELD` when it holds something shaped like
    an SSN, searched whole (a number cut off at the end of a quote would still show)."""
    return WITHHELD if holds_ssn(text) else text


def withheld_path(path: str) -> str:
    """A file's path as a page or a message shows it: each folder or file name that holds
    something shaped like an SSN withheld, and every one with a digit when only together they
    hold one (a slash is a separator: `900/12-3456.yaml`)."""
    if not holds_ssn(path):
        return path
    names = [withheld(name) for name in path.split("/")]
    if holds_ssn("/".join(names)):
        names = [withheld_if_digit(name) for name in names]
    return "/".join(names)


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
