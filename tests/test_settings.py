"""The settings under `extra.planportal` are checked once, with MkDocs' own options: a
misspelt or mistyped key stops the build with a message that names it, rather than being
ignored in silence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_site, make_project, valid_plan_text


def project_with(tmp_path: Path, settings: str) -> Path:
    project = make_project(tmp_path / "project")
    (project / "plans" / "SET-1.yaml").write_text(valid_plan_text("SET-1"), encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text, replaced = re.subn(r"(?ms)^  planportal:\n(    .*?\n)+", f"  planportal:\n{settings}", text)
    assert replaced == 1
    config.write_text(text, encoding="utf-8")
    return project


@pytest.mark.parametrize(("settings", "named"), [
    ("    serch_plan_text: true\n", "extra.planportal.serch_plan_text"),
    ("    search_plan_text: maybe\n", "extra.planportal.search_plan_text"),
    ("    agency: 12\n", "extra.planportal.agency"),
    ("    plans: [plans]\n", "extra.planportal.plans"),
    ("    fail_on_warnings: 1\n", "extra.planportal.fail_on_warnings"),
    ("    calendar_first_names: yes please\n", "extra.planportal.calendar_first_names"),
])
def test_a_misspelt_or_mistyped_setting_stops_the_build_naming_it(tmp_path: Path, settings: str, named: str) -> None:
    build = build_site(project_with(tmp_path, settings))
    assert build.returncode != 0
    assert named in build.output and "Traceback" not in build.output, build.output
    assert not (build.site / "clients").exists()


def test_the_settings_as_documented_build(tmp_path: Path) -> None:
    build = build_site(project_with(tmp_path, "    plans: plans\n    agency: Riverbend Council on Aging\n"
                                              "    search_plan_text: false\n"), "--strict")
    assert build.returncode == 0, build.output
    assert (build.site / "clients" / "SET-1" / "index.html").is_file()



def test_plan_warnings_stop_the_build_only_when_asked(tmp_path: Path) -> None:
    """Two people with one name (PP104) and a goal with no measure (PP101): warnings only."""
    settings = "    plans: plans\n    fail_on_warnings: {}\n"
    outputs = []
    for stop in ("false", "true"):
        project = project_with(tmp_path / stop, settings.format(stop))
        unmeasured = (valid_plan_text("SET-2").replace("    measure: I work in the garden two times a week by July.\n", "")
                      .replace("last: SET-2}", "last: SET-1}"))  # the same name as SET-1's person
        assert "measure" not in unmeasured and "last: SET-1}" in unmeasured
        (project / "plans" / "SET-2.yaml").write_text(unmeasured, encoding="utf-8")
        build = build_site(project, "--strict")
        outputs.append(build.output)
        assert ("PP104" in build.output) and ("PP101" in build.output), build.output
        if stop == "false":
            assert build.returncode == 0, build.output
            assert (build.site / "clients" / "SET-1" / "index.html").is_file()
        else:
            assert build.returncode != 0
            assert "3 warnings in the plans (listed above), and extra.planportal.fail_on_warnings is true" in build.output
    assert "WARNING" not in outputs[0]


def test_the_settings_key_written_in_another_case_stops_the_build(tmp_path: Path) -> None:
    folder = project_with(tmp_path, "    plans: plans\n")
    config = folder / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  planportal:\n", "  Planportal:\n"),
                      encoding="utf-8")
    build = build_site(folder)
    assert build.returncode != 0
    assert "extra.Planportal in mkdocs.yml" in build.output
