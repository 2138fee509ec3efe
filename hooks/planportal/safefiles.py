"""Write files below a folder so that no link planted there can send a write elsewhere.

The site folder and the plan folder are in a repository many people write to, and a
committed symbolic link is a file like any other. Every folder on the way to a file is
opened relative to the one before with O_NOFOLLOW, so a link anywhere below the root stops
the write with an error instead of being followed. A file is created only where nothing
stands at its name (O_EXCL), else written under a temporary name and renamed into place, so
neither a symbolic nor a hard link at the file's own name is written through (the rename
replaces the link, never its target).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class LinkRefused(OSError):
    """A symbolic link (or something that is not a folder) stands where a folder is needed."""

    def __str__(self) -> str:
        return f"{self.filename} is a link or not a folder; nothing is written through it"


def _open_root(root: Path) -> int:
    try:
        return os.open(root, _FOLDER)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise LinkRefused(error.errno, error.strerror, str(root)) from None
        raise


def _open_inside(fd: int, part: str, where: Path, *, create: bool) -> int:
    """A descriptor of the folder `part` in the folder `fd` (made first with `create`), never
    a link: `where` names it in the error."""
    if create:
        with contextlib.suppress(FileExistsError):
            os.mkdir(part, dir_fd=fd)
    try:
        return os.open(part, _FOLDER, dir_fd=fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            raise LinkRefused(error.errno, error.strerror, str(where)) from None
        raise


@contextlib.contextmanager
def _open_folder(root: Path, parts: tuple[str, ...], *, create: bool) -> Iterator[int]:
    """A descriptor of `root/parts...`, each folder opened without following a link."""
    fd = _open_root(root)
    try:
        where = root
        for part in parts:
            where = where / part
            inner = _open_inside(fd, part, where, create=create)
            os.close(fd)
            fd = inner
        yield fd
    finally:
        os.close(fd)


def _parts(relative: str) -> tuple[str, ...]:
    parts = PurePosixPath(relative).parts
    if not parts or any(part in ("", ".", "..") or "/" in part for part in parts) or parts[0] == "/":
        raise ValueError(f"not a plain relative path: {relative!r}")
    return parts


def write_file(root: Path, relative: str, content: str | bytes) -> None:
    """Write `root/relative` (folders made as needed, `root` too), replacing whatever stood at
    that name."""
    write_files(root, [(relative, content)])


def write_files(root: Path, files: Iterable[tuple[str, str | bytes]]) -> None:
    """Write each `(relative, content)` as `write_file` does, in order. The folders of one file
    that the next shares stay open for it: a client's page, its large-print copy and its
    history are written with their folders opened once, not once a file."""
    os.makedirs(root, exist_ok=True)
    opened = [(root, _open_root(root))]  # the folders on the way to the last file written
    try:
        for relative, content in files:
            *folders, name = _parts(relative)
            shared = 0
            while shared < min(len(folders), len(opened) - 1) and opened[shared + 1][0].name == folders[shared]:
                shared += 1
            for _, fd in opened[shared + 1:]:
                os.close(fd)
            del opened[shared + 1:]
            for part in folders[shared:]:
                where = opened[-1][0] / part
                opened.append((where, _open_inside(opened[-1][1], part, where, create=True)))
            _replace_file(opened[-1][1], name, content.encode("utf-8") if isinstance(content, str) else content)
    finally:
        for _, fd in opened:
            os.close(fd)


def _replace_file(folder: int, name: str, data: bytes) -> None:
    """Write `name` in the folder `folder`. Where nothing stands at that name (a fresh site),
    the file is created there at once: O_CREAT with O_EXCL never follows a link, not even a
    dangling one. Where something does, it is written under a temporary name and renamed
    into place, replacing whatever stood there (a link too) rather than writing through it."""
    try:
        fd = os.open(name, _NEW_FILE, 0o644, dir_fd=folder)
    except FileExistsError:
        pass
    else:
        _write_new(folder, name, fd, data)
        return
    partial = f".{name}.{os.getpid()}.partial"
    _write_new(folder, partial, os.open(partial, _NEW_FILE, 0o644, dir_fd=folder), data)
    try:
        os.replace(partial, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial, dir_fd=folder)
        raise


def _write_new(folder: int, name: str, fd: int, data: bytes) -> None:
    """Write all of `data` to the file `fd`, just created as `name`; removed again if that fails."""
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)
        raise


def read_file(root: Path, relative: str) -> str | None:
    """The text of `root/relative`, None when there is none; never read through a link."""
    *folders, name = _parts(relative)
    try:
        with _open_folder(root, tuple(folders), create=False) as folder:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=folder)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LinkRefused(error.errno, error.strerror, str(root / relative)) from None
        raise
    with os.fdopen(fd, encoding="utf-8") as handle:
        return handle.read()


def create_file(root: Path, relative: str, content: str) -> None:
    """Write a new file `root/relative` (folders made as needed, none followed if a link);
    FileExistsError if anything, a link included, has that name."""
    *folders, name = _parts(relative)
    with _open_folder(root, tuple(folders), create=True) as folder:
        fd = os.open(name, _NEW_FILE, 0o644, dir_fd=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)


def remove_tree(root: Path, relative: str) -> None:
    """Delete `root/relative` and what it holds, never what a link inside it points to."""
    *folders, name = _parts(relative)
    with contextlib.suppress(FileNotFoundError), _open_folder(root, tuple(folders), create=False) as folder:
        if stat.S_ISDIR(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
            shutil.rmtree(name, dir_fd=folder)
        else:
            os.unlink(name, dir_fd=folder)


def planted_links(root: Path, *, deep: bool) -> list[str]:
    """What in `root` a writer would follow out of it, as paths relative to it: symbolic links
    among its entries, and with `deep`, symbolic links and hard-linked files anywhere below.
    Hidden entries of `root` are left out: MkDocs neither cleans nor writes them."""
    found: list[str] = []

    def scan(folder: Path, relative: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                path = f"{relative}{entry.name}"
                if not relative and entry.name.startswith("."):
                    continue
                if entry.is_symlink():
                    found.append(path)
                elif entry.is_dir(follow_symlinks=False):
                    if deep:
                        scan(Path(entry.path), f"{path}/")
                elif deep and entry.stat(follow_symlinks=False).st_nlink > 1:
                    found.append(path)

    if root.is_dir() and not root.is_symlink():
        scan(root, "")
    return sorted(found)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_cwd, rename_exchange = -100, 2
    if renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), rename_exchange) == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EPERM):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(second))


def replace_folder(new: Path, current: Path) -> None:
    """Put folder `new` in the place of `current` and delete the old one: readers of `current`
    see the old folder or the new one, never a mix (one rename where the system can swap)."""
    if not os.path.lexists(current):
        os.rename(new, current)
        return
    if not _exchange(new, current):
        previous = current.with_name(f"{current.name}.previous")
        remove_path(previous)
        os.rename(current, previous)
        os.rename(new, current)
        new = previous
    remove_path(new)


def remove_path(path: Path) -> None:
    """Delete `path`: a link itself, never what it points to; a folder with all it holds."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
