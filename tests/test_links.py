"""Nothing Plan Portal writes follows a link planted in the site folder or the plan folder.

The repository is written by many people and a symbolic link is committed like any file; a
hard link can be made by anyone who can write the site folder. Each test plants one, runs the
real command, and checks that nothing outside the site folder changed and that every client
was either published as a real file or the command stopped with a message naming the link.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PLANPORTAL, Build, build_site, files_under, make_project, valid_plan_text

from planportal.safefiles import LinkRefused, replace_folder, write_file, write_files

IDS = ("LN-first", "LN-second")


def project_of(folder: Path, ids: tuple[str, ...] = IDS) -> Path:
    project = make_project(folder)
    for client_id in ids:
        (project / "plans" / f"{client_id}.yaml").write_text(valid_plan_text(client_id), encoding="utf-8")
    return project


def outside_of(tmp_path: Path) -> Path:
    """A folder next to the project that no build may touch, with a page and a sub-folder."""
    outside = tmp_path / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "index.html").write_text("not the site's", encoding="utf-8")
    (outside / "inner" / "index.html").write_text("not the site's either", encoding="utf-8")
    return outside


def plant(site: Path, place: str, kind: str, outside: Path) -> None:
    """Put a link of `kind` at `site/place`, to the outside folder or to a file in it."""
    link = site / place
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    else:
        link.unlink(missing_ok=True)
    link.parent.mkdir(parents=True, exist_ok=True)
    target = outside / "index.html" if place.endswith(".html") else outside
    if kind == "hard":
        os.link(target, link)
    elif kind == "relative":
        link.symlink_to(os.path.relpath(target, link.parent))
    else:
        link.symlink_to(target)


def assert_published_or_refused(build: Build, place: str) -> None:
    assert "Traceback" not in build.output, build.output
    if build.returncode != 0:
        assert "link" in build.output and place.split("/")[0] in build.output, build.output
        return
    for client_id in IDS:
        for page in (f"clients/{client_id}/index.html", f"clients/{client_id}/large-print/index.html"):
            path = build.site / page
            assert not any(p.is_symlink() for p in [path, *path.parents][: page.count("/") + 1]), page
            assert path.stat().st_nlink == 1, page
            assert client_id in path.read_text(encoding="utf-8"), page


PLACES = ["clients", "clients/LN-first", "clients/LN-first/index.html",
          "clients/LN-first/large-print", "clients/LN-first/large-print/index.html",
          "assets", ".planportal-clients", "index.html"]


#: Every place with every kind of link that can stand there (folders cannot be hard-linked).
PLANTED = [(place, kind) for place in PLACES for kind in ("relative", "absolute", "hard")
           if kind != "hard" or place.endswith(".html")]


@pytest.mark.parametrize("dirty", [False, True], ids=["clean", "dirty"])
@pytest.mark.parametrize(("place", "kind"), PLANTED)
def test_a_link_in_the_site_folder_is_never_written_through(tmp_path: Path, place: str, kind: str,
                                                           dirty: bool) -> None:
    project = project_of(tmp_path / "project")
    first = build_site(project)
    assert first.returncode == 0, first.output
    outside = outside_of(tmp_path)
    before, plans = files_under(outside), files_under(project / "plans")
    plant(first.site, place, kind, outside)

    build = build_site(project, *(["--dirty"] if dirty else []))
    assert files_under(outside) == before
    assert files_under(project / "plans") == plans
    assert_published_or_refused(build, place)
    if place in ("clients", "assets"):  # MkDocs' cleaning would leave these and write through them
        assert build.returncode != 0


@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_a_site_folder_that_is_a_link_stops_the_build_before_anything_is_deleted(tmp_path: Path,
                                                                               kind: str) -> None:
    project = project_of(tmp_path / "project")
    outside = outside_of(tmp_path)
    before = files_under(outside)
    site = project / "site"
    site.symlink_to(os.path.relpath(outside, project) if kind == "relative" else outside)

    build = build_site(project)
    assert build.returncode != 0
    assert "site/ is a symbolic link" in build.output, build.output
    assert "Traceback" not in build.output
    assert files_under(outside) == before


def test_a_rebuild_ends_with_exactly_the_files_of_a_clean_build(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project")
    site = build_site(project).site
    (project / "plans" / "LN-second.yaml").unlink()  # a plan that leaves the caseload
    (site / "clients" / "LN-first" / "notes.html").write_text("stale", encoding="utf-8")
    (site / "clients" / "LN-ghost").mkdir()
    os.symlink(site / "clients" / "LN-first", site / "clients" / "LN-link")

    rebuilt = build_site(project)
    assert rebuilt.returncode == 0, rebuilt.output
    clean = build_site(project_of(tmp_path / "fresh", IDS[:1]))
    assert files_under(rebuilt.site / "clients") == files_under(clean.site / "clients")
    assert sorted(path.name for path in (rebuilt.site / "clients").iterdir()) == ["LN-first"]


# --- planportal build: a failed build keeps the last good site -------------------------------

def planportal_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PLANPORTAL_AS_OF": "2026-11-20"}
    return subprocess.run([str(PLANPORTAL), "build", *args], cwd=project, capture_output=True, text=True,
                          env=environment, timeout=600)


def test_a_failed_build_keeps_the_last_good_site_in_place(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project")
    good = planportal_build(project, "--strict")
    assert good.returncode == 0, good.stderr
    site = project / "site"
    last_good = files_under(site)
    assert "clients/LN-second/index.html" in last_good
    plan = project / "plans" / "LN-second.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: active", "status: finished"),
                    encoding="utf-8")

    failed = planportal_build(project, "--strict")
    assert failed.returncode == 1
    assert "PP002" in failed.stdout + failed.stderr
    assert "site still holds the last good site" in failed.stderr
    assert files_under(site) == last_good
    assert sorted(path.name for path in project.iterdir() if path.name.startswith("site")) == ["site"]


def test_a_good_build_replaces_the_site_whole(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project")
    assert planportal_build(project).returncode == 0
    (project / "plans" / "LN-second.yaml").unlink()
    (project / "site.building").mkdir()  # left by a build that was stopped
    (project / "site.building" / "stale.html").write_text("stale", encoding="utf-8")

    rebuilt = planportal_build(project)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert sorted((project / "site" / "clients").iterdir()) == [project / "site" / "clients" / "LN-first"]
    assert sorted(path.name for path in project.iterdir() if path.name.startswith("site")) == ["site"]


def test_planportal_build_refuses_a_site_folder_that_is_a_link(tmp_path: Path) -> None:
    project = project_of(tmp_path / "project")
    outside = outside_of(tmp_path)
    before = files_under(outside)
    (project / "site").symlink_to(outside)

    refused = planportal_build(project)
    assert refused.returncode == 2
    assert "is a symbolic link" in refused.stderr
    assert files_under(outside) == before
    assert (project / "site").is_symlink()


def test_replace_folder_swaps_in_the_new_folder_and_deletes_the_old(tmp_path: Path) -> None:
    new, current = tmp_path / "new", tmp_path / "current"
    new.mkdir()
    (new / "page.html").write_text("new", encoding="utf-8")
    replace_folder(new, current)  # no site yet
    assert (current / "page.html").read_text(encoding="utf-8") == "new"

    new.mkdir()
    (new / "page.html").write_text("newer", encoding="utf-8")
    replace_folder(new, current)
    assert (current / "page.html").read_text(encoding="utf-8") == "newer"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["current"]


# --- the writer itself, and the other commands that write -----------------------------------

@pytest.mark.parametrize("place", ["a", "a/b"])
def test_the_writer_refuses_a_link_on_the_way(tmp_path: Path, place: str) -> None:
    root, outside = tmp_path / "root", outside_of(tmp_path)
    (root / place).parent.mkdir(parents=True, exist_ok=True)
    (root / place).symlink_to(outside)
    with pytest.raises(LinkRefused):
        write_file(root, "a/b/index.html", "written")
    assert (outside / "index.html").read_text(encoding="utf-8") == "not the site's"
    assert not (outside / "b").exists()


def test_the_writer_of_many_files_opens_each_files_own_folders(tmp_path: Path) -> None:
    """Folders one file shares with the next stay open for it: each file still lands in its
    own folder, whatever the one before it held, and a link on the way of a later file stops it."""
    root, outside = tmp_path / "root", outside_of(tmp_path)
    written = [("a/b/index.html", "1"), ("a/b/c/index.html", "2"), ("a/b/c/d/index.html", "3"),
               ("a/e/index.html", "4"), ("index.html", "5"), ("a/b/c/index.html", "6"), ("f/b/index.html", "7")]
    write_files(root, written)
    assert files_under(root) == {"a/b/index.html": b"1", "a/b/c/index.html": b"6", "a/b/c/d/index.html": b"3",
                                 "a/e/index.html": b"4", "index.html": b"5", "f/b/index.html": b"7"}
    (root / "g").symlink_to(outside)
    with pytest.raises(LinkRefused):
        write_files(root, [("a/h/index.html", "8"), ("g/index.html", "9")])
    assert (root / "a/h/index.html").read_text(encoding="utf-8") == "8"
    assert (outside / "index.html").read_text(encoding="utf-8") == "not the site's"


@pytest.mark.parametrize("kind", ["absolute", "hard", "dangling"])
def test_the_writer_replaces_a_link_at_the_file_name_instead_of_writing_through_it(tmp_path: Path,
                                                                                  kind: str) -> None:
    root, outside = tmp_path / "root", outside_of(tmp_path)
    root.mkdir()
    if kind == "dangling":  # a link to nothing: creating the file through it would make one outside
        os.symlink(outside / "new.html", root / "index.html")
    else:
        (os.link if kind == "hard" else os.symlink)(outside / "index.html", root / "index.html")
    write_file(root, "index.html", "written")
    assert (root / "index.html").read_text(encoding="utf-8") == "written"
    assert not (root / "index.html").is_symlink()
    assert (outside / "index.html").read_text(encoding="utf-8") == "not the site's"
    assert not (outside / "new.html").exists()
    assert [path.name for path in root.iterdir()] == ["index.html"]  # no partial file left


@pytest.mark.parametrize("planted", ["file-link", "dangling-link", "hard-link", "folder-link", "link-on-the-way"])
def test_planportal_new_never_writes_through_a_link_or_over_a_file(tmp_path: Path, planted: str) -> None:
    outside = outside_of(tmp_path)
    before = files_under(outside)
    project = tmp_path / "project"
    (project / "plans").mkdir(parents=True)
    target = project / "plans" / "NEW-1.yaml"
    if planted == "file-link":
        target.symlink_to(outside / "index.html")
    elif planted == "dangling-link":
        target.symlink_to(outside / "made-by-new.yaml")
    elif planted == "hard-link":
        os.link(outside / "index.html", target)
    elif planted == "folder-link":
        shutil.rmtree(project / "plans")
        (project / "plans").symlink_to(outside)
    else:
        (project / "plans" / "linked").symlink_to(outside)
    where = ["--dir", "plans/linked/deeper"] if planted == "link-on-the-way" else []

    result = subprocess.run([str(PLANPORTAL), "new", "NEW-1", *where], cwd=project, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert files_under(outside) == before
    assert not (outside / "made-by-new.yaml").exists()
    assert not (outside / "NEW-1.yaml").exists()
    assert not (outside / "deeper").exists()


@pytest.mark.parametrize("planted", ["link", "dangling-link", "file"])
def test_planportal_pdf_refuses_an_output_folder_that_is_a_link(tmp_path: Path, example_site: Build,
                                                                planted: str) -> None:
    outside = outside_of(tmp_path)
    before = files_under(outside)
    if planted == "file":
        (tmp_path / "pdf").write_text("not a folder", encoding="utf-8")
    else:
        (tmp_path / "pdf").symlink_to(outside if planted == "link" else outside / "nowhere")
    result = subprocess.run([str(PLANPORTAL), "pdf", "CVCOA-0042", "--site", str(example_site.site)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stdout
    assert "is a link or a file, not a folder" in result.stderr and "Traceback" not in result.stderr
    assert files_under(outside) == before
    assert not (outside / "nowhere").exists()


@pytest.mark.parametrize("target", ["outside", "inside"])
def test_a_plan_folder_that_is_a_link_is_reported_not_followed(tmp_path: Path, target: str) -> None:
    project = project_of(tmp_path / "project")
    real = tmp_path / "outside" if target == "outside" else project / "real-plans"
    shutil.move(project / "plans", real)
    (project / "plans").symlink_to(real)

    build = build_site(project)
    assert build.returncode != 0
    assert "plans:1:1: error PP001" in build.output and "Traceback" not in build.output
    assert not (build.site / "clients").exists()
