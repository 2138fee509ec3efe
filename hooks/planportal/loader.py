"""Load one plan file strictly: YAML text -> plain values that remember where they stood.

PyYAML's own loaders keep the last of two equal keys, turn `no` into False, `010` into 8
and `2007-04-12` into a date object, and follow aliases and tags. A plan is a record about
a person, so this loader builds values from the parser's events itself and refuses all of
that: only `true`/`false` are booleans, only plain decimal digits are integers, every other
scalar stays text (dates are checked later), and anchors, aliases, merge keys, tags, repeated
keys and second documents are findings (`Unreadable`), never guesses.
"""

from __future__ import annotations

import bisect
import codecs
import hashlib
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from .findings import Finding, Message, Unreadable, quote

try:  # libyaml parses a plan about twenty times faster than the pure-Python parser.
    from yaml import CSafeLoader as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_BYTES = 1024 * 1024
#: A plan is at most six levels deep; anything far deeper is an attack or an accident.
MAX_DEPTH = 64
#: The largest example plan holds under 300 values; checking a file costs time per value,
#: so a file with thousands more (a paste gone wrong) is refused before it slows every build.
MAX_VALUES = 5000
#: YAML breaks lines at CR LF, CR, LF, NEL and the Unicode line and paragraph separators.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_INTEGER = re.compile(r"[-+]?(0|[1-9][0-9]{0,17})")
_INTEGER_STARTS = "-+0123456789"  # most texts are not searched for one
_NULLS = {"", "~", "null"}
_BOOLEANS = {"true": True, "false": False}

Path_ = tuple[str | int, ...]
#: A scalar's path and whether it is a key: the key of a path and its value are two texts.
Text_ = tuple[Path_, bool]
#: A text of a file: its path, whether it is a key, the text.
Text = tuple[Path_, bool, str]


class Mark(NamedTuple):
    """Where a value was written, 1-based. A tuple: plans have hundreds, made by the thousand."""

    line: int
    column: int


@dataclass
class Document:
    """A loaded plan: its values, and where each value (and each key) was written.

    Only a plan with a finding needs a position, so positions are found when first asked for,
    by parsing the text a second time; a correct plan never pays for them."""

    data: Any
    text: str
    #: Every text of the file, keys included, in the order written: its path, whether it is a
    #: key, the text (listed while loading, where the paths are at hand).
    texts: list[Text]
    #: The texts in double quotes holding a line break written as an escape (`"Lee\nSmith"`):
    #: text of several lines is written as a block, and a break in one line is refused.
    escaped_breaks: list[Path_]

    @cached_property
    def _positions(self) -> _Positions:
        positions = _Positions({}, {}, {})
        _build(self.text, positions)
        return positions

    @property
    def marks(self) -> dict[Path_, Mark]:
        """The mark of each value by its path."""
        return self._positions.marks

    @property
    def key_marks(self) -> dict[Path_, Mark]:
        """The mark of each key by the path of its value."""
        return self._positions.key_marks

    @property
    def spans(self) -> dict[Text_, tuple[Mark, Mark]]:
        """Where each scalar, value or key, begins and ends (just after it)."""
        return self._positions.spans

    def mark(self, path: Path_) -> Mark:
        """The mark of the value at `path`, or of its nearest written ancestor."""
        marks = self.marks
        while path not in marks and path:
            path = path[:-1]
        return marks.get(path, Mark(1, 1))


@dataclass
class Loaded:
    """The result of loading: the document when the file is a YAML mapping, and the
    decoded text when it could be decoded (other checks read the raw text too)."""

    document: Document | None
    text: str | None
    findings: list[Finding]
    #: The `fingerprint` of the bytes read, when they were read from a file.
    fingerprint: bytes = b""
    #: Whether the file read began with a UTF-8 byte-order mark, which `text` is without.
    byte_order_mark: bool = False


def fingerprint(raw: bytes) -> bytes:
    """A short fingerprint of a file's bytes: the same bytes read elsewhere (a version of the
    file in git) are known to be the file as loaded without being parsed again."""
    return hashlib.blake2b(raw, digest_size=16).digest()


class _Refused(Exception):
    def __init__(self, mark: Mark, message: Message, **fields: object) -> None:
        super().__init__(message)
        self.mark, self.message, self.fields = mark, message, fields


class _Positions(NamedTuple):
    """Where each value, each key and each scalar's whole text was written."""

    marks: dict[Path_, Mark]
    key_marks: dict[Path_, Mark]
    spans: dict[Text_, tuple[Mark, Mark]]


def _mark(event: Any) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


def _span(event: Any) -> tuple[Mark, Mark]:
    return _mark(event), Mark(event.end_mark.line + 1, event.end_mark.column + 1)


def not_a_file(mode: int) -> str | None:
    """What a path with this `stat` mode is when it is no regular file, in words."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a folder" if stat.S_ISDIR(mode) else "no regular file"


def special_file(shown_as: str, what: str) -> Finding:
    return Unreadable.special_file.finding(shown_as, what=what)


def load_file(path: Path, shown_as: str) -> Loaded:
    """Load `path`; findings name it `shown_as` (the path as the user gave it).

    Opened without blocking and without following a last link (links were resolved and
    judged before), then read only if it is a regular file: a named pipe would otherwise
    wait for a writer for ever, and a device could be read without end."""
    try:
        descriptor = os.open(path.resolve(), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        with os.fdopen(descriptor, "rb") as handle:
            what = not_a_file(os.fstat(descriptor).st_mode)
            if what is not None:
                return Loaded(None, None, [special_file(shown_as, what)])
            raw = handle.read(MAX_BYTES + 1)
    except (OSError, RuntimeError) as error:  # RuntimeError: a loop of links, before Python 3.13
        reason = getattr(error, "strerror", None) or error
        return Loaded(None, None, [Unreadable.file_unreadable.finding(shown_as, reason=reason)])
    loaded = load_bytes(raw, shown_as)
    loaded.fingerprint = fingerprint(raw)
    loaded.byte_order_mark = raw.startswith(codecs.BOM_UTF8)
    return loaded


def load_bytes(raw: bytes, shown_as: str) -> Loaded:
    if len(raw) > MAX_BYTES:
        return Loaded(None, None, [Unreadable.too_large.finding(shown_as)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", "replace")
        mark = _offset_mark(before, len(before))
        return Loaded(None, None, [Unreadable.not_utf8.finding(shown_as, mark)])
    try:
        texts: list[Text] = []
        escaped_breaks: list[Path_] = []
        document = Document(_build(text, texts=texts, escaped_breaks=escaped_breaks), text, texts, escaped_breaks)
    except _Refused as refusal:
        return Loaded(None, text, [refusal.message.finding(shown_as, refusal.mark, **refusal.fields)])
    except yaml.YAMLError as error:
        mark, problem = _yaml_error(error, text)
        return Loaded(None, text, [_not_yaml(text, mark).finding(shown_as, mark, problem=problem)])
    return Loaded(document, text, [])


def load_values(raw: bytes) -> tuple[Any, str]:
    """What `load_bytes` reads as the values of `raw` (None where it would find a problem), and
    the text decoded (with U+FFFD for bytes that are not UTF-8): for the earlier versions of a
    plan, which need neither findings nor the list of their texts."""
    if len(raw) <= MAX_BYTES:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            try:
                return _build(text), text
            except (_Refused, yaml.YAMLError):
                return None, text
    return None, raw.decode("utf-8", "replace")


def line_starts(text: str) -> list[int]:
    """Where each line begins, breaking lines where YAML does, so marks agree with the parser's."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def offset_mark(starts: list[int], offset: int) -> Mark:
    """The line and column of `offset`, given the text's `line_starts`."""
    line = bisect.bisect_right(starts, offset)
    return Mark(line, offset - starts[line - 1] + 1)


def _offset_mark(text: str, offset: int) -> Mark:
    return offset_mark(line_starts(text[:offset]), offset)


def _yaml_error(error: yaml.YAMLError, text: str) -> tuple[Mark, str]:
    mark = getattr(error, "problem_mark", None)
    if isinstance(error, yaml.MarkedYAMLError) and mark is not None:
        where = Mark(mark.line + 1, mark.column + 1)
        return where, quote((error.problem or "unexpected text").strip())
    position = getattr(error, "position", None)
    if isinstance(position, int):
        return _offset_mark(text, position), ("it holds a character that YAML does not allow "
                                              "(a control character or NUL)")
    return Mark(1, 1), str(error).splitlines()[0] if str(error) else "unexpected text"


def _not_yaml(text: str, mark: Mark) -> Message:
    """What to say of text that is not YAML, by what its line at `mark` holds."""
    lines = _LINE_BREAK.split(text)
    line = lines[mark.line - 1] if mark.line <= len(lines) else ""
    if "\t" in line[: mark.column]:
        return Unreadable.not_yaml_tab
    if any(not character.isprintable() for character in line if character != "\t"):
        return Unreadable.not_yaml_invisible
    return Unreadable.not_yaml


def _build(text: str, positions: _Positions | None = None, texts: list[Text] | None = None,
           escaped_breaks: list[Path_] | None = None) -> Any:
    """Turn the parser's events into dicts, lists and scalars; given `positions`, record
    where each value and each key was written, by path; given `texts`, list every text, key
    or value, with its path (the text rules and the search for SSNs read them), and in
    `escaped_breaks` the paths of those holding a line break written as an escape."""
    parser = _Parser(text)
    try:
        return _values(parser.get_event, positions, texts, escaped_breaks, text)
    finally:
        parser.dispose()


#: An escape in double quotes: a line break's (`\n`, `\x0a`, `\u000a`, `\U0000000a`, and the
#: line and paragraph separators' `\L`, `\P`, `\u2028`, `\u2029`), or any other escape,
#: matched whole so that `\\n` (a backslash, then n) is no line break.
_ESCAPE = re.compile(r"\\(?:(n|L|P|x0[aA]|u(?:000[aA]|202[89])|U(?:0000000[aA]|0000202[89]))|.)", re.DOTALL)
#: The line breaks a text holds as YAML reads it: the line feed, and the line and paragraph separators.
_BREAK_IN_TEXT = re.compile("[\n\u2028\u2029]")


def _escapes_a_break(written: str) -> bool:
    """Whether a scalar in double quotes, as written, holds a line break written as an escape."""
    return any(match.group(1) for match in _ESCAPE.finditer(written))


def _values(next_event: Callable[[], Any], positions: _Positions | None, texts: list[Text] | None,
            escaped_breaks: list[Path_] | None = None, source: str = "") -> Any:
    """The loop at the heart of loading: it runs for every value of every plan, so its state
    lives in local variables rather than in objects. Paths are made only for `positions` or
    `texts`. `source` is the text parsed, for `escaped_breaks`."""
    with_paths = positions is not None or texts is not None
    data: Any = None
    values = documents = 0
    # The open container, its path, whether it is a mapping and the key awaiting its value;
    # the containers around it wait on the stack.
    container: Any = None
    path: Path_ = ()
    is_map = False
    key: str | None = None
    stack: list[tuple[Any, Path_, bool]] = []
    while True:
        event = next_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_node(event)
            if is_map and key is None:
                key = _key(event, container)
                if texts is not None:
                    texts.append(((*path, key), True, key))
                if positions is not None:
                    positions.key_marks[(*path, key)] = _mark(event)
                    positions.spans[((*path, key), True)] = _span(event)
                continue
            value = event.value
            if not event.style:  # quoted and block scalars are always text
                if value in _NULLS:
                    value = None
                elif value in _BOOLEANS:
                    value = _BOOLEANS[value]
                elif value[:1] in _INTEGER_STARTS and _INTEGER.fullmatch(value):
                    value = int(value)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                _refuse_node(event)
            if is_map and key is None:
                raise _Refused(_mark(event), Unreadable.key_not_a_word)
            if len(stack) >= MAX_DEPTH:
                raise _Refused(_mark(event), Unreadable.too_deep)
            value = {} if kind is yaml.MappingStartEvent else []
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            container, path, is_map = stack.pop()
            continue
        elif kind is yaml.AliasEvent:
            raise _Refused(_mark(event), Unreadable.alias)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Refused(_mark(event), Unreadable.second_document)
            continue
        elif kind is yaml.StreamEndEvent:
            return data
        else:  # the stream's start and a document's end
            continue
        # Place the value in its container.
        if is_map:
            value_path = (*path, key) if with_paths else path
            container[key] = value
            key = None
        elif container is not None:
            value_path = (*path, len(container)) if with_paths else path
            container.append(value)
        else:
            value_path = ()
            data = value
        if texts is not None and type(value) is str:
            texts.append((value_path, False, value))
            if escaped_breaks is not None and event.style == '"' and _BREAK_IN_TEXT.search(value) and _escapes_a_break(
                    source[event.start_mark.index:event.end_mark.index]):
                escaped_breaks.append(value_path)
        if positions is not None:
            positions.marks[value_path] = _mark(event)
            if kind is yaml.ScalarEvent:
                positions.spans[(value_path, False)] = _span(event)
        values += 1
        if values > MAX_VALUES:
            raise _Refused(_mark(event), Unreadable.too_many_values, most=MAX_VALUES)
        if type(value) is dict or type(value) is list:
            stack.append((container, path, is_map))
            container, path, is_map = value, value_path, type(value) is dict


def _key(event: yaml.ScalarEvent, mapping: dict[str, Any]) -> str:
    key: str = event.value
    if key == "<<":
        raise _Refused(_mark(event), Unreadable.merge_key)
    if key in mapping:
        raise _Refused(_mark(event), Unreadable.repeated_key, key=quote(key))
    return sys.intern(key)  # thousands of plans then share one copy of each field name


def _refuse_node(event: Any) -> None:
    if event.anchor is not None:
        raise _Refused(_mark(event), Unreadable.yaml_anchor, anchor=quote(event.anchor))
    raise _Refused(_mark(event), Unreadable.tag, tag=quote(event.tag))
