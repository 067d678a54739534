"""The character view: where each folded character stands, in numpy arrays beside Whoosh.

Each report's title and paragraphs are folded (analysis.char_stream) and every
position i of the stream gets one code, (s[i] << 21) | s[i+1], or s[i] << 21 at the
end of a paragraph. A string of n >= 2 characters occurs where its n-1 pair codes
stand at consecutive positions; one character occurs wherever a code in
[c << 21, (c + 1) << 21) stands. Paragraphs are separated by an unindexed position,
so no match crosses two paragraphs and every hit has a paragraph to highlight.

Why not Whoosh: this view hands a writer ~7,000 postings and ~16,000 positions per
report, and Whoosh's pure-Python writer spends ~20 us on each. Here a batch of reports
is one numpy sort.

Storage: each indexing batch writes one segment directory (written under a temporary
name, then renamed) before the Whoosh commit that holds its reports. Reports are
known by an index key (ikey) that Whoosh stores too; a segment's key that Whoosh
does not hold (a report indexed again since, a run killed before its commit) maps to
no document and is dropped when segments are merged.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.analysis import char_stream, code_points

FIELDS = ("title", "body")
SHIFT = 21  # bits of a code point: a pair code is (first << SHIFT) | second
MAX_SEGMENTS = 8  # past this many, the smaller half is merged into one
_SEGMENT = re.compile(r"^seg-(\d{12})-(\d{12})-[0-9a-f]{8}$")
_SEP = "\0"  # stands between paragraphs and reports; never indexed


# ---------------------------------------------------------------- building
def streams(paragraphs: list[str]) -> str:
    """One report field as indexed: each folded paragraph after a separator.

    Folded in one call; a NUL inside a paragraph just separates it once more."""
    return char_stream(_SEP + _SEP.join(paragraphs)) if paragraphs else ""


def _chars_and_bounds(fields: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of the reports' fields end to end, and where each report starts."""
    lengths = np.fromiter((len(f) for f in fields), dtype=np.int64, count=len(fields))
    bounds = np.zeros(len(fields) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    return code_points("".join(fields)), bounds


def _invert(chars: np.ndarray) -> dict[str, np.ndarray]:
    """Sorted unique pair codes, each one's slice of positions (ascending) in `positions`."""
    following = np.zeros_like(chars)
    following[:-1] = chars[1:]
    codes = (chars.astype(np.uint64) << np.uint64(SHIFT)) | following
    positions = np.flatnonzero(chars).astype(np.uint32)
    codes = codes[positions]
    order = np.argsort(codes, kind="stable")  # stable: positions stay ascending per code
    codes, positions = codes[order], positions[order]
    firsts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, np.int64)
    offsets = np.append(firsts, len(codes)).astype(np.int64)
    return {"codes": codes[firsts], "offsets": offsets, "positions": positions}


def _write(root: Path, ikeys: np.ndarray, fields: dict[str, tuple[np.ndarray, np.ndarray]],
           lo: int, hi: int) -> Path:
    """Write a segment under a temporary name and rename it into place."""
    tmp = root / f"tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir(parents=True)
    np.save(tmp / "ikeys.npy", ikeys.astype(np.int64))
    for name, (chars, bounds) in fields.items():
        np.save(tmp / f"{name}.bounds.npy", bounds)
        for part, array in _invert(chars).items():
            np.save(tmp / f"{name}.{part}.npy", array)
    for path in tmp.iterdir():  # the data is on disk before the segment is visible
        with open(path, "rb") as fh:
            os.fsync(fh.fileno())
    final = root / f"seg-{lo:012d}-{hi:012d}-{secrets.token_hex(4)}"
    os.rename(tmp, final)
    return final


def next_ikey(root: Path) -> int:
    """The first unused index key: above every key any segment was ever given."""
    ends = [int(m.group(2)) for m in map(_SEGMENT.match, _names(root)) if m]
    return max(ends, default=1)


def write_segment(root: Path, first_ikey: int, reports: list[tuple[str, list[str]]]) -> Path:
    """Index reports given as (title, paragraphs); they get keys first_ikey, first_ikey+1, ..."""
    ikeys = np.arange(first_ikey, first_ikey + len(reports), dtype=np.int64)
    fields = {"title": _chars_and_bounds([streams([t]) for t, _ in reports]),
              "body": _chars_and_bounds([streams(p) for _, p in reports])}
    return _write(root, ikeys, fields, first_ikey, first_ikey + len(reports))


def tidy(root: Path, live_ikeys: np.ndarray) -> None:
    """Remove what killed runs left and, past MAX_SEGMENTS, merge the smaller half.

    Call only while holding the index's write lock: a merge drops every key not in
    live_ikeys, and a writer adding keys at the same time would lose them.
    """
    for name in _names(root):
        if name.startswith("tmp-"):
            shutil.rmtree(root / name, ignore_errors=True)
    segments = sorted((Segment(root / n) for n in _names(root) if _SEGMENT.match(n)),
                      key=lambda s: len(s.ikeys))
    if len(segments) >= MAX_SEGMENTS:
        merge(root, segments[: len(segments) // 2 + 1], np.sort(live_ikeys))


def merge(root: Path, segments: list["Segment"], live_sorted: np.ndarray) -> Path | None:
    """One segment holding the live reports of several, which are then removed."""
    keep = [s.live_mask(live_sorted) for s in segments]
    ikeys = np.concatenate([s.ikeys[k] for s, k in zip(segments, keep)])
    fields = {name: _concat_fields([(s.fields[name].chars(), s.fields[name].bounds, k)
                                    for s, k in zip(segments, keep)]) for name in FIELDS}
    lo = min(s.lo for s in segments)
    hi = max(s.hi for s in segments)
    merged = _write(root, ikeys, fields, lo, hi) if len(ikeys) else None
    for s in segments:
        shutil.rmtree(s.path, ignore_errors=True)
    return merged


def _concat_fields(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    pieces, lengths = [], []
    for chars, bounds, keep in parts:
        for d in np.flatnonzero(keep):
            pieces.append(chars[bounds[d]:bounds[d + 1]])
            lengths.append(bounds[d + 1] - bounds[d])
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=bounds[1:])
    chars = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint32)
    return chars, bounds


def _names(root: Path) -> list[str]:
    try:
        return sorted(os.listdir(root))
    except FileNotFoundError:
        return []


# ---------------------------------------------------------------- reading
@dataclass
class _Field:
    codes: np.ndarray
    offsets: np.ndarray
    positions: np.ndarray
    bounds: np.ndarray

    def chars(self) -> np.ndarray:
        """The code points back from the inverted field (separators come back as 0)."""
        chars = np.zeros(int(self.bounds[-1]), dtype=np.uint32)
        firsts = (self.codes >> np.uint64(SHIFT)).astype(np.uint32)
        chars[self.positions] = np.repeat(firsts, np.diff(self.offsets))
        return chars

    def run(self, code: int) -> np.ndarray:
        """Positions of one pair code (ascending); empty when it never occurs."""
        i = int(np.searchsorted(self.codes, np.uint64(code)))
        if i == len(self.codes) or int(self.codes[i]) != code:
            return self.positions[:0]
        return self.positions[self.offsets[i]:self.offsets[i + 1]]

    def starts_of(self, stream: str) -> np.ndarray:
        """Positions where the folded stream begins (ascending unless it is one character)."""
        if len(stream) == 1:
            c = ord(stream)
            lo, hi = np.searchsorted(self.codes, np.array([c << SHIFT, (c + 1) << SHIFT], dtype=np.uint64))
            return self.positions[self.offsets[lo]:self.offsets[hi]]  # ascending per code only
        points = [ord(ch) for ch in stream]
        runs = [self.run((a << SHIFT) | b) for a, b in zip(points, points[1:])]
        rarest = min(range(len(runs)), key=lambda i: len(runs[i]))
        found = runs[rarest].astype(np.int64) - rarest
        found = found[found >= 0].astype(np.uint32)
        for i, run in enumerate(runs):
            if i == rarest or not len(found):
                continue
            wanted = found + np.uint32(i)
            at = np.minimum(np.searchsorted(run, wanted), max(len(run) - 1, 0))
            found = found[run[at] == wanted] if len(run) else found[:0]
        return found

    def docs_of(self, positions: np.ndarray, ascending: bool) -> np.ndarray:
        """Local numbers (ascending) of the reports holding any of these positions."""
        if ascending and len(positions) > len(self.bounds):  # one search per report instead
            return np.flatnonzero(np.diff(np.searchsorted(positions, self.bounds)))
        hit = np.zeros(len(self.bounds) - 1, dtype=bool)
        hit[np.searchsorted(self.bounds, positions, side="right") - 1] = True
        return np.flatnonzero(hit)


class Segment:
    """One segment, memory-mapped; `docnums` maps its reports to Whoosh documents."""

    def __init__(self, path: Path):
        self.path = path
        match = _SEGMENT.match(path.name)
        self.lo, self.hi = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        self.ikeys = np.load(path / "ikeys.npy")
        self.fields = {name: _Field(*(np.load(path / f"{name}.{part}.npy", mmap_mode="r")
                                      for part in ("codes", "offsets", "positions", "bounds")))
                       for name in FIELDS}
        self.docnums = np.full(len(self.ikeys), -1, dtype=np.int64)

    def live_mask(self, live_sorted: np.ndarray) -> np.ndarray:
        if not len(live_sorted):
            return np.zeros(len(self.ikeys), dtype=bool)
        at = np.minimum(np.searchsorted(live_sorted, self.ikeys), len(live_sorted) - 1)
        return live_sorted[at] == self.ikeys

    def map_to(self, live_sorted: np.ndarray, docnums_sorted: np.ndarray) -> None:
        """Point each report at its Whoosh document (-1 when Whoosh no longer holds it)."""
        mask = self.live_mask(live_sorted)
        at = np.searchsorted(live_sorted, self.ikeys[mask])
        self.docnums = np.full(len(self.ikeys), -1, dtype=np.int64)
        self.docnums[mask] = docnums_sorted[at]

    def find(self, stream: str, fields: tuple[str, ...]) -> np.ndarray:
        """Whoosh document numbers of this segment's reports whose fields hold the stream."""
        ascending = len(stream) > 1
        local = [f.docs_of(f.starts_of(stream), ascending) for f in (self.fields[n] for n in fields)]
        docnums = self.docnums[np.concatenate(local)] if local else self.docnums[:0]
        return docnums[docnums >= 0]


class CharView:
    """The segments of one index directory, opened read-only and kept between generations."""

    def __init__(self, root: Path):
        self.root = root
        self._open: dict[str, Segment] = {}

    def refresh(self, ikey_of_doc: dict[int, int]) -> None:
        """Open new segments, forget removed ones, and map keys to this generation's documents."""
        for _attempt in range(3):  # a merge may remove a segment between listing and loading
            try:
                names = [n for n in _names(self.root) if _SEGMENT.match(n)]
                self._open = {n: self._open.get(n) or Segment(self.root / n) for n in names}
                break
            except FileNotFoundError:
                continue
        pairs = sorted((k, d) for d, k in ikey_of_doc.items())
        live = np.array([k for k, _ in pairs], dtype=np.int64)
        docnums = np.array([d for _, d in pairs], dtype=np.int64)
        for segment in self._open.values():
            segment.map_to(live, docnums)

    def docs(self, stream: str, title_only: bool = False) -> set[int]:
        """Documents whose title (or title and body) hold the folded stream."""
        fields = ("title",) if title_only else FIELDS
        found = [s.find(stream, fields) for s in self._open.values()]
        return set(np.concatenate(found).tolist()) if found else set()
