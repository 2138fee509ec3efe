"""A site built with `use_directory_urls: false`, to be read from disk, has the same files as
the served site and its links name them (`clients/X/index.html`); the served site's links
name folders (`clients/X/`). Checked in the real built files, for the offline build
(mkdocs-offline.yml) and for the hooks alone with the MkDocs setting, small caseloads and
large ones whose pages worker processes write.
"""

from __future__ import annotations

import os
import shutil
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest
import yaml
from conftest import EXAMPLE_PLANS, OFFLINE_CONFIG, REPOSITORY, Build, build_site, make_project
from mkdocs.config import load_config

from planportal.caseload import PARALLEL_FROM
from planportal.mkdocs_hooks import THEME
from planportal.repository import STARTER
from support.project import generated_project, with_plan_text_searched

#: A link of a page: `href` of `a` and `link`, `src` of `script` and `img`.
LINK = re.compile(r'<(?:a|link|script|img)\b[^>]*?\s(?:href|src)="([^"]*)"')
#: Where the generated pages live (and the index, at the root).
GENERATED = re.compile(r"(clients|case-managers)/")
#: A link to a folder: `clients/X/`, or as MkDocs writes the theme's links to the root, `.` or `../..`.
FOLDER = re.compile(r".*/|\.|\.\.(/\.\.)*")


def relative_links(site: Path) -> dict[str, list[str]]:
    """Each page's links within the site (no fragment alone, no scheme like tel: or https:),
    by the page's path below the site. The 404 page is left out: a server shows it from any
    folder, so its links start at the server's root."""
    return {page.relative_to(site).as_posix(): [link for link in LINK.findall(page.read_text(encoding="utf-8"))
                                                if not link.startswith("#") and not re.match(r"[a-z]+:", link)]
            for page in site.rglob("*.html") if page.name != "404.html"}


def generated_pages(site: Path) -> set[str]:
    """The generated pages' files (the help pages' names follow MkDocs' setting: `it.html`)."""
    pages = {path.relative_to(site).as_posix() for path in site.rglob("index.html")}
    return {page for page in pages if GENERATED.match(page) or page == "index.html"}


def assert_every_link_names_a_file(site: Path) -> None:
    """Every link of every page names a file of the site, never a folder (from disk, a folder
    opens as a listing of its files)."""
    links = relative_links(site)
    assert sum(map(len, links.values())) > 100, "too few links for the check to mean anything"
    for page, page_links in links.items():
        for link in page_links:
            target = Path(os.path.normpath(site / Path(page).parent / unquote(urldefrag(link)[0])))
            assert target.is_file(), f"{page} links to {link}, which is not a file of the site"
            assert target.is_relative_to(site), f"{page} links to {link}, outside the site"


def generated_page_links(site: Path) -> list[str]:
    """Where the links of the generated pages lead (their fragments dropped)."""
    return [urldefrag(link)[0] for page, links in relative_links(site).items()
            if GENERATED.match(page) or page == "index.html" for link in links]


def assert_links_name_files(links: list[str]) -> None:
    """Links to pages name each page's index.html, never its folder."""
    assert len([link for link in links if link.endswith("index.html")]) > 50
    assert [link for link in links if FOLDER.fullmatch(link) or link == ""] == []


def test_the_served_site_links_to_folders(example_site: Build) -> None:
    links = generated_page_links(example_site.site)
    assert len([link for link in links if link.endswith("/")]) > 50
    files = [link for link in links if re.search(r"\.[a-z0-9]+$", link)]  # style sheets, scripts, icons
    assert [link for link in links if link not in files and not FOLDER.fullmatch(link)] == []
    assert [link for link in files if link.endswith("index.html")] == []


def test_the_offline_build_links_to_files_and_every_link_lands_on_one(offline_site: Build,
                                                                      example_site: Build) -> None:
    assert_links_name_files(generated_page_links(offline_site.site))
    assert_every_link_names_a_file(offline_site.site)
    assert generated_pages(offline_site.site) == generated_pages(example_site.site)


def test_the_offline_settings_are_mkdocs_yml_with_the_offline_plugin() -> None:
    """mkdocs-offline.yml's list of plugins replaces mkdocs.yml's whole list: it must repeat it."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    served = load_config(str(REPOSITORY / "mkdocs.yml"))
    offline = load_config(str(REPOSITORY / OFFLINE_CONFIG))
    *plugins, hooks = served.plugins  # the hooks come after the plugins
    assert list(offline.plugins) == [*plugins, "material/offline", hooks]
    for name in plugins:
        assert dict(offline.plugins[name].config) == dict(served.plugins[name].config), name
    assert offline.extra["planportal"] == served.extra["planportal"]
    assert [url for url in offline.extra["polyfills"] if "iframe-worker" in url] == ["assets/iframe-worker/shim.js"]
    assert (THEME / offline.extra["polyfills"][0]).is_file()
    assert Path(offline.site_dir).name == "site-offline"


def without_directory_urls(project: Path) -> Path:
    """The project with MkDocs' `use_directory_urls: false`, and no offline plugin."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert text.count("use_directory_urls: true") == 1
    config.write_text(text.replace("use_directory_urls: true", "use_directory_urls: false"), encoding="utf-8")
    return project


def test_the_hooks_alone_build_without_directory_urls(tmp_path: Path, example_site: Build) -> None:
    project = without_directory_urls(make_project(tmp_path / "project", EXAMPLE_PLANS))
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    assert generated_pages(build.site) == generated_pages(example_site.site)
    assert_links_name_files(generated_page_links(build.site))
    assert_every_link_names_a_file(build.site)


@pytest.mark.parametrize("in_search", [False, True], ids=["pages-from-one", "every-page-by-mkdocs"])
def test_worker_processes_write_links_to_files_without_directory_urls(tmp_path: Path, in_search: bool) -> None:
    """From PARALLEL_FROM plans on, worker processes render the pages: the setting goes with
    each job, and into the page every client page is made from."""
    project = without_directory_urls(generated_project(tmp_path / "project", PARALLEL_FROM + 10))
    if in_search:  # MkDocs then renders every client page itself
        with_plan_text_searched(project)
    build = build_site(project, "--strict")
    assert build.returncode == 0, build.output
    links = generated_page_links(build.site)
    # each client page and its copy link to each other; the index and lists link to each client
    assert len([link for link in links if link.endswith("index.html")]) > 4 * PARALLEL_FROM
    assert_links_name_files(links)
    assert_every_link_names_a_file(build.site)


def test_make_and_the_ci_workflow_build_the_offline_site_and_ci_keeps_it() -> None:
    """The artifact staff download is the site that works from disk (the workflow an agency's
    repository gets from `planportal init --ci github`)."""
    command = f"planportal build --strict --config-file {OFFLINE_CONFIG} --site-dir site-offline"
    assert command in (REPOSITORY / "Makefile").read_text(encoding="utf-8")
    workflow = yaml.safe_load((STARTER / "github-workflow.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["site"]["steps"]
    assert any(step.get("run", "").strip() == command for step in steps)
    (upload,) = [step for step in steps if step.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["path"].rstrip("/") == "site-offline"


@pytest.mark.parametrize("dirty", [False, True], ids=["clean", "dirty"])
def test_the_offline_search_index_is_never_written_through_a_link(tmp_path: Path, dirty: bool) -> None:
    """The offline plugin writes search/search_index.js with a plain open(), after the hooks'
    last look for links: a link planted there before the build must be gone or refused."""
    project = make_project(tmp_path / "project", EXAMPLE_PLANS)
    shutil.copy(REPOSITORY / OFFLINE_CONFIG, project / OFFLINE_CONFIG)
    first = build_site(project, config=OFFLINE_CONFIG)
    assert first.returncode == 0, first.output
    outside = tmp_path / "outside.js"
    outside.write_text("not the site's", encoding="utf-8")
    index = first.site / "search" / "search_index.js"
    index.unlink()
    index.symlink_to(outside)

    build = build_site(project, *(["--dirty"] if dirty else []), config=OFFLINE_CONFIG)
    assert outside.read_text(encoding="utf-8") == "not the site's"
    assert "Traceback" not in build.output
    if dirty:
        assert build.returncode != 0 and "search/search_index.js" in build.output, build.output
    else:
        assert build.returncode == 0, build.output
        assert not index.is_symlink() and index.read_text(encoding="utf-8").startswith("var __index = ")
