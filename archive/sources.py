"""Find saved pages in files, folders, zip archives, MHTML files and WARC crawls.

Every page comes out as a SourceDoc; every file that should have held a page but
could not be read comes out as a SourceError, so a run reports it and goes on.
Other files (images, CSS, scripts) are passed over silently.
"""
from __future__ import annotations

import io
import itertools
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.mhtml import MhtmlError, read_mhtml
from archive.records import SourceDoc, SourceError

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".php", ".asp", ".aspx", ".jsp")
MHTML_SUFFIXES = (".mht", ".mhtml")
TEXT_SUFFIXES = (".txt",)
ZIP_SUFFIXES = (".zip",)
WARC_SUFFIXES = (".warc", ".warc.gz")
# "Save page, complete" puts images, frames and ads beside the page in "<page>_files/".
ASSET_FOLDER_SUFFIXES = ("_files", ".files", "-dateien")

MB = 1024 * 1024
MAX_FILE_BYTES = 64 * MB  # a single page, MHTML or text file
MAX_MEMBER_BYTES = 64 * MB  # one file inside a zip, uncompressed
MAX_ZIP_TOTAL = 1024 * MB  # everything read out of one uploaded or top-level zip
MAX_ZIP_MEMBERS = 100_000
MAX_ZIP_DEPTH = 3  # zips inside a zip, at most this many levels down
MAX_RECORD_BYTES = 64 * MB  # one WARC payload

Item = SourceDoc | SourceError

_SAVED_FROM = re.compile(rb"<!--\s*saved from url=\((\d+)\)([^\s>]+)", re.I)
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([^\s;\"']+)", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class _ZipBudget:
    """Uncompressed bytes still allowed out of one zip, nested zips included (zip bomb guard)."""

    remaining: int = field(default_factory=lambda: MAX_ZIP_TOTAL)


def iter_sources(paths: list[str]) -> Iterator[Item]:
    """Pages in the given files and folders (folders recursively, in name order)."""
    for found in find_files(paths):
        yield from ([found] if isinstance(found, SourceError) else pages_in_file(found))


def find_files(paths: list[str]) -> Iterator[str | SourceError]:
    """The readable files among the paths and under the folders, in name order."""
    for path in paths:
        if os.path.isdir(path):
            yield from _walk(path)
        elif os.path.isfile(path):
            yield path if _kind_of(path) else SourceError(path, _unsupported(path))
        else:
            yield SourceError(path, "no such file or folder")


def iter_upload(name: str, data: bytes) -> Iterator[Item]:
    """Pages in an uploaded file; name is the browser's file name, used only to choose a reader."""
    base = _safe_name(name)
    if _kind_of(base) is None:
        yield SourceError(base, _unsupported(base))
        return
    yield from _from_bytes(base, base, data, _ZipBudget(), 0)


def _kind_of(name: str) -> str | None:
    """Which reader a file name calls for: page, mhtml, text, zip, warc, or None."""
    lower = name.lower()
    for kind, suffixes in (("warc", WARC_SUFFIXES), ("page", PAGE_SUFFIXES), ("mhtml", MHTML_SUFFIXES),
                           ("text", TEXT_SUFFIXES), ("zip", ZIP_SUFFIXES)):
        if lower.endswith(suffixes):
            return kind
    return None


def _unsupported(name: str) -> str:
    return (f"not a supported file type: {PurePosixPath(name).name} (expected a saved web page "
            ".html/.htm, .mht/.mhtml, .txt, .zip or .warc/.warc.gz)")


def _safe_name(name: str) -> str:
    """The last component of an untrusted file name, without control characters."""
    base = re.sub(r"[\x00-\x1f]", "", name.replace("\\", "/")).rsplit("/", 1)[-1].strip()
    return base or "upload"


def _hidden(name: str) -> bool:
    """Dotfiles and macOS zip litter; ".." is not hidden, it is refused as an unsafe path."""
    return (name.startswith(".") and name not in (".", "..")) or name == "__MACOSX"


def _asset_folder(name: str, page_stems: set[str]) -> bool:
    """Whether a folder holds the assets of a saved page next to it ("report_files" beside "report.html")."""
    lower = name.lower()
    return any(lower.endswith(s) and lower[: -len(s)] in page_stems for s in ASSET_FOLDER_SUFFIXES)


def _page_stems(names: list[str]) -> set[str]:
    return {n.lower().rsplit(".", 1)[0] for n in names if _kind_of(n) in ("page", "mhtml")}


def _walk(folder: str) -> Iterator[str | SourceError]:
    """File paths under a folder in name order, skipping hidden files and saved-page asset folders."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        yield SourceError(folder, f"cannot open the folder: {err.strerror}")
        return
    stems = _page_stems([e.name for e in entries if not e.is_dir()])
    for entry in entries:
        if _hidden(entry.name):
            continue
        # Symlinked folders are not followed: they can loop.
        if entry.is_dir(follow_symlinks=False):
            if not _asset_folder(entry.name, stems):
                yield from _walk(entry.path)
        elif entry.is_file() and _kind_of(entry.name):
            yield entry.path


def pages_in_file(path: str) -> Iterator[Item]:
    """Pages in one file on disk; zip and WARC files are streamed, not loaded whole."""
    kind = _kind_of(path)
    try:
        if kind in ("zip", "warc"):
            with open(path, "rb") as stream:
                if kind == "zip":
                    yield from _from_zip(path, stream, _ZipBudget(), 0)
                else:
                    yield from _from_warc(path, stream)
            return
        if os.path.getsize(path) > MAX_FILE_BYTES:
            yield SourceError(path, f"file larger than {MAX_FILE_BYTES // MB} MB; not read as a page")
            return
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError as err:
        yield SourceError(path, f"cannot read the file: {err.strerror or err}")
        return
    yield from _from_bytes(path, path, data, _ZipBudget(), 0)


def _from_bytes(path: str, name: str, data: bytes, budget: _ZipBudget, depth: int) -> Iterator[Item]:
    """Pages in bytes already in memory, chosen by the file name."""
    kind = _kind_of(name)
    if kind == "zip":
        yield from _from_zip(path, io.BytesIO(data), budget, depth)
    elif kind == "warc":
        yield from _from_warc(path, io.BytesIO(data))
    elif len(data) > MAX_FILE_BYTES:
        yield SourceError(path, f"file larger than {MAX_FILE_BYTES // MB} MB; not read as a page")
    elif kind == "page":
        yield SourceDoc(path=path, original=data, content=data, kind="html", url=saved_from_url(data))
    elif kind == "text":
        yield SourceDoc(path=path, original=data, content=data, kind="text")
    elif kind == "mhtml":
        yield _from_mhtml(path, data)


def _from_mhtml(path: str, data: bytes) -> Item:
    try:
        page = read_mhtml(data)
    except MhtmlError as err:
        return SourceError(path, str(err))
    url = _web_url(page.url) or saved_from_url(page.html)
    return SourceDoc(path=path, original=data, content=page.html, kind="html", url=url,
                     charset=page.charset, saved_at=page.saved_at)


def saved_from_url(html: bytes) -> str | None:
    """The URL in Internet Explorer's "<!-- saved from url=(0042)http://... -->" mark, if any."""
    match = _SAVED_FROM.search(html[:1024])
    if not match:
        return None
    length, url = int(match.group(1)), match.group(2).decode("latin-1")
    return _web_url(url[:length] if length else url)


def _web_url(url: str | None) -> str | None:
    """Keep only http(s) URLs: file:// paths and about:internet say nothing about the source."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


# ---- zip archives -------------------------------------------------------------------------

def _from_zip(path: str, stream: BinaryIO, budget: _ZipBudget, depth: int) -> Iterator[Item]:
    """Pages inside a zip archive, in member name order; member paths read "a.zip!dir/page.html"."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as err:
        yield SourceError(path, f"not a readable zip archive ({err})")
        return
    with archive:
        members = {_member_name(info): info for info in archive.infolist() if not info.is_dir()}
        if len(members) > MAX_ZIP_MEMBERS:
            yield SourceError(path, f"zip holds more than {MAX_ZIP_MEMBERS} files; not read (zip bomb guard)")
            return
        skipped = _asset_members(list(members))
        for name in sorted(members):
            if name in skipped or any(_hidden(part) for part in name.split("/")) or _kind_of(name) is None:
                continue
            yield from _from_member(archive, members[name], f"{path}!{name}", budget, depth)


def _from_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str,
                 budget: _ZipBudget, depth: int) -> Iterator[Item]:
    problem = _member_problem(info, budget, depth)
    if problem:
        yield SourceError(path, problem)
        return
    try:
        with archive.open(info) as member:
            data = member.read(min(MAX_MEMBER_BYTES, budget.remaining) + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as err:
        yield SourceError(path, f"cannot extract from the zip ({err})")
        return
    if len(data) > min(MAX_MEMBER_BYTES, budget.remaining):  # the header under-stated the size
        yield SourceError(path, "uncompresses to more than the zip header says; skipped (zip bomb guard)")
        return
    budget.remaining -= len(data)
    yield from _from_bytes(path, path, data, budget, depth + 1)


def _member_problem(info: zipfile.ZipInfo, budget: _ZipBudget, depth: int) -> str | None:
    """Why a zip member must not be read, in plain words, or None."""
    mode = info.external_attr >> 16
    parts = info.filename.replace("\\", "/").split("/")
    if stat.S_ISLNK(mode):
        return "skipped: a symbolic link inside the zip"
    if info.filename.startswith(("/", "\\")) or ".." in parts or re.match(r"[A-Za-z]:", info.filename):
        return "skipped: an absolute or parent-folder path inside the zip"
    if info.flag_bits & 0x1:
        return "the file is password-protected in the zip; cannot read it"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"larger than {MAX_MEMBER_BYTES // MB} MB uncompressed; skipped (zip bomb guard)"
    if info.file_size > budget.remaining:
        return f"the zip uncompresses to more than {MAX_ZIP_TOTAL // MB} MB; stopped here (zip bomb guard)"
    if _kind_of(info.filename) == "zip" and depth + 1 > MAX_ZIP_DEPTH:
        return f"zip archives nested more than {MAX_ZIP_DEPTH} deep; not opened"
    return None


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's path; names zipped on Chinese Windows are GBK without the UTF-8 flag."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")
        for codec in ("utf-8", "gb18030"):
            try:
                name = raw.decode(codec)
                break
            except UnicodeDecodeError:
                continue
    return name.replace("\\", "/")


def _asset_members(names: list[str]) -> set[str]:
    """Members inside a saved page's asset folder ("dir/report_files/..." beside "dir/report.html")."""
    stems: dict[str, set[str]] = {}
    for name in names:
        folder, _, base = name.rpartition("/")
        stems.setdefault(folder, set()).update(_page_stems([base]))
    skipped = set()
    for name in names:
        parts = name.split("/")
        for i in range(len(parts) - 1):
            if _asset_folder(parts[i], stems.get("/".join(parts[:i]), set())):
                skipped.add(name)
                break
    return skipped


# ---- WARC crawls --------------------------------------------------------------------------

def _from_warc(path: str, stream: BinaryIO) -> Iterator[Item]:
    """HTML pages in a WARC file: 200 responses and resource records; paths read "c.warc.gz#<record>"."""
    records = ArchiveIterator(stream)
    for index in itertools.count():
        try:
            record = next(records, None)
            if record is None:
                if index == 0:  # warcio reads a header cut off mid-block as the end of the file
                    yield SourceError(path, "no WARC records in the file (it is empty or cut off)")
                return
            if record.format != "warc":  # warcio reads any text as an old ARC file
                yield SourceError(path, "not a WARC file (no WARC/1.x record header)")
                return
            item = _from_record(f"{path}#{index}", record)
            if _cut_off(record):
                yield SourceError(f"{path}#{index}", "the record is cut off: the WARC file is incomplete")
                return
        except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError) as err:
            yield SourceError(path, f"not a readable WARC file ({err})")
            return
        except AttributeError:  # warcio's failure on a record header cut off mid-line
            yield SourceError(path, "not a readable WARC file: a record header is cut off")
            return
        if item is not None:
            yield item


def _cut_off(record) -> bool:
    """Whether the file ends before the record's declared length (read in chunks: records can be videos)."""
    while record.raw_stream.read(1 << 16):
        pass
    return record.raw_stream.limit > 0


def _from_record(path: str, record) -> Item | None:
    """A page from one WARC record, or None when the record is not an HTML page."""
    if record.rec_type == "response":
        if record.http_headers is None or record.http_headers.get_statuscode() != "200":
            return None
        content_type = record.http_headers.get_header("Content-Type") or ""
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type") or ""
    else:
        return None
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        return None
    payload = record.content_stream().read(MAX_RECORD_BYTES + 1)
    if len(payload) > MAX_RECORD_BYTES:
        return SourceError(path, f"page larger than {MAX_RECORD_BYTES // MB} MB; not read")
    if not payload:
        return SourceError(path, "the HTML response is empty")
    charset = _CHARSET_PARAM.search(content_type)
    return SourceDoc(path=path, original=payload, content=payload, kind="html",
                     url=_web_url(record.rec_headers.get_header("WARC-Target-URI")),
                     charset=charset.group(1) if charset else None,
                     saved_at=_warc_date(record.rec_headers.get_header("WARC-Date")))


def _warc_date(value: str | None) -> str | None:
    """YYYY-MM-DD from a WARC-Date such as 2024-03-01T08:00:00Z."""
    match = re.match(r"\d{4}-\d{2}-\d{2}", value or "")
    return match.group(0) if match else None
