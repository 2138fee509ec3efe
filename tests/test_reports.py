"""`planportal validate --format sarif` and `--format gitlab`: the findings as CI systems read them.

The SARIF is checked against the SARIF 2.1.0 JSON Schema as OASIS published it (vendored in
tests/schemas/, see its README), and both reports are read back as a viewer would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import REPOSITORY, RULE_FIXTURES, RunCli, valid_plan_text

from planportal import reports
from planportal.findings import RULES, Finding
from planportal.mkdocs_hooks import HELP
from planportal.repository import STARTER

SARIF_SCHEMA = json.loads((REPOSITORY / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
FIXTURES = RULE_FIXTURES.relative_to(REPOSITORY).as_posix()
RULES_PAGE = "https://portal.example.org/rules/"


def valid_sarif(text: str) -> dict[str, Any]:
    """The log, after the SARIF 2.1.0 schema accepted it. (jsonschema checks the `uri` format
    only with a package the tests do not install: the addresses are asserted one by one.)"""
    log = json.loads(text)
    jsonschema.validators.validator_for(SARIF_SCHEMA)(SARIF_SCHEMA).validate(log)
    return log


def findings_of(run_cli: RunCli, *args: str, cwd: Path = REPOSITORY) -> list[dict[str, Any]]:
    return json.loads(run_cli("validate", "--format", "json", *args, cwd=cwd).stdout)


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    (tmp_path / "plans").mkdir()
    return tmp_path


# --- SARIF ---------------------------------------------------------------------------------------------

def test_sarif_of_every_rule_fixture_is_valid_with_one_result_per_finding(run_cli: RunCli) -> None:
    result = run_cli("validate", "--format", "sarif", "--rules-url", RULES_PAGE, FIXTURES)
    log = valid_sarif(result.stdout)
    (run,) = log["runs"]
    expected = findings_of(run_cli, FIXTURES)
    assert len(run["results"]) == len(expected) > 40
    for item, finding in zip(run["results"], expected, strict=True):
        (location,) = item["locations"]
        assert item["ruleId"] == finding["code"] and item["level"] == finding["level"]
        assert location["physicalLocation"]["artifactLocation"] == {"uri": finding["path"], "uriBaseId": "%SRCROOT%"}
        assert location["physicalLocation"]["region"] == {"startLine": finding["line"],
                                                          "startColumn": finding["column"]}
        assert item["message"]["text"] == f"{finding['message']} {finding['hint']}".rstrip()
    assert result.returncode == 1
    assert result.stderr.startswith("Checked 48 plan files:")  # the summary stays out of the log


def test_sarif_declares_one_rule_per_code_with_its_help_and_its_row_on_the_rules_page(run_cli: RunCli) -> None:
    log = valid_sarif(run_cli("validate", "--format", "sarif", "--rules-url", RULES_PAGE,
                              f"{FIXTURES}/PP006-ongoing-change.yaml").stdout)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "Plan Portal"
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for rule in driver["rules"]:
        declared = RULES[rule["id"]]
        assert rule["shortDescription"]["text"] == declared.title
        assert rule["defaultConfiguration"]["level"] == declared.level
        assert rule["helpUri"] == f"{RULES_PAGE}#{declared.anchor}"
        assert rule["help"]["text"].startswith(f"{declared.title}. ")
        assert rule["help"]["text"].endswith(rule["helpUri"])
        assert f"]({rule['helpUri']})" in rule["help"]["markdown"]
    (item,) = log["runs"][0]["results"]
    assert driver["rules"][item["ruleIndex"]]["id"] == item["ruleId"] == "PP006"


def test_each_rules_anchor_is_a_row_of_the_rules_page() -> None:
    page = (HELP / "rules.md").read_text(encoding="utf-8")
    assert all(f'<a id="{rule.anchor}"' in page for rule in RULES.values())


def test_sarif_without_the_rules_page_address_names_the_page_of_the_site(run_cli: RunCli) -> None:
    log = valid_sarif(run_cli("validate", "--format", "sarif", f"{FIXTURES}/OK-valid.yaml").stdout)
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert "helpUri" not in rule
    assert rule["help"]["text"].endswith('the site\'s help page "What the checks mean", rules/#pp001')
    assert log["runs"][0]["results"] == []


@pytest.mark.parametrize("address", ["rules.md", "ftp://host/rules/", "https://host/rules/#pp001"])
def test_the_rules_page_address_must_be_a_full_web_address(run_cli: RunCli, address: str) -> None:
    result = run_cli("validate", "--format", "sarif", "--rules-url", address, f"{FIXTURES}/OK-valid.yaml")
    assert result.returncode == 2 and "--rules-url" in result.stderr


def test_the_rules_page_address_cannot_break_the_markdown_link() -> None:
    address = reports.rules_page_url("https://host/a b (old)/rules.md")
    assert address is not None
    log = valid_sarif(reports.sarif([], address))
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["helpUri"] == "https://host/a%20b%20%28old%29/rules.md#pp001"


def test_an_acknowledged_warning_is_a_result_suppressed_with_its_reason(run_cli: RunCli, plans: Path) -> None:
    text = valid_plan_text("ACK-1").replace("    measure: I work in the garden two times a week by July.\n", "")
    text += "acknowledged:\n  - code: PP101\n    reason: The person chose to leave it open.\n"
    (plans / "plans" / "ACK-1.yaml").write_text(text, encoding="utf-8")
    result = run_cli("validate", "--strict", "--format", "sarif", cwd=plans)
    (item,) = valid_sarif(result.stdout)["runs"][0]["results"]
    assert item["ruleId"] == "PP101" and item["level"] == "warning"
    assert item["suppressions"] == [{"kind": "inSource", "justification": "The person chose to leave it open."}]
    assert result.returncode == 0
    gitlab = json.loads(run_cli("validate", "--format", "gitlab", cwd=plans).stdout)
    assert [(issue["severity"], issue["description"].endswith("Acknowledged: The person chose to leave it open."))
            for issue in gitlab] == [("info", True)]


HOSTILE = Finding("plans/\udcffodd name #1.yaml", 3, 4, "PP002",
                  "'a\u202egnp.exe\x1b[31m\"}]' is not a field of client.", "Remove it.\n")


def test_sarif_escapes_what_a_plan_or_a_file_name_holds() -> None:
    log = valid_sarif(reports.sarif([HOSTILE]))
    (item,) = log["runs"][0]["results"]
    assert item["message"]["text"] == "'a\\u202egnp.exe\\x1b[31m\"}]' is not a field of client. Remove it.\\n"
    location = item["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "plans/%FFodd%20name%20%231.yaml"  # the file's own byte, as a URI has it


def test_a_file_given_by_its_full_path_is_a_file_uri() -> None:
    finding = Finding("/srv/plans/T-1.yaml", 1, 1, "PP101", "This goal has no measure.")
    location = valid_sarif(reports.sarif([finding]))["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "file:///srv/plans/T-1.yaml"}


# --- GitLab Code Quality ---------------------------------------------------------------------------------

def test_gitlab_report_lists_each_finding_with_rule_file_line_and_severity(run_cli: RunCli) -> None:
    result = run_cli("validate", "--format", "gitlab", f"{FIXTURES}/PP006-ongoing-change.yaml",
                     f"{FIXTURES}/PP101-no-measure.yaml")
    issues = json.loads(result.stdout)
    assert [{key: value for key, value in issue.items() if key != "fingerprint"} for issue in issues] == [
        {"description": "PP006 'ongoing' is a target only for a goal that maintains something. Give a specific "
                        "date, or set the issue's kind: maintain if the goal is to keep a skill.",
         "check_name": "PP006", "severity": "critical",
         "location": {"path": f"{FIXTURES}/PP006-ongoing-change.yaml", "lines": {"begin": 27}}},
        {"description": "PP101 This goal has no measure. Add measure: how you and the person will know the goal "
                        "is met.",
         "check_name": "PP101", "severity": "minor",
         "location": {"path": f"{FIXTURES}/PP101-no-measure.yaml", "lines": {"begin": 22}}},
    ]
    assert result.returncode == 1 and result.stderr.startswith("Checked 2 plan files:")


def test_gitlab_fingerprints_are_unique_and_stable_when_lines_move(run_cli: RunCli, plans: Path) -> None:
    text = valid_plan_text("T-1").replace("    measure: I work in the garden two times a week by July.\n", "")
    two_unmeasured = text.replace("issues:\n", "issues:\n" + _issue_without_measure(), 1)
    plan = plans / "plans" / "T-1.yaml"
    plan.write_text(two_unmeasured, encoding="utf-8")
    before = json.loads(run_cli("validate", "--format", "gitlab", cwd=plans).stdout)
    plan.write_text("# a comment added on top\n" + two_unmeasured, encoding="utf-8")
    after = json.loads(run_cli("validate", "--format", "gitlab", cwd=plans).stdout)
    assert [issue["check_name"] for issue in before] == ["PP101", "PP101"]
    assert len({issue["fingerprint"] for issue in before}) == 2  # alike, yet two
    assert [issue["fingerprint"] for issue in after] == [issue["fingerprint"] for issue in before]
    assert [issue["location"]["lines"]["begin"] for issue in after] == [
        issue["location"]["lines"]["begin"] + 1 for issue in before]
    sarif = valid_sarif(run_cli("validate", "--format", "sarif", cwd=plans).stdout)
    assert [item["partialFingerprints"][reports.FINGERPRINT_NAME] for item in sarif["runs"][0]["results"]] == [
        issue["fingerprint"] for issue in before]


def _issue_without_measure() -> str:
    return ("  - issue: I want to cook my own lunch.\n"
            "    goal: I cook lunch three days a week.\n"
            "    strategies:\n"
            "      - action: Practise one recipe with my sister.\n"
            "        responsible: client\n"
            "        target_date: annual-review\n")


def test_gitlab_report_is_json_whatever_a_plan_or_a_file_name_holds() -> None:
    (issue,) = json.loads(reports.gitlab([HOSTILE]))
    assert issue["location"]["path"] == "plans/\\udcffodd name #1.yaml"
    assert "\u202e" not in issue["description"] and "\x1b" not in issue["description"]
    assert reports.gitlab([]) == "[]"


# --- the GitLab CI template ----------------------------------------------------------------------------

def test_the_gitlab_template_reports_code_quality_builds_strictly_and_keeps_the_offline_site() -> None:
    """What docs/deployment.md says the template does: the same steps as the GitHub workflow."""
    template = yaml.safe_load((STARTER / "gitlab-ci.yml").read_text(encoding="utf-8"))
    install = template["default"]["before_script"]
    assert install == ["pip install --quiet -r requirements.txt"]  # the version `planportal init` pinned
    assert template["variables"]["GIT_DEPTH"] == "0"  # the whole history, for the history pages
    check = template["check plans"]
    report = check["artifacts"]["reports"]["codequality"]
    assert f"planportal validate --format gitlab > {report} || true" in check["script"]
    assert "planportal validate" in check["script"]  # fails the job on a plan error
    assert check["artifacts"]["when"] == "always"  # the report is kept when the plans fail
    site = template["site"]
    assert site["script"] == ["planportal build --strict",
                              "planportal build --strict --config-file mkdocs-offline.yml --site-dir site-offline"]
    assert "--config-file mkdocs-offline.yml --site-dir site-offline" in (REPOSITORY / "Makefile").read_text(
        encoding="utf-8")
    assert site["artifacts"]["paths"] == ["site-offline/"] and site["artifacts"]["access"] == "developer"
    assert template["stages"] == [check["stage"], site["stage"]]
    assert template["variables"]["NO_MKDOCS_2_WARNING"] == "1"


def test_the_hostile_files_give_valid_reports(run_cli: RunCli) -> None:
    """Every file the checker refuses, reported in both formats: valid documents all the same."""
    hostile = "tests/fixtures/hostile"
    expected = findings_of(run_cli, hostile)
    sarif = valid_sarif(run_cli("validate", "--format", "sarif", hostile).stdout)
    gitlab = json.loads(run_cli("validate", "--format", "gitlab", hostile).stdout)
    assert len(sarif["runs"][0]["results"]) == len(gitlab) == len(expected) > 10
    assert len({issue["fingerprint"] for issue in gitlab}) == len(gitlab)
