"""The rules are declared once, in `planportal.findings`, and everything else agrees with it:
the table of the rules help page, the codes `acknowledged` takes, and the modules that report them."""

from __future__ import annotations

import io
import json
import re
import tokenize

import pytest
from conftest import REPOSITORY

from planportal import check
from planportal.mkdocs_hooks import HELP
from planportal.findings import RULES, WARNING_CODES, Message

PACKAGE = REPOSITORY / "hooks" / "planportal"
#: A row of the table in docs/rules.md: its anchor, code, level and title.
ROW = re.compile(r'\| <a id="([^"]*)" href="#\1">(PP\d{3})</a> \| (\w+) \| ([^|]+) \|')


def _doc_rows() -> dict[str, tuple[str, str, str]]:
    text = (HELP / "rules.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("|") and re.search(r"PP\d{3}", line.split("|")[1])]
    parsed = [ROW.match(line) for line in rows]
    assert all(parsed), [line for line, match in zip(rows, parsed, strict=True) if not match]
    codes = [match[2] for match in parsed if match]
    assert len(codes) == len(set(codes)), "a code has two rows"
    return {match[2]: (match[1], match[3], match[4].strip()) for match in parsed if match}


def test_the_docs_table_and_the_rules_agree_both_ways() -> None:
    documented = _doc_rows()
    declared = {code: (rule.anchor, rule.level, rule.title) for code, rule in RULES.items()}
    assert documented == declared


def test_every_rule_has_its_own_anchor() -> None:
    anchors = [rule.anchor for rule in RULES.values()]
    assert len(anchors) == len(set(anchors))


def test_acknowledged_takes_the_warnings_and_the_schema_file_lists_the_same() -> None:
    assert WARNING_CODES == tuple(code for code, rule in RULES.items() if rule.level == "warning")
    assert "PP104" in WARNING_CODES and "PP004" not in WARNING_CODES
    written = json.loads((REPOSITORY / "schema" / "plan.schema.json").read_text(encoding="utf-8"))
    for schema in (written, check._schema()):
        assert schema["$defs"]["acknowledgement"]["properties"]["code"]["enum"] == list(WARNING_CODES)


def test_a_rule_not_checked_yet_says_nothing_and_every_checked_rule_says_something() -> None:
    for rule in RULES.values():
        assert bool(rule.messages()) == rule.checked, rule.__name__


def _names_in_code(source: str) -> str:
    """The module's code and docstrings, without its comments."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return " ".join(token.string for token in tokens if token.type != tokenize.COMMENT)


@pytest.mark.parametrize("module", sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "findings.py"))
def test_no_module_but_findings_names_a_rule_code(module: str) -> None:
    code = _names_in_code((PACKAGE / module).read_text(encoding="utf-8"))
    assert not re.findall(r"PP\d{3}", code)


def test_every_message_is_said_somewhere() -> None:
    """A message no module uses is a rule's sentence that can never be printed."""
    sources = " ".join(p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py") if p.name != "findings.py")
    unused = [repr(message) for rule in RULES.values() for message in rule.messages().values()
              if repr(message) not in sources]
    assert unused == []


def test_a_message_fills_its_fields_by_name() -> None:
    message: Message = RULES["PP004"].messages()["not_a_plan_name"]
    finding = message.finding("plans/a.yml", (1, 1), suffix=".yaml", stem="a")
    assert (finding.code, finding.level) == ("PP004", "error")
    assert finding.text() == ("plans/a.yml:1:1: error PP004 Only files named <client id>.yaml are plans; "
                              "this one is not read. Rename it to a.yaml, or move it out of plans/.")
