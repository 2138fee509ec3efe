"""`planportal init` and the repositories it makes, attacked: odd targets, planted links and
special files, and the settings an agency may write. Each case ends in a clear message or a
right site, never a traceback, and nothing outside the repository is read or written."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import RunCli, build_site

from planportal.check import SCHEMA_PATH
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
