"""`planportal init`: an agency's own plans repository, which builds with the installed package's
hooks, theme changes and Help pages, and keeps its copy of the schema in step."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE_PLANS, PLANPORTAL, REPOSITORY, Build, RunCli, build_site, files_under, valid_plan_text
from support.html import Element, parse

from planportal import layout
from planportal.plan import SCHEMA_PATH
from planportal.mkdocs_hooks import HELP, SETTING_NAMES, Settings
from planportal.repository import SCHEMA_COPY, package_version

#: What every new repository holds, whatever its CI host.
COMMON = {"README.md", "mkdocs.yml", "mkdocs-offline.yml", "hooks/portal.py", "plans/EXAMPLE-0001.yaml",
          SCHEMA_COPY, "docs/.gitkeep", "requirements.txt", ".pre-commit-config.yaml", ".gitignore"}
#: An agency's name with what YAML and Markdown read as syntax.
AGENCY = 'North "Valley" #1: Aging & Disability — Ünïcode: 老年服务'


def initialised(run_cli: RunCli, folder: Path, *options: str) -> Path:
    result = run_cli("init", folder, *options, cwd=folder.parent)
    assert result.returncode == 0, result.stderr
    assert "python3 -m venv .venv" in result.stdout
    return folder


@pytest.mark.parametrize(("ci", "ci_file"), [("github", ".github/workflows/site.yml"), ("gitlab", ".gitlab-ci.yml"),
                                             (None, None)])
def test_init_writes_the_repository_and_nothing_of_ours(tmp_path: Path, run_cli: RunCli, ci: str | None,
                                                        ci_file: str | None) -> None:
    repository = initialised(run_cli, tmp_path / "plans-repo", "--agency", AGENCY, *(["--ci", ci] if ci else []))
    written = files_under(repository)
    assert set(written) == COMMON | ({ci_file} if ci_file else set())
    if ci_file:
        workflow = yaml.safe_load(written[ci_file])
        assert "-r requirements.txt" in str(workflow) and "requirements/site.txt" not in str(workflow)
    # none of our example plans, tests or benchmarks; the one plan is the invented example
    ours = {path.stem for path in EXAMPLE_PLANS.rglob("*.yaml")}
    text = b"\n".join(written.values()).decode("utf-8")
    assert not [name for name in ours if name in text]
    assert "tests/" not in text and "benchmarks" not in text
    assert written[SCHEMA_COPY] == SCHEMA_PATH.read_bytes()
    assert written["requirements.txt"].decode().splitlines()[-1] == f"planportal=={package_version()}"
    assert f'"planportal=={package_version()}"' in written[".pre-commit-config.yaml"].decode()
    settings = yaml.safe_load(written["mkdocs.yml"])
    assert settings["extra"]["planportal"]["agency"] == AGENCY
    assert settings["hooks"] == ["hooks/portal.py"] and "custom_dir" not in settings["theme"]
    assert ".venv/" in written[".gitignore"].decode().split() and "site/" in written[".gitignore"].decode().split()
    # the same shim and offline settings as this repository's own
    assert written["hooks/portal.py"] == (REPOSITORY / "hooks" / "portal.py").read_bytes()
    assert written["mkdocs-offline.yml"] == (REPOSITORY / "mkdocs-offline.yml").read_bytes()


def test_the_readme_names_the_two_commands(tmp_path: Path, run_cli: RunCli) -> None:
    readme = (initialised(run_cli, tmp_path / "repo", "--ci", "gitlab") / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S)
    assert first_block and first_block[1].splitlines() == [
        "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
        ".venv/bin/planportal build --strict"]
    assert "`.gitlab-ci.yml`" in readme and "planportal init --refresh-schema" in readme


@pytest.mark.parametrize("what", ["file", "folder-with-a-file", "link"])
def test_init_refuses_anything_but_a_new_or_empty_folder(tmp_path: Path, run_cli: RunCli, what: str) -> None:
    target = tmp_path / "target"
    if what == "file":
        target.write_text("mine", encoding="utf-8")
    elif what == "folder-with-a-file":
        target.mkdir()
        (target / "notes.txt").write_text("mine", encoding="utf-8")
    else:
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    before = files_under(tmp_path)
    result = run_cli("init", target, cwd=tmp_path)
    assert result.returncode == 2 and "not an empty folder" in result.stderr
    assert files_under(tmp_path) == before  # the linked folder's contents included


def test_an_empty_folder_is_taken(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "repo").mkdir()
    assert "mkdocs.yml" in files_under(initialised(run_cli, tmp_path / "repo"))


def test_an_empty_repository_just_cloned_is_taken(tmp_path: Path, run_cli: RunCli) -> None:
    """A private project made on the host and cloned empty holds nothing but .git."""
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    repository = initialised(run_cli, tmp_path / "repo")
    assert "mkdocs.yml" in files_under(repository) and (repository / ".git" / "HEAD").is_file()
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / ".git").symlink_to(repository / ".git", target_is_directory=True)
    assert run_cli("init", tmp_path / "linked", cwd=tmp_path).returncode == 2  # a link is not git's own


@pytest.mark.parametrize("agency", ["Two\nlines", "Tab\there", "Bidi\u202eoverride"])
def test_the_agency_is_one_line_of_text(tmp_path: Path, run_cli: RunCli, agency: str) -> None:
    result = run_cli("init", tmp_path / "repo", "--agency", agency, cwd=tmp_path)
    assert result.returncode == 2 and "--agency" in result.stderr
    assert not (tmp_path / "repo").exists()


def tab_names(page: Element) -> list[str]:
    return [tab.text for tab in page.find_all("a", css_class="md-tabs__link")]


def init_build(repository: Path) -> Build:
    return build_site(repository, "--strict")


@pytest.fixture(scope="module")
def agency_site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A new repository, its example left in, with held-out plans added: built strictly."""
    folder = tmp_path_factory.mktemp("agency") / "repo"
    subprocess.run([str(PLANPORTAL), "init", str(folder), "--agency", AGENCY, "--ci", "github"], check=True,
                   capture_output=True)
    shutil.copytree(EXAMPLE_PLANS, folder / "plans", dirs_exist_ok=True)
    (folder / "plans" / "HELD-0001.yaml").write_text(valid_plan_text("HELD-0001"), encoding="utf-8")
    build = init_build(folder)
    assert build.returncode == 0, build.output
    return build


def test_a_new_repository_builds_every_plan_with_the_packages_help(agency_site: Build) -> None:
    for plan in [*EXAMPLE_PLANS.rglob("*.yaml"), Path("HELD-0001.yaml"), Path("EXAMPLE-0001.yaml")]:
        assert (agency_site.site / layout.client(plan.stem).file).is_file(), plan
    for _, name in layout.HELP_PAGES:
        page = agency_site.site / name.removesuffix(".md") / "index.html"
        heading = (HELP / name).read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
        assert parse(page.read_text(encoding="utf-8")).find("h1").text == heading, name
    assert (agency_site.site / "images" / "large-print-ar.png").is_file()  # a help page's image
    assert not any((agency_site.project / "docs").glob("*.md"))  # nothing copied into the agency's pages


def test_the_theme_changes_and_stylesheet_come_from_the_package(agency_site: Build) -> None:
    index = parse(agency_site.page(""))
    assert index.find("meta", name="robots").attrs["content"] == "noindex, nofollow"  # theme/base.html
    assert index.find_all("link", href="assets/planportal.css")
    assert (agency_site.site / "assets" / "planportal.css").is_file()
    assert (agency_site.site / "assets" / "iframe-worker" / "shim.js").is_file()


def test_the_help_tab_comes_after_the_caseload(agency_site: Build) -> None:
    assert tab_names(parse(agency_site.page(""))) == ["Caseload", "Help"]
    titles = [link.text for link in parse(agency_site.page("rules/")).find_all(css_class="md-nav__link")]
    assert all(title in titles for title, _ in layout.HELP_PAGES), titles


def test_the_agency_is_the_stand_in_for_plans_that_name_none(agency_site: Build) -> None:
    assert AGENCY in parse(agency_site.page(layout.case_manager("sam-example").url)).text


def test_the_agencys_own_pages_are_listed_and_may_take_a_help_pages_place(tmp_path: Path, run_cli: RunCli) -> None:
    """With no `nav`, the hooks list the Caseload, the agency's pages, then Help (MkDocs' own
    would list every client); an agency's `rules.md` replaces the package's."""
    repository = initialised(run_cli, tmp_path / "repo")
    settings = repository / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("nav:\n  - Caseload: index.md\n", ""),
                        encoding="utf-8")
    (repository / "docs" / "contacts.md").write_text("# Who to call\n", encoding="utf-8")
    (repository / "docs" / "rules.md").write_text("# Our own rules page\n", encoding="utf-8")
    build = init_build(repository)
    assert build.returncode == 0, build.output
    assert tab_names(parse(build.page(""))) == ["Caseload", "Who to call", "Help"]
    assert "Our own rules page" in build.page("rules/")
    assert "docs/rules.md takes the place of the help page rules.md" in build.output
    assert tab_names(parse(build.page(layout.client("EXAMPLE-0001").url))) == ["Caseload", "Who to call", "Help"]


def test_a_stale_schema_copy_warns_and_refresh_brings_it_up_to_date(tmp_path: Path, run_cli: RunCli) -> None:
    repository = initialised(run_cli, tmp_path / "repo")
    copy = repository / SCHEMA_COPY
    copy.write_text(copy.read_text(encoding="utf-8").replace('"schema_version"', '"schema_version" ', 1),
                    encoding="utf-8")
    stale = init_build(repository)
    assert stale.returncode != 0  # --strict: the warning stops it
    assert f"WARNING -  {SCHEMA_COPY} is not the schema of the installed Plan Portal" in stale.output
    assert "planportal init --refresh-schema" in stale.output
    assert build_site(repository).returncode == 0  # a warning only, without --strict

    refreshed = run_cli("init", "--refresh-schema", cwd=repository)
    assert refreshed.returncode == 0 and "brought up to date" in refreshed.stdout
    assert copy.read_bytes() == SCHEMA_PATH.read_bytes()
    again = run_cli("init", "--refresh-schema", cwd=repository)
    assert again.returncode == 0 and "already up to date" in again.stdout
    fresh = init_build(repository)
    assert fresh.returncode == 0 and "is not the schema" not in fresh.output


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo"])
def test_a_missing_or_odd_schema_copy_warns_without_reading_it(tmp_path: Path, run_cli: RunCli, kind: str) -> None:
    repository = initialised(run_cli, tmp_path / "repo")
    copy = repository / SCHEMA_COPY
    copy.unlink()
    if kind == "folder":
        copy.mkdir()
    elif kind == "fifo":
        os.mkfifo(copy)  # reading it would wait for ever
    build = build_site(repository)
    assert build.returncode == 0, build.output
    assert f"{SCHEMA_COPY} is missing or not a file" in build.output


def test_refresh_replaces_a_link_and_never_writes_through_one(tmp_path: Path, run_cli: RunCli) -> None:
    repository = initialised(run_cli, tmp_path / "repo")
    outside = tmp_path / "outside.json"
    outside.write_text("{}", encoding="utf-8")
    copy = repository / SCHEMA_COPY
    copy.unlink()
    copy.symlink_to(outside)
    assert run_cli("init", "--refresh-schema", cwd=repository).returncode == 0
    assert outside.read_text(encoding="utf-8") == "{}"
    assert not copy.is_symlink() and copy.read_bytes() == SCHEMA_PATH.read_bytes()
    # a linked schema folder is refused, not followed
    shutil.rmtree(repository / "schema")
    (tmp_path / "other").mkdir()
    (repository / "schema").symlink_to(tmp_path / "other", target_is_directory=True)
    refused = run_cli("init", "--refresh-schema", cwd=repository)
    assert refused.returncode == 2 and "link" in refused.stderr
    assert not list((tmp_path / "other").iterdir())


def test_refresh_takes_no_new_repository_options(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("init", "--refresh-schema", "--agency", "X", cwd=tmp_path)
    assert result.returncode == 2 and "--refresh-schema changes the schema only" in result.stderr
    assert run_cli("init", cwd=tmp_path).returncode == 2


def test_the_new_repositorys_settings_are_every_setting_with_its_default(tmp_path: Path, run_cli: RunCli) -> None:
    """A setting added to the hooks is written, explained, into every new repository."""
    written = yaml.safe_load((initialised(run_cli, tmp_path / "repo") / "mkdocs.yml").read_text(encoding="utf-8"))
    defaults = {name: option.default for name, option in vars(Settings).items() if name in SETTING_NAMES}
    assert written["extra"]["planportal"] == {**defaults, "agency": ""}
    ours = yaml.safe_load((REPOSITORY / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["planportal"]
    assert set(ours) == set(SETTING_NAMES)
