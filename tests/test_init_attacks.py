"""`planportal init` and the repositories it makes, attacked: odd targets, planted links and
special files, and the settings an agency may write. Each case ends in a clear message or a
right site, never a traceback, and nothing outside the repository is read or written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import RunCli, build_site
from support.html import parse

from planportal.plan import SCHEMA_PATH
from planportal.repository import SCHEMA_COPY


def initialised(run_cli: RunCli, folder: Path, *options: str) -> Path:
    result = run_cli("init", folder, *options, cwd=folder.parent)
    assert result.returncode == 0, result.stderr
    return folder


def test_a_folder_that_cannot_be_made_is_a_message(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "a-file").write_text("mine", encoding="utf-8")
    result = run_cli("init", "a-file/repo", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "a-file/repo" in result.stderr and "Not a directory" in result.stderr
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "mine"


def test_refresh_outside_a_repository_writes_nothing(tmp_path: Path, run_cli: RunCli) -> None:
    """Run in the wrong folder (or given one that does not exist), it would leave a stray
    schema/ there and say all is well."""
    for folder in (tmp_path, tmp_path / "missing"):
        result = run_cli("init", "--refresh-schema", *([folder] if folder != tmp_path else []), cwd=tmp_path)
        assert result.returncode == 2 and "no mkdocs.yml" in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())


def test_refresh_over_a_folder_at_the_copys_place_is_a_message(tmp_path: Path, run_cli: RunCli) -> None:
    repository = initialised(run_cli, tmp_path / "repo")
    copy = repository / SCHEMA_COPY
    copy.unlink()
    copy.mkdir()
    (copy / "kept.txt").write_text("mine", encoding="utf-8")
    result = run_cli("init", "--refresh-schema", cwd=repository)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert f"{SCHEMA_COPY}: is a folder" in result.stderr
    assert (copy / "kept.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(path.name for path in copy.parent.iterdir()) == ["plan.schema.json"]  # no partial file left


def test_refresh_replaces_a_pipe_or_a_huge_file_without_reading_it(tmp_path: Path, run_cli: RunCli) -> None:
    repository = initialised(run_cli, tmp_path / "repo")
    copy = repository / SCHEMA_COPY
    for plant in (os.mkfifo, lambda path: os.truncate(path.open("wb").name, 2**31)):
        copy.unlink()
        plant(copy)
        result = run_cli("init", "--refresh-schema", cwd=repository)
        assert result.returncode == 0 and "brought up to date" in result.stdout, result.stderr
        assert copy.read_bytes() == SCHEMA_PATH.read_bytes()
    assert build_site(repository, "--strict").returncode == 0


@pytest.mark.parametrize("plant", ["linked-docs", "page-to-outside", "file-to-outside", "pipe", "loop"])
def test_a_page_of_docs_that_leads_outside_or_would_block_stops_the_build(tmp_path: Path, run_cli: RunCli,
                                                                          plant: str) -> None:
    """MkDocs reads and copies whatever docs/ holds, links followed: a link committed there
    would publish a file of the machine that builds (its keys, its settings), and a pipe
    would hold the build for ever."""
    repository = initialised(run_cli, tmp_path / "repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Outside secret\n", encoding="utf-8")
    (outside / "id_key").write_text("OUTSIDE KEY\n", encoding="utf-8")
    docs = repository / "docs"
    (docs / "own.md").write_text("# Our page\n", encoding="utf-8")
    (docs / "inside.md").symlink_to("own.md")  # a link that stays inside is the agency's to keep
    if plant == "linked-docs":
        shutil.rmtree(docs)
        docs.symlink_to(outside, target_is_directory=True)
    elif plant == "page-to-outside":
        (docs / "rules.md").symlink_to(outside / "secret.md")
    elif plant == "file-to-outside":
        (docs / "keys").mkdir()
        (docs / "keys" / "id_key").symlink_to(outside / "id_key")
    elif plant == "pipe":
        os.mkfifo(docs / "notes.md")
    else:
        (docs / "again").symlink_to(".", target_is_directory=True)
    build = build_site(repository)
    assert build.returncode != 0 and "Traceback" not in build.output, build.output
    assert re.search("leaves the repository|is not a file|loop of links", build.output), build.output
    assert not build.site.exists() or not [path for path in build.site.rglob("*") if path.is_file()
                                           and b"OUTSIDE" in path.read_bytes().upper()]


def test_a_link_that_stays_in_the_repository_is_the_agencys_to_keep(tmp_path: Path, run_cli: RunCli) -> None:
    repository = initialised(run_cli, tmp_path / "repo")
    (repository / "contacts.md").write_text("# Who to call\n", encoding="utf-8")
    (repository / "docs" / "contacts.md").symlink_to("../contacts.md")
    build = build_site(repository, "--strict")
    assert build.returncode == 0, build.output
    assert "Who to call" in build.page("contacts/")


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_an_agency_page_at_a_help_pages_address_is_named(tmp_path: Path, run_cli: RunCli,
                                                         use_directory_urls: bool) -> None:
    """docs/rules/index.md is published at rules/, as the package's rules.md is: one of the two
    was lost without a word. The build now says which and how to choose."""
    repository = initialised(run_cli, tmp_path / "repo")
    settings = repository / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "use_directory_urls: true", f"use_directory_urls: {str(use_directory_urls).lower()}"), encoding="utf-8")
    (repository / "docs" / "rules").mkdir()
    (repository / "docs" / "rules" / "index.md").write_text("# Our own rules page\n", encoding="utf-8")
    build = build_site(repository, "--strict")
    if use_directory_urls:
        assert build.returncode != 0
        assert ("docs/rules/index.md would be published at the address of the help page rules.md, hiding one of "
                "the two: name it docs/rules.md") in build.output, build.output
    else:  # rules.html and rules/index.html: both kept
        assert build.returncode == 0, build.output
        assert "Our own rules page" in (build.site / "rules" / "index.html").read_text(encoding="utf-8")
        assert "What the checks mean" in (build.site / "rules.html").read_text(encoding="utf-8")


def test_an_agencys_own_theme_overrides_keep_the_packages(tmp_path: Path, run_cli: RunCli) -> None:
    """Material's way to change a page: a `custom_dir` whose main.html extends base.html.
    The package's changes (no indexing, the skip link to generated content) must stay."""
    repository = initialised(run_cli, tmp_path / "repo")
    settings = repository / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "  name: material\n", "  name: material\n  custom_dir: overrides\n") + "extra_css:\n  - ours.css\n",
        encoding="utf-8")
    (repository / "overrides").mkdir()
    (repository / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}{{ super() }}<meta name="ours" content="1">{% endblock %}\n',
        encoding="utf-8")
    (repository / "docs" / "ours.css").write_text("body { margin: 0 }\n", encoding="utf-8")
    build = build_site(repository, "--strict")
    assert build.returncode == 0, build.output
    for url in ("", "rules/", "clients/EXAMPLE-0001/"):
        page = parse(build.page(url))
        assert page.find("meta", name="ours") is not None, url
        assert page.find("meta", name="robots").attrs["content"] == "noindex, nofollow", url
        sheets = [link.attrs["href"].rsplit("/", 1)[-1] for link in page.find_all("link", rel="stylesheet")]
        assert sheets[-2:] == ["planportal.css", "ours.css"], sheets
    assert parse(build.page("clients/EXAMPLE-0001/")).find("a", href="#pp-content") is not None


#: Names a plan may hold as its agency: a zero-width non-joiner (Persian), a right-to-left
#: mark (Hebrew), a no-break space, an emoji joined by zero-width joiners.
NAMES_PLANS_TAKE = ["خانه\u200cی سالمندان", "עמותת \u200fגיל הזהב", "Aging\u00a0Services", "Family \U0001F468\u200d\U0001F469\u200d\U0001F467 Hub"]


@pytest.mark.parametrize("agency", NAMES_PLANS_TAKE)
def test_an_agency_name_a_plan_may_hold_is_taken(tmp_path: Path, run_cli: RunCli, agency: str) -> None:
    """--agency refused every format character and every space but the ASCII one, where a
    plan's case_manager.agency takes them: names in Persian, Hebrew and other scripts need them."""
    repository = initialised(run_cli, tmp_path / "repo", "--agency", agency)
    assert yaml.safe_load((repository / "mkdocs.yml").read_text(encoding="utf-8"))["extra"]["planportal"][
        "agency"] == agency
    build = build_site(repository, "--strict")
    assert build.returncode == 0, build.output
    assert shown(agency) in shown(parse(build.page("case-managers/sam-example/")).text)


def shown(text: str) -> str:
    """Text as it reads: compatibility forms (a no-break space) as their plain ones, no format characters."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")


@pytest.mark.parametrize("agency", ["Line\u2028break", "Para\u2029graph", "Next\x85line", "\u200b\u200d", "\u3164",
                                    "Over\u202eride", "Iso\u2067late"])
def test_an_agency_name_a_plan_could_not_hold_is_refused(tmp_path: Path, run_cli: RunCli, agency: str) -> None:
    result = run_cli("init", tmp_path / "repo", "--agency", agency, cwd=tmp_path)
    assert result.returncode == 2 and "--agency" in result.stderr
    assert not (tmp_path / "repo").exists()


@pytest.mark.parametrize("name", ["my plans; touch hacked", "-plans", "$(touch hacked)", "plans 'ü' \"x\""])
def test_the_printed_cd_line_takes_the_shell_to_the_folder(tmp_path: Path, run_cli: RunCli, name: str) -> None:
    """The next steps printed are for a shell: the folder's name is quoted for it."""
    result = run_cli("init", "--", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (cd_line,) = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("cd ")]
    moved = subprocess.run(["sh", "-c", f"{cd_line} && pwd -P"], cwd=tmp_path, capture_output=True, text=True)
    assert moved.returncode == 0, moved.stderr
    assert Path(moved.stdout.strip()) == (tmp_path / name).resolve()
    assert not (tmp_path / "hacked").exists()


def test_the_new_repositorys_files_name_only_commands_it_has(tmp_path: Path, run_cli: RunCli) -> None:
    """The repository has no Makefile: its settings and CI comments named `make site-offline`."""
    repository = initialised(run_cli, tmp_path / "repo", "--ci", "gitlab")
    assert not (repository / "Makefile").exists()
    named = {path.relative_to(repository).as_posix() for path in repository.rglob("*")
             if path.is_file() and re.search(r"`make \w", path.read_text(encoding="utf-8"))}
    assert named == set()


@pytest.mark.parametrize("site_dir", [None, "elsewhere/site-offline"])
def test_planportal_build_from_another_folder(tmp_path: Path, run_cli: RunCli, site_dir: str | None) -> None:
    """MkDocs reads a relative --site-dir from the settings' folder, planportal from the current
    one: built from the parent folder, the site went to repo/repo/site.building, then a traceback."""
    repository = initialised(run_cli, tmp_path / "repo")
    result = run_cli("build", "--strict", "--config-file", "repo/mkdocs.yml",
                     *(["--site-dir", site_dir] if site_dir else []), cwd=tmp_path)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    site = tmp_path / (site_dir or "repo/site")
    assert (site / "index.html").is_file()
    assert sorted(path.name for path in repository.iterdir()) == sorted(
        ["README.md", "docs", "hooks", "mkdocs-offline.yml", "mkdocs.yml", "plans", "requirements.txt", "schema",
         ".gitignore", ".pre-commit-config.yaml", *(["site"] if not site_dir else [])])
