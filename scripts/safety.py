"""No lost data: where a build may write, one build at a time, a swap with no moment without a
site, and cache files that are whole or rebuilt.

`--out docs` once replaced the sources with the built site and `--out .` deleted the
checkout; two builds at once left no `site/`; a build killed while writing a cache file
left a truncated card that was published. Each of those has one guard here:

- `check_out_dir`: the output folder is never the checkout, an ancestor of it, a source
  folder, or a non-empty folder that a build did not write (`mark_output`'s marker).
- `build_lock`: a second build in the same checkout waits, then stops with a message.
- `publish`: the output is a symbolic link to a versioned folder beside it, replaced by
  one `os.replace`, so a reader always finds a whole site.
- `atomic_write_bytes`, `atomic_copy`, `read_cached`: cache entries are written aside and
  renamed, and an entry that does not verify is treated as missing.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import shutil
import struct
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import BuildError, Problem

MARKER = ".ipbes-site"
MARKER_TEXT = "This folder was written by ipbes-site build; a later build may replace it.\n"
SOURCE_NAMES = ("docs", "data", "brand", "overrides", "locales", ".git", "mkdocs.yml", "pyproject.toml")
# Written by the build before the marker existed; recognised once, to migrate an old site/.
LEGACY_OUTPUT_FILES = ("_headers", "index.html", "404.html", "robots.txt", "sitemap.xml")
LOCK_FILE = Path(".build") / "build.lock"
LOCK_TIMEOUT_SECONDS = 600.0
LOCK_POLL_SECONDS = 0.1
VERSIONS_KEPT = 2  # the published version and the one before it


def _problem(path: Path, message: str) -> BuildError:
    return BuildError([Problem(Path(path), None, message)])


def _absolute(path: Path) -> Path:
    """The path with its folders resolved but not its last part (which may be our symlink)."""
    path = Path(os.path.abspath(path))
    return path.parent.resolve() / path.name if path.name else path


def is_previous_output(folder: Path) -> bool:
    folder = Path(folder)
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return marker.read_text(encoding="utf-8", errors="replace") == MARKER_TEXT
    return all((folder / name).is_file() for name in LEGACY_OUTPUT_FILES) and not _sources_in(folder)


def _sources_in(folder: Path) -> list[str]:
    return [name for name in SOURCE_NAMES if os.path.lexists(Path(folder) / name)]


def mark_output(folder: Path) -> None:
    """Marks `folder` as written by a build (call on the staging folder before `publish`)."""
    atomic_write_bytes(Path(folder) / MARKER, MARKER_TEXT.encode("utf-8"))


def check_out_dir(root: Path, out: Path) -> None:
    """Raises BuildError unless `out` is a safe place to publish the site built from `root`."""
    root = Path(root).resolve()
    target = _absolute(out)
    fix = "; choose an empty folder or the default site/"
    if target == root:
        raise _problem(out, "the output folder is the repository itself; the build would replace the sources" + fix)
    if root.is_relative_to(target):
        raise _problem(out, f"the output folder holds the repository ({root}); the build would replace it" + fix)
    for name in SOURCE_NAMES:
        if target.is_relative_to(root / name):
            raise _problem(out, f"the output folder is inside the sources ({name}/)" + fix)
    for ancestor in target.parents:
        if ancestor.name in SOURCE_NAMES[:5] and (ancestor.parent / "mkdocs.yml").exists():
            raise _problem(out, f"the output folder is inside the sources of another project ({ancestor})" + fix)
    if target.is_symlink():
        if not target.resolve().is_dir() or not is_previous_output(target.resolve()):
            raise _problem(out, "the output is a symbolic link to a folder that no build wrote" + fix)
        return
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise _problem(out, "the output exists and is not a folder" + fix)
    found = _sources_in(target)
    if found:
        raise _problem(out, f"the output folder holds sources ({', '.join(found)})" + fix)
    if any(target.iterdir()) and not is_previous_output(target):
        raise _problem(out, f"the output folder is not empty and was not written by a build (no {MARKER} file)" + fix)


@contextlib.contextmanager
def build_lock(root: Path, timeout: float = LOCK_TIMEOUT_SECONDS, report: Callable[[str], None] = print) -> Iterator[None]:
    """Holds the checkout's build lock; a second build waits up to `timeout` seconds, then
    stops with a message. The lock is the kernel's (flock): it goes with the process, so a
    killed build leaves nothing to clean up."""
    path = Path(root) / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            if time.monotonic() >= deadline:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise _problem(path, f"another build is running in this folder ({holder}) and did not finish within "
                                     f"{timeout:g} s; wait for it to end, or stop it, then build again")
            if not told:
                report("Another build is running in this folder; waiting for it to finish...")
                told = True
            time.sleep(LOCK_POLL_SECONDS)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        yield
    finally:
        handle.close()


VERSION_NAME = re.compile(r"^\.(?P<name>.+)-(?P<n>\d+)$")


def _versions(out: Path) -> list[tuple[int, Path]]:
    found = []
    for entry in out.parent.iterdir():
        match = VERSION_NAME.match(entry.name)
        if match and match.group("name") == out.name and entry.is_dir() and not entry.is_symlink():
            found.append((int(match.group("n")), entry))
    return sorted(found)


def _exchange(a: Path, b: Path) -> bool:
    """Swaps two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    return False


def publish(staging: Path, out: Path, prune: bool = True) -> Path:
    """Publishes `staging` (beside `out`, on the same file system) as `out`: `out` becomes a
    symbolic link to `.<name>-<n>`, replaced by one rename, so there is no moment without
    a site. A real folder `out` from before this scheme becomes the previous version (in
    one step where the kernel can exchange two paths). Versions older than the previous one
    are removed (with `prune`; else `prune_versions` does it later), and only folders a build
    wrote are ever removed. Returns the new version."""
    staging, out = _absolute(staging), _absolute(out)
    if staging.parent != out.parent:
        raise _problem(staging, f"the staging folder must be beside the output ({out.parent}) so the swap is one rename")
    migrating = out.is_dir() and not out.is_symlink()
    if os.path.lexists(out) and not out.is_symlink() and not migrating:
        raise _problem(out, "the output exists and is not a folder; move it away")
    if migrating and not is_previous_output(out):
        raise _problem(out, f"the output folder was not written by a build (no {MARKER} file); "
                            "move it away, or choose another output folder")
    versions = _versions(out)
    number = (versions[-1][0] if versions else 0) + 1
    migrated = out.parent / f".{out.name}-{number}"
    if migrating:
        number += 1
    version = out.parent / f".{out.name}-{number}"
    mark_output(staging)
    os.rename(staging, version)
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(version.name, link)
    if not migrating:
        os.replace(link, out)
    elif _exchange(link, out):
        os.rename(link, migrated)  # `link` now names the old folder
    else:
        os.rename(out, migrated)
        os.replace(link, out)
    if migrating:
        mark_output(migrated)
    if prune:
        prune_versions(out)
    return version


def prune_versions(out: Path, kept: int = VERSIONS_KEPT) -> None:
    """Removes the published versions of `out` older than the newest `kept`, and only
    folders a build wrote. A build calls it at its start, beside its other work, rather than
    after its swap: removing a large site's files takes seconds the reader gains nothing from."""
    out = _absolute(out)
    if not out.parent.is_dir():  # a first build into a new folder
        return
    for _, old in _versions(out)[:-kept]:
        if is_previous_output(old):
            shutil.rmtree(old, ignore_errors=True)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Writes `data` to `path` so that `path` is always either the old or the whole new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(path.parent)
    return path


def atomic_copy(source: Path, target: Path) -> Path:
    """Copies `source` to `target` the way `atomic_write_bytes` writes."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream, open(source, "rb") as reader:
            shutil.copyfileobj(reader, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_folder(target.parent)
    return target


def read_cached(path: Path, verify: Callable[[bytes], bool]) -> bytes | None:
    """The cache entry at `path` if it verifies, else None (and a bad entry is removed, so
    the caller rebuilds it)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    try:
        good = bool(verify(data))
    except Exception:
        good = False
    if good:
        return data
    with contextlib.suppress(OSError):
        path.unlink()
    return None


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def png_ok(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE) and data.endswith(PNG_END)


def pdf_ok(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def json_ok(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def webp_ok(data: bytes) -> bool:
    return (len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP"
            and struct.unpack("<I", data[4:8])[0] + 8 == len(data))


def bmff_ok(data: bytes) -> bool:
    """An ISO media file (AVIF): an `ftyp` box first, and top-level boxes that add up to its length."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return False
    position = 0
    while position < len(data):
        if position + 8 > len(data):
            return False
        size = struct.unpack(">I", data[position:position + 4])[0]
        if size == 1:
            if position + 16 > len(data):
                return False
            size = struct.unpack(">Q", data[position + 8:position + 16])[0]
        elif size == 0:
            return True
        if size < 8:
            return False
        position += size
    return position == len(data)


VERIFIERS = {".png": png_ok, ".pdf": pdf_ok, ".json": json_ok, ".webp": webp_ok, ".avif": bmff_ok}


def verify_by_suffix(path: Path) -> Callable[[bytes], bool]:
    return VERIFIERS.get(Path(path).suffix.lower(), lambda data: len(data) > 0)
