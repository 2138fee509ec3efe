"""The next version of a plan, made in place: a reassessment, a revision, or closing the plan.

A case manager would otherwise edit many fields by hand (the date, the type, the review
date, the signatures, the finished work) with nothing to say it was done right. Each edit
here is made with ruamel.yaml's round-trip mode, which keeps the file's comments, key order
and quoting, so the change in git is only what the command says; earlier versions live in
git history. The strict loader and the checks then read the result like any other plan.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from .loader import load_bytes
from .plan import AT_REVIEW, ONGOING, add_one_year, parse_date
from .ssn import withheld

#: The statuses of work that is over: a reassessment sets it aside (git history keeps it).
FINISHED_ISSUES = ("achieved", "discontinued")
FINISHED_STRATEGIES = ("done", "cancelled")


class CannotEdit(ValueError):
    """The plan cannot be given this next version (closed already, a date before the plan's)."""


@dataclass
class Edit:
    """A next version: the new text of the file, what changed and what is left to do, in words."""

    text: str
    changed: list[str] = field(default_factory=list)
    to_do: list[str] = field(default_factory=list)


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never fold a long line the case manager wrote on one
    mapping, sequence, offset = _indents(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


_KEY_LINE = re.compile(r"^( *)[^\s#-][^:#]*:\s*(#.*)?$")
_ITEM_LINE = re.compile(r"^( *)- ")
_NESTED_KEY = re.compile(r"^( *)[^\s#-]")


def _indents(text: str) -> tuple[int, int, int]:
    """The file's own indentation (of mappings; of list items and their dash), so that
    ruamel.yaml writes back the lines it does not change as they were."""
    lines = text.splitlines()
    mapping = sequence = offset = None
    for above, line in zip(lines, lines[1:], strict=False):
        parent = _KEY_LINE.match(above)
        if parent is None:
            continue
        item, nested = _ITEM_LINE.match(line), _NESTED_KEY.match(line)
        if item and offset is None:
            offset = len(item[1]) - len(parent[1])
            sequence = offset + 2
        elif nested and not item and mapping is None and len(nested[1]) > len(parent[1]):
            mapping = len(nested[1]) - len(parent[1])
        if mapping is not None and offset is not None:
            break
    return mapping or 2, sequence or 4, offset if offset is not None else 2


def _load(text: str) -> tuple[YAML, CommentedMap]:
    """The plan as ruamel.yaml reads it. It builds a value the checks only report on, such as
    a day that is not in the calendar (2007-02-30) or a huge number, and stops there."""
    readable = _readable(_plain(text))
    yaml = _yaml(readable)
    try:
        data = yaml.load(readable)
    except (YAMLError, ValueError, RecursionError) as error:
        mark = getattr(error, "problem_mark", None)
        if mark is not None and readable[mark.index:mark.index + 1] == "\t":
            raise CannotEdit(f"line {mark.line + 1}, column {mark.column + 1}: a tab, which the editing commands "
                             "cannot read there; replace it with spaces") from None
        raise CannotEdit(f"the file holds a value that cannot be edited ({str(error).splitlines()[0]}); "
                         "run planportal validate on it and fix what it says first") from None
    if not isinstance(data, CommentedMap) or not isinstance(data.get("plan"), CommentedMap):
        raise CannotEdit("the file is not a plan with a plan: section; run planportal validate on it")
    return yaml, data


#: A tab (among any spaces) between a value and the '#' of a comment, and the blanks after the
#: '#'. libyaml reads it, and so the checks; ruamel.yaml's scanner stops at it.
_TABS_BEFORE_COMMENT = re.compile(r"(?<=\S)([ \t]*\t[ \t]*)#([ \t]*)")
#: What `_readable` writes after such a '#' and its blanks: the blanks that stood before the '#',
#: between two noncharacters, which ruamel.yaml keeps in the comment as they are.
_MARK_START, _MARK_END = "\ufdd0", "\ufdd1"
_MARK = re.compile(f"{_MARK_START}([ \t]*){_MARK_END}")
_MARKED_COMMENT = re.compile(r"(?<=\S) *#([ \t]*)" + _MARK.pattern)


def _readable(text: str) -> str:
    """`text` with each tab before a comment made a space, for ruamel.yaml to read, and the
    comment marked so that `_tabs_kept` puts back what stood before it. The text as it is when
    a tab before a '#' is inside a value (a quoted text), where no space may take its place,
    or when it holds the mark's character already."""
    if _MARK_START in text:
        return text
    readable = _TABS_BEFORE_COMMENT.sub(lambda m: f"{' ' * len(m[1])}#{m[2]}{_MARK_START}{m[1]}{_MARK_END}", text)
    return readable if readable == text or _values(readable) == _values(text) else text


def _tabs_kept(written: str, like: str) -> str:
    """`written`, from the text `like` made readable, with the tabs taken from before each
    comment put back; a mark in a comment written anew (the earlier comment beside a status
    closed) is only taken out."""
    if _MARK_START in like:
        return written
    return _MARK.sub("", _MARKED_COMMENT.sub(lambda m: f"{m[2]}#{m[1]}", written))


_LINE_END = re.compile("\r\n?|\n")


def _plain(text: str) -> str:
    """`text` as ruamel.yaml reads it right: without a byte-order mark, and with LF at the end
    of each line (after a CR alone, it loses the blank lines below a value it removes)."""
    return _LINE_END.sub("\n", text.removeprefix("\ufeff"))


def _dump(yaml: YAML, data: CommentedMap, like: str) -> str:
    """The plan written out as the text it came from: with its line end (LF, CRLF or CR, the
    one most of its lines end with) throughout, its byte-order mark, and every line it holds
    no change in as it was written there."""
    out = io.StringIO()
    yaml.dump(data, out)
    plain = _plain(like)
    written = _as_written(plain, _tabs_kept(out.getvalue(), plain))
    ends = Counter(_LINE_END.findall(like))
    byte_order_mark = "\ufeff" if like.startswith("\ufeff") else ""
    return byte_order_mark + written.replace("\n", ends.most_common(1)[0][0] if ends else "\n")


def _values(text: str) -> Any:
    document = load_bytes(text.encode("utf-8"), "plan").document
    return None if document is None else document.data


#: The lines put back as written are sought by comparing the file's lines with ruamel.yaml's,
#: which takes time growing with the square of their number, then by reading the plan again
#: for each stretch that differs. A plan is a few hundred lines with a few such stretches; a
#: file far past these (a comment line repeated a hundred thousand times) keeps ruamel.yaml's
#: lines, or some of them, rather than keeping the command busy for hours.
MAX_LINES_KEPT = 3000
MAX_STRETCHES_KEPT = 100


def _as_written(old: str, new: str) -> str:
    """`new`, with each stretch of lines that differs from `old` but holds the same values put
    back as `old` wrote it: ruamel.yaml may rewrite a line it did not change (the indent of a
    | block, ~ for nothing), and the diff is then only what the command changed."""
    wanted = _values(new)
    old_lines, result = old.splitlines(keepends=True), new.splitlines(keepends=True)
    if wanted is None or max(len(old_lines), len(result)) > MAX_LINES_KEPT:
        return new
    stretches = [s for s in difflib.SequenceMatcher(None, old_lines, result, autojunk=False).get_opcodes()
                 if s[0] != "equal"]
    for _, i1, i2, j1, j2 in reversed(stretches[-MAX_STRETCHES_KEPT:]):  # from the end: earlier indices stay right
        trial = result[:j1] + old_lines[i1:i2] + result[j2:]
        if _values("".join(trial)) == wanted:
            result = trial
    return "".join(result)


def _day_like(old: Any, day: date) -> Any:
    """`day` written as the value it replaces was: plain, or in the same quotes."""
    if isinstance(old, DoubleQuotedScalarString):
        return DoubleQuotedScalarString(day.isoformat())
    if isinstance(old, SingleQuotedScalarString):
        return SingleQuotedScalarString(day.isoformat())
    return day


def _as_day(value: Any) -> date | None:
    """A day as ruamel.yaml read it (a date, or text), None for anything else: a time of day
    (`2007-04-12 10:00`) is no day, and cannot be compared with one."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return parse_date(value) if isinstance(value, str) else None


def _opening(text: str, day: date, kind: str) -> tuple[YAML, CommentedMap, CommentedMap, Edit]:
    """What reassess and revise both do first: refuse a closed plan or a day before the plan's,
    then set the plan's type and date. Returns the loader, the plan file, its `plan` and the edit."""
    yaml, data = _load(text)
    plan = data["plan"]
    if plan.get("status") == "closed":
        raise CannotEdit("the plan is closed; a closed plan has no next version (start a new one with planportal new)")
    made = _as_day(plan.get("date"))
    if made is None:
        raise CannotEdit("plan.date is not a day written YYYY-MM-DD; fix it first (planportal validate says how)")
    if day < made:
        raise CannotEdit(f"a {kind} cannot be dated {day}, before the plan date {made}")
    edit = Edit("")
    _set(plan, "type", kind, edit.changed, "plan.type")
    _set(plan, "date", _day_like(plan.get("date"), day), edit.changed, "plan.date")
    return yaml, data, plan, edit


def _set(mapping: CommentedMap, key: str, value: Any, changed: list[str], name: str) -> None:
    old = mapping.get(key)
    if old == value and str(old) == str(value):
        changed.append(f"{name}: {_shown(value)}, as it was")
    else:
        mapping[key] = value
        changed.append(f"{name}: {_shown(old)} -> {_shown(value)}")


def _shown(value: Any) -> str:
    return "(not written)" if value is None else withheld(str(value))


def _is_block(node: Any) -> bool:
    return isinstance(node, CommentedMap | CommentedSeq) and bool(node) and not node.fa.flow_style()


def _last(node: CommentedMap | CommentedSeq) -> Any:
    return next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1


def _lines_below(container: CommentedMap | CommentedSeq, key: Any) -> str:
    """The blank lines and comment lines below `container[key]`, as ruamel.yaml keeps them:
    after the comment on its last line, or at the end of the list or mapping it ends with."""
    value = container[key]
    if _is_block(value):
        return _lines_below(value, _last(value)) + "".join(token.value for token in value.ca.end or [])
    entry = container.ca.items.get(key)
    token = entry[2 if isinstance(container, CommentedMap) else 0] if entry else None
    return token.value.split("\n", 1)[1] if token is not None and "\n" in token.value else ""


def _add_below(container: CommentedMap | CommentedSeq, key: Any, lines: str) -> None:
    """Put `lines` (blank and comment lines) below `container[key]`."""
    value = container[key]
    if _is_block(value):
        if value.ca.end:
            value.ca.end.append(CommentToken(lines, CommentMark(0)))
        else:
            _add_below(value, _last(value), lines)
        return
    slot = 2 if isinstance(container, CommentedMap) else 0
    entry = container.ca.items.setdefault(key, [None] * (4 if slot == 2 else 2))
    if entry[slot] is None:
        entry[slot] = CommentToken("\n" + lines, CommentMark(0))
    else:  # a comment just added to the line has no line end yet
        entry[slot].value = entry[slot].value + ("" if entry[slot].value.endswith("\n") else "\n") + lines


def _remove(container: CommentedMap | CommentedSeq, key: Any) -> None:
    """Delete `container[key]` and its lines, but not the comments below it, which belong to
    what follows: they move below what came before, or above what now comes first. (Blank
    lines at the top of a list or mapping go: they separated the value removed.)"""
    below = _lines_below(container, key)
    keys = list(container) if isinstance(container, CommentedMap) else list(range(len(container)))
    at = keys.index(key)
    del container[key]
    if not below:
        return
    if at > 0:
        _add_below(container, keys[at - 1], below)
    elif len(keys) > 1:
        first = keys[1] if isinstance(container, CommentedMap) else 0
        entry = container.ca.items.setdefault(first, [None, None, None, None])
        entry[1] = [*(entry[1] or []), *(CommentToken(line.strip() + "\n", CommentMark(len(line) - len(line.lstrip())))
                                         for line in below.split("\n") if line.strip())]


def _comment_beside(mapping: CommentedMap, key: str) -> str:
    """The comment at the end of `key`'s line, without its '#' ('' when there is none)."""
    entry = mapping.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    first = token.value.split("\n", 1)[0].strip() if token is not None else ""
    return first[1:].strip() if first.startswith("#") else ""


def _clear_signatures(data: CommentedMap, edit: Edit) -> None:
    if "signatures" in data:
        _remove(data, "signatures")
        edit.changed.append("signatures: cleared (the last ones stay in git history)")
    edit.to_do.append("Go over the plan with the person, then record the signatures under signatures "
                      "(client and case_manager, with the day each signed).")


def reassess(text: str, day: date) -> Edit:
    """A reassessment: type, plan date and review date anew, signatures cleared, finished
    issues and steps set aside; steps still open keep their target when it is still ahead."""
    yaml, data, plan, edit = _opening(text, day, "reassessment")
    if "review_date" in plan:
        _set(plan, "review_date", _day_like(plan["review_date"], add_one_year(day)), edit.changed, "plan.review_date")
    else:
        edit.changed.append(f"plan.review_date: not written, so a year after the plan date ({add_one_year(day)})")
    if "assessment_date" in plan:
        edit.to_do.append(f"Set plan.assessment_date to the day of this reassessment's assessment "
                          f"(it still says {plan['assessment_date']}).")
    _set_aside_finished(data, day, edit)
    _clear_signatures(data, edit)
    edit.to_do.append("Go over each issue, goal and step with the person; add what is new.")
    edit.text = _dump(yaml, data, text)
    return edit


def _set_aside_finished(data: CommentedMap, day: date, edit: Edit) -> None:
    """Finished issues and steps set aside (numbered as they were), and the steps carried
    into the new plan renewed (numbered as they are now)."""
    issues = data.get("issues")
    if not isinstance(issues, CommentedSeq):
        return
    finished = [n for n, issue in enumerate(issues) if isinstance(issue, CommentedMap)
                and issue.get("status") in FINISHED_ISSUES]
    if len(finished) == len(issues):
        edit.to_do.append("Every issue is achieved or discontinued: write the new issues, then remove the old ones.")
        finished = []
    kept: list[tuple[int, CommentedMap]] = []
    for n, issue in enumerate(issues, start=1):
        if n - 1 in finished:
            edit.changed.append(f"issues {n} (as numbered before): set aside ({issue['status']}): "
                                f"{_short(issue.get('issue'))}")
        elif isinstance(issue, CommentedMap):
            kept.append((n, issue))
    for n in reversed(finished):
        _remove(issues, n)
    passed: list[str] = []
    for now, (was, issue) in enumerate(kept, start=1):
        strategies = issue.get("strategies")
        if not isinstance(strategies, CommentedSeq):
            continue
        over = [n for n, step in enumerate(strategies) if isinstance(step, CommentedMap)
                and step.get("status") in FINISHED_STRATEGIES]
        if len(over) == len(strategies):
            edit.to_do.append(f"Issue {now} has no step left to do: add its next step, then remove the "
                              "finished ones (or set the issue's status to achieved).")
            over = []
        for n in over:
            step = strategies[n]
            edit.changed.append(f"issues {was} > strategies {n + 1} (as numbered before): set aside "
                                f"({step['status']}): {_short(step.get('action'))}")
        for n in reversed(over):
            _remove(strategies, n)
        for n, step in enumerate(strategies, start=1):
            if isinstance(step, CommentedMap) and step.get("status") not in FINISHED_STRATEGIES \
                    and _renew_step(step, day, f"issues {now} > strategies {n}", edit):
                passed.append(f"issues {now} > strategies {n}")
    if passed:
        edit.to_do.append(f"Choose a real target date for each step whose target had passed (they say "
                          f"{AT_REVIEW} for now): {', '.join(passed)}.")


def _renew_step(step: CommentedMap, day: date, name: str, edit: Edit) -> bool:
    """A step carried into the reassessed plan: notes from before it set aside (git history
    keeps them); a target that has passed set to the review, for the case manager to choose
    anew. True when the target had passed."""
    progress = step.get("progress")
    if isinstance(progress, CommentedSeq):
        old = [n for n, note in enumerate(progress) if isinstance(note, CommentedMap)
               and (_as_day(note.get("date")) or day) < day]
        if old and len(old) == len(progress):
            _remove(step, "progress")
        else:
            for n in reversed(old):
                _remove(progress, n)
        if old:
            edit.changed.append(f"{name} > progress: {len(old)} earlier note{'s' * (len(old) != 1)} set aside")
    target = step.get("target_date")
    if target in (ONGOING, AT_REVIEW) or (_as_day(target) or day) >= day:
        return False
    step["target_date"] = AT_REVIEW
    edit.changed.append(f"{name} > target_date: {target} -> {AT_REVIEW}")
    return True


def _short(text: Any) -> str:
    words = withheld(" ".join(str(text).split()))
    return words if len(words) <= 60 else words[:59] + "\u2026"


def revise(text: str, day: date) -> Edit:
    """A revision: type and plan date anew, signatures cleared, everything else kept."""
    yaml, data, plan, edit = _opening(text, day, "revision")
    _clear_signatures(data, edit)
    edit.to_do.append("Make the changes the person agreed to.")
    edit.text = _dump(yaml, data, text)
    return edit


def close(text: str, day: date, reason: str) -> Edit:
    """Closing: plan.status closed, the reason and the day in a comment beside it."""
    yaml, data = _load(text)
    plan = data["plan"]
    if plan.get("status") == "closed":
        raise CannotEdit("the plan is closed already")
    edit = Edit("")
    note = f"closed {day.isoformat()}: {reason}"
    earlier, below = _comment_beside(plan, "status"), ""
    if "status" in plan and not _is_block(plan["status"]):
        below = _lines_below(plan, "status")
    indent = plan.lc.key("date")[1] if "date" in plan else 2
    edit.changed.append(f"plan.status: {_shown(plan.get('status'))} -> closed, with the comment '# {_short(note)}'")
    plan["status"] = "closed"
    # The comment beside the status replaces the one there, and with it the lines below: both kept.
    plan.yaml_add_eol_comment(f"{note}; earlier: {earlier}" if earlier else note, "status",
                              column=indent + len("status: closed  "))
    if below:
        _add_below(plan, "status", below)
    edit.to_do.append("Commit the change with the reason in the message; the plan stays listed, marked closed.")
    edit.text = _dump(yaml, data, text)
    return edit
