"""An agency's plans repository: what `planportal init` writes, and its copy of the schema.

The repository holds what is the agency's own: its plans, its settings and its pages. The
hooks, the theme's changes, the pages' templates and the Help pages come with the installed
package, so upgrading the package upgrades them. The one thing copied is the schema, at
`schema/plan.schema.json`, which the plans' modelines point editors at: every build compares it
with the installed one, and `planportal init --refresh-schema` brings it up to date.
"""

from __future__ import annotations

import errno
import json
import os
from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

from .plan import SCHEMA_PATH
from .safefiles import create_file, write_file

#: The copy of the schema, relative to the repository (beside mkdocs.yml).
SCHEMA_COPY = "schema/plan.schema.json"
#: Where each CI host reads its workflow, and the file of `starter/` that holds it.
CI_HOSTS = {"github": (".github/workflows/site.yml", "github-workflow.yml"),
            "gitlab": (".gitlab-ci.yml", "gitlab-ci.yml")}
#: The refresh command, as the messages name it.
REFRESH = "planportal init --refresh-schema"
STARTER = Path(__file__).parent / "starter"
_EXAMPLE_ID = "EXAMPLE-0001"


def package_version() -> str:
    return version("planportal")


def starter_files(*, agency: str, ci: str | None, today: date) -> dict[str, str]:
    """Each file of a new repository by its path in it. `agency` must be one printable line."""
    import jinja2  # here, not at the top: `planportal validate` starts without the template engine

    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(STARTER), autoescape=False,
                                   keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    ci_file, ci_template = CI_HOSTS[ci] if ci else (None, None)
    values = {"version": package_version(),
              # a YAML double-quoted scalar: JSON's escapes are YAML's
              "agency": json.dumps(agency, ensure_ascii=False),
              "today": today.isoformat(), "first_target": (today + timedelta(days=30)).isoformat(),
              "ci": f"`{ci_file}`" if ci_file else ""}

    def rendered(name: str) -> str:
        return templates.get_template(name).render(values)

    files = {
        "README.md": rendered("README.md"),
        "mkdocs.yml": rendered("mkdocs.yml"),
        "mkdocs-offline.yml": (STARTER / "mkdocs-offline.yml").read_text(encoding="utf-8"),
        "hooks/portal.py": (STARTER / "portal.py").read_text(encoding="utf-8"),
        f"plans/{_EXAMPLE_ID}.yaml": rendered("example-plan.yaml"),
        SCHEMA_COPY: SCHEMA_PATH.read_text(encoding="utf-8"),
        "docs/.gitkeep": "",  # MkDocs needs the folder; the agency's own pages go there
        "requirements.txt": rendered("requirements.txt"),
        ".pre-commit-config.yaml": rendered("pre-commit-config.yaml"),
        ".gitignore": (STARTER / "gitignore").read_text(encoding="utf-8"),
    }
    if ci_file and ci_template:
        files[ci_file] = (STARTER / ci_template).read_text(encoding="utf-8")
    return files


def write_repository(folder: Path, files: dict[str, str]) -> None:
    """Write `files` into `folder`, which must not yet exist, or be empty but for git's own
    `.git` (an empty repository just cloned); FileExistsError otherwise. No file is written
    over another or through a link."""
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(
            entry.name != ".git" or entry.is_symlink() for entry in folder.iterdir()))):
        raise FileExistsError(folder)
    os.makedirs(folder, exist_ok=True)
    for path, text in files.items():
        create_file(folder, path, text)


def refresh_schema(folder: Path) -> bool:
    """Bring `folder`'s copy of the schema up to date; whether it changed. A link at the copy's
    place, or at the schema folder's, is replaced or refused, never written through; a folder
    there is the agency's to remove (IsADirectoryError)."""
    if stale_schema(folder) is None:
        return False
    copy = folder / SCHEMA_COPY
    if copy.is_dir() and not copy.is_symlink():
        raise IsADirectoryError(errno.EISDIR, "is a folder; move it away and run again", str(copy))
    write_file(folder, SCHEMA_COPY, SCHEMA_PATH.read_bytes())
    return True


def stale_schema(folder: Path) -> str | None:
    """Why `folder`'s copy of the schema is not the installed one, None when it is. Editors
    check and complete plans against the copy; the build always uses the installed schema."""
    installed = SCHEMA_PATH.read_bytes()
    copy = folder / SCHEMA_COPY
    if not copy.is_file():  # missing, a folder, or a special file never read (a pipe would block)
        return (f"{SCHEMA_COPY} is missing or not a file: editors cannot check or complete plans against it. "
                f"Run `{REFRESH}` in the folder of mkdocs.yml and commit the file.")
    if copy.stat().st_size != len(installed) or copy.read_bytes() != installed:
        return (f"{SCHEMA_COPY} is not the schema of the installed Plan Portal {package_version()}: editors "
                "check and complete plans against another version of the format (the build uses the installed "
                f"one). Run `{REFRESH}` in the folder of mkdocs.yml and commit the change.")
    return None
