"""The findings as CI systems read them: SARIF 2.1.0 (GitHub code scanning and other viewers)
and GitLab's Code Quality report.

Both are JSON made with `json.dumps`, so plan text quoted in a message can never break the
document; control and format characters in it are written out as in the text output, so a
viewer shows them rather than obeys them. Each finding carries a fingerprint that names the
file, the rule and what was found, not the line, so that a line added above it leaves it the
same finding from one run to the next (a merge request shows it as neither fixed nor new).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit

from .findings import RULES, Finding, Rule, _encodable, _visible

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The name `partialFingerprints` files our own fingerprint under (SARIF 3.27.17: name/version).
FINGERPRINT_NAME = "planportalFinding/v1"
#: GitLab's severities for a finding that stops publication, one to look at, and one let stand.
GITLAB_SEVERITY = {"error": "critical", "warning": "minor", "acknowledged": "info"}


def fingerprints(findings: list[Finding]) -> list[str]:
    """A fingerprint per finding: a digest of its file, code and message, and how many findings
    with the same three come before it, so that two alike in one file stay two."""
    seen: Counter[tuple[str, str, str]] = Counter()
    prints = []
    for finding in findings:
        key = (finding.path, finding.code, finding.message)
        prints.append(hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8", "surrogatepass"))
                      .hexdigest()[:32])
        seen[key] += 1
    return prints


def _said(finding: Finding) -> str:
    """The message and its hint, as a viewer shows them (the acknowledgement goes apart)."""
    words = f"{finding.message} {finding.hint}" if finding.hint else finding.message
    return _visible(words)  # a lone surrogate too is written out


def _file_uri(path: str) -> str:
    """A file as a URI reference: relative ones resolve against the repository (%SRCROOT%);
    bytes of a file name that is not UTF-8 are percent-encoded as they are."""
    encoded = quote(path, safe="/", errors="surrogateescape")
    return f"file://{encoded}" if path.startswith("/") else encoded


#: What each level does, for a rule's help.
_LEVEL_WORDS = {"error": "An error: a plan with one is never published until it is fixed.",
                "warning": "A warning: shown on the staff pages; it fails `planportal validate --strict` "
                           "unless the plan acknowledges it."}


def _rule_help(rule: type[Rule], rules_url: str) -> dict[str, str]:
    """A rule's help: its title, what its level does and where the rules page explains it
    (each finding's own message says what to fix). Markdown too, for viewers that render it."""
    level = _LEVEL_WORDS[rule.level]
    if not rules_url:  # the Help pages come with the package: the site is where they are
        where = f"the site's help page \"What the checks mean\", rules/#{rule.anchor}"
        return {"text": f"{rule.title}. {level} What it means and what to do: {where}",
                "markdown": f"**{rule.code}: {rule.title}.** {level} What it means and what to do: {where}."}
    where = f"{rules_url}#{rule.anchor}"
    return {"text": f"{rule.title}. {level} What it means and what to do: {where}",
            "markdown": f"**{rule.code}: {rule.title}.** {level} [What it means and what to do]({where})."}


def rules_page_url(address: str) -> str | None:
    """The rules page's address as given to `--rules-url`, made safe for a Markdown link
    (parentheses and spaces percent-encoded); None unless it is an absolute http(s) address."""
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        return None
    return quote(address, safe=":/?&=;,+!$*'@[]%~")


def _sarif_rule(rule: type[Rule], rules_url: str) -> dict[str, object]:
    described: dict[str, object] = {
        "id": rule.code,
        "name": rule.__name__,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}. {_LEVEL_WORDS[rule.level]}"},
        "help": _rule_help(rule, rules_url),
        "defaultConfiguration": {"level": rule.level},
    }
    if rules_url:
        described["helpUri"] = f"{rules_url}#{rule.anchor}"
    return described


def sarif(found: Iterable[Finding], rules_url: str = "") -> str:
    """One SARIF 2.1.0 log: a run of Plan Portal with every rule of the format (its title, help
    and, given the address of the rules page, a link to its row) and one result per finding at
    its line and column. An acknowledged warning is a result suppressed in the source, with
    the plan's reason."""
    findings = sorted(found)
    index = {code: n for n, code in enumerate(RULES)}
    results = []
    for finding, fingerprint in zip(findings, fingerprints(findings), strict=True):
        result: dict[str, object] = {
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": finding.level,
            "message": {"text": _said(finding)},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(finding.path),
                "region": {"startLine": finding.line, "startColumn": finding.column},
            }}],
            "partialFingerprints": {FINGERPRINT_NAME: fingerprint},
        }
        if finding.acknowledged:
            result["suppressions"] = [{"kind": "inSource", "justification": _visible(finding.acknowledged)}]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "Plan Portal", "version": _version(),
                                "rules": [_sarif_rule(rule, rules_url) for rule in RULES.values()]}},
            "columnKind": "unicodeCodePoints",  # libyaml counts characters, as the text output does
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _artifact(path: str) -> dict[str, str]:
    uri = _file_uri(path)
    return {"uri": uri} if uri.startswith("file:") else {"uri": uri, "uriBaseId": "%SRCROOT%"}


def gitlab(found: Iterable[Finding]) -> str:
    """GitLab's Code Quality report: a JSON list, one issue per finding with its rule, file,
    line, severity and fingerprint. An acknowledged warning is listed at `info`, with its reason."""
    findings = sorted(found)
    issues = []
    for finding, fingerprint in zip(findings, fingerprints(findings), strict=True):
        said = _said(finding)
        if finding.acknowledged:
            said += f" Acknowledged: {_visible(finding.acknowledged)}"
        issues.append({
            "description": f"{finding.code} {said}",
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITY["acknowledged" if finding.acknowledged else finding.level],
            "location": {"path": _encodable(PurePosixPath(finding.path).as_posix()),
                         "lines": {"begin": finding.line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False)


def _version() -> str:
    try:
        return version("planportal")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0"
