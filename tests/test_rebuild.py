"""A rebuild writes the client pages over the last build's and ends as a clean build would.

MkDocs empties the site folder before each build; the hooks hide `site/clients/` from that,
write over its files and delete what the build did not write (see planportal.sitefolder).
These builds are real `mkdocs build` runs over the site the last one left.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import Build, build_site, files_under, make_project, valid_plan_text

from planportal.sitefolder import HIDDEN, ClientFolder

IDS = ("RB-first", "RB-second", "RB-third")


def project_of(folder: Path, ids: tuple[str, ...] = IDS) -> Path:
    project = make_project(folder)
    for client_id in ids:
        (project / "plans" / f"{client_id}.yaml").write_text(valid_plan_text(client_id), encoding="utf-8")
    return project


def built(project: Path) -> Build:
    build = build_site(project)
    assert build.returncode == 0, build.output
    return build


def test_a_rebuild_writes_over_the_client_pages_instead_of_creating_them_again(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project")
    first = built(project)
    page = first.site / "clients" / "RB-first" / "index.html"
    copy = first.site / "clients" / "RB-first" / "large-print" / "index.html"
    inodes = (page.stat().st_ino, copy.stat().st_ino)
    plan = project / "plans" / "RB-first.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("enjoy my hobbies", "paint and garden"),
                    encoding="utf-8")

    built(project)
    assert (page.stat().st_ino, copy.stat().st_ino) == inodes
    for html in (page, copy):
        assert "paint and garden" in html.read_text(encoding="utf-8")
        assert "enjoy my hobbies" not in html.read_text(encoding="utf-8")


def test_a_rebuild_ends_with_exactly_the_files_of_a_clean_build(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project")
    site = built(project).site
    (project / "plans" / "RB-second.yaml").unlink()  # a plan that leaves the caseload
    (site / "clients" / "RB-first" / "notes.html").write_text("stale", encoding="utf-8")
    (site / "clients" / "RB-ghost" / "large-print").mkdir(parents=True)
    (site / "clients" / "RB-ghost" / "large-print" / "index.html").write_text("stale", encoding="utf-8")
    os.symlink(site / "clients" / "RB-first", site / "clients" / "RB-link")

    rebuilt = built(project)
    clean = build_site(project_of(tmp_path / "fresh", ("RB-first", "RB-third")))
    assert files_under(rebuilt.site / "clients") == files_under(clean.site / "clients")
    assert sorted(path.name for path in (rebuilt.site / "clients").iterdir()) == ["RB-first", "RB-third"]
    assert not (rebuilt.site / HIDDEN).exists()


def test_a_failed_rebuild_keeps_no_client_page_of_the_last_build(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project")
    site = built(project).site
    plan = project / "plans" / "RB-third.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: active", "status: finished"),
                    encoding="utf-8")

    failed = build_site(project)
    assert failed.returncode != 0
    assert "PP002" in failed.output
    assert not (site / "clients").exists()
    assert not (site / HIDDEN).exists()


def test_a_rebuild_removes_what_a_killed_build_left_hidden(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project", IDS[:1])
    site = built(project).site
    left = site / HIDDEN / "RB-old" / "index.html"
    left.parent.mkdir(parents=True)
    left.write_text("a plan page from a build that was killed", encoding="utf-8")

    built(project)
    assert not (site / HIDDEN).exists()
    assert sorted(path.name for path in (site / "clients").iterdir()) == ["RB-first"]


def test_with_nothing_written_the_client_folder_goes_and_without_a_last_build_nothing_moves(tmp_path: Path) -> None:
    site = tmp_path / "site"
    folder = ClientFolder(site)
    folder.set_aside()  # no site yet: a first build
    folder.bring_back()
    assert not site.exists()

    (site / "clients" / "A").mkdir(parents=True)
    (site / "clients" / "A" / "index.html").write_text("old", encoding="utf-8")
    folder = ClientFolder(site)
    folder.set_aside()
    assert [path.name for path in site.iterdir()] == [HIDDEN]
    folder.bring_back()
    folder.finish([])
    assert list(site.iterdir()) == []
