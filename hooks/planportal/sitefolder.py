"""Rebuild the client pages over the last build's files instead of deleting and creating them.

MkDocs empties the site folder before every build. With a large caseload that means deleting
two files and two folders a client and creating them all again a moment later, which costs
more than writing the pages: on ext4 each new file's inode is searched for past the ones just
deleted, so a rebuild of 2,000 plans spent seconds in the kernel. MkDocs leaves hidden entries
of the site folder alone, so the client folder is hidden while MkDocs cleans, brought back,
written over, and whatever this build did not write is then deleted: the site ends exactly
as a clean build leaves it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

FOLDER = "clients"
#: The last build's client folder while MkDocs cleans the site (MkDocs skips hidden entries).
HIDDEN = ".planportal-clients"


class ClientFolder:
    """The site's `clients/` folder across one build: `set_aside()` before MkDocs cleans the
    site, `bring_back()` once the plans are known to publish, `finish()` after the build,
    `abandon()` if it fails."""

    def __init__(self, site: Path) -> None:
        self._folder = os.path.normpath(site / FOLDER)
        self._hidden = os.path.normpath(site / HIDDEN)
        self._brought_back = False

    def set_aside(self) -> None:
        """Hide the last build's client folder; where it cannot be, MkDocs deletes it as usual."""
        shutil.rmtree(self._hidden, ignore_errors=True)  # left by a build that was killed
        if os.path.isdir(self._folder) and not os.path.islink(self._folder):
            try:
                os.rename(self._folder, self._hidden)
            except OSError:
                pass

    def bring_back(self) -> None:
        """Put the last build's pages back to be written over; MkDocs has emptied the site."""
        if not os.path.isdir(self._hidden):
            return
        if os.path.lexists(self._folder):  # something else wrote there meanwhile: clean as MkDocs does
            shutil.rmtree(self._hidden)
        else:
            os.rename(self._hidden, self._folder)
            self._brought_back = True

    def finish(self, written: Iterable[str]) -> None:
        """Delete every file under `clients/` that this build did not write, and the folders
        left empty."""
        if self._brought_back and _remove_unwritten(self._folder, {os.path.normpath(p) for p in written}):
            os.rmdir(self._folder)
        self._brought_back = False

    def abandon(self) -> None:
        """A failed build keeps no client page of an earlier one."""
        shutil.rmtree(self._hidden, ignore_errors=True)
        if self._brought_back:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._brought_back = False


def _remove_unwritten(folder: str, written: set[str]) -> bool:
    """Delete what under `folder` is not in `written`; True when nothing is left in it."""
    left = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if _remove_unwritten(entry.path, written):
                    os.rmdir(entry.path)
                else:
                    left += 1
            elif entry.path in written:
                left += 1
            else:
                os.unlink(entry.path)
    return left == 0
