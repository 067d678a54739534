"""Turn a saved page's bytes into text, trusting a declared charset only when the bytes agree.

Order: byte order mark; then valid UTF-8 (browser-saved pages often keep a stale
gb2312 declaration over UTF-8 bytes); then the container's and the page's declared
charsets; then detection on a sample; then the least damaged Chinese reading.
"""
from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass

import charset_normalizer

from archive.records import DecodedPage, SourceDoc


class DecodeError(ValueError):
    """The bytes are not text (empty, or a binary file)."""


SNIFF_BYTES = 4096  # where <meta charset> and the XML declaration are looked for
SAMPLE_BYTES = 16384  # how much of a page charset detection looks at
MIN_UTF8_CHARS = 4  # fewer non-ASCII characters than this is weak evidence for UTF-8

_BOMS = (  # UTF-32 first: its little-endian BOM starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels Python does not know, as browsers spell them.
_LABEL_ALIASES = {
    "x-gbk": "gbk", "windows-936": "gbk", "csgb2312": "gb2312", "x-euc-cn": "gb2312",
    "iso-ir-58": "gb2312", "gb_2312": "gb2312", "cn-big5": "big5", "x-x-big5": "big5",
    "csbig5": "big5", "x-big5": "big5", "unicode": "utf-16", "x-sjis": "shift_jis",
}
# Browsers read these with a superset codec (WHATWG Encoding Standard); so do we.
# A family may need more than one codec: big5hkscs lacks cp950's euro sign and vice versa.
_SUPERSETS = {
    "gb2312": ("gb18030",), "gbk": ("gb18030",), "gb18030": ("gb18030",),
    "big5": ("big5hkscs", "cp950"), "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs", "cp950"),
    "ascii": ("cp1252",), "iso8859-1": ("cp1252",), "latin-1": ("cp1252",),
    # A page cannot declare UTF-16 in its own ASCII markup; HTML reads that as UTF-8.
    "utf-16": ("utf-8",), "utf-16-le": ("utf-8",), "utf-16-be": ("utf-8",),
    "utf-32": ("utf-8",), "utf-32-le": ("utf-8",), "utf-32-be": ("utf-8",),
    "shift_jis": ("cp932",), "euc_kr": ("cp949",),
}

_META_CHARSET = re.compile(rb"<meta\b[^>]{0,512}?\bcharset\s*=\s*[\"']?\s*([a-z0-9_.:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]{0,200}?\bencoding\s*=\s*[\"']([a-z0-9_.:-]+)", re.I)
_SEPARATOR = re.compile(rb"[<>\n ]")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# Characters lxml and the index refuse; a few stray ones are removed, not fatal.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20)])
_FALLBACKS = ("gb18030", "big5hkscs", "utf-8")  # least damaged wins when nothing agrees
_MAGIC = (
    (b"%PDF-", "a PDF document"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a zip archive"), (b"\x1f\x8b", "a gzip file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
)


@dataclass
class _Reading:
    """One attempt to read the bytes with one codec."""

    codec: str
    text: str
    errors: int  # invalid byte sequences replaced by U+FFFD
    cut_last: bool  # the only damage is a truncated last character


class _TooManyErrors(Exception):
    pass


_counter = threading.local()


def _count_and_replace(err: UnicodeDecodeError) -> tuple[str, int]:
    """Decode error handler: replace like errors="replace", but count and give up early."""
    _counter.starts.append(err.start)
    if len(_counter.starts) > _counter.limit:
        raise _TooManyErrors
    return "\ufffd", err.end


codecs.register_error("archive.count", _count_and_replace)


def _read(data: bytes, codec: str, limit: int) -> _Reading | None:
    """Decode with codec, or None when it needs more than limit replacements."""
    _counter.starts, _counter.limit = [], limit
    try:
        text = data.decode(codec, "archive.count")
    except (_TooManyErrors, LookupError):
        return None
    starts = _counter.starts
    cut_last = bool(starts) and starts[0] >= len(data) - 4 and len(starts) == 1
    return _Reading(codec, text, len(starts), cut_last)


def codec_family(label: str | None) -> tuple[str, ...]:
    """The codecs to try for a charset label, e.g. "GB2312" -> ("gb18030",); () if unknown."""
    if not label:
        return ()
    name = _LABEL_ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        name = codecs.lookup(name).name
        b"a".decode(name, "ignore")  # refuses bytes-to-bytes codecs such as base64
    except LookupError:
        return ()
    return _SUPERSETS.get(name, (name,))


def declared_charsets(data: bytes) -> list[str]:
    """Charset labels a page declares in <meta> or its XML declaration, in document order."""
    head = data[:SNIFF_BYTES]
    labels = [m.group(1).decode("ascii") for m in _XML_ENCODING.finditer(head)]
    labels += [m.group(1).decode("ascii") for m in _META_CHARSET.finditer(head)]
    return list(dict.fromkeys(label.lower() for label in labels))


def _check_not_binary(data: bytes) -> None:
    """Raise DecodeError when the bytes are clearly not text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(f"this is {what}, not a text page")
    head = data[:8192]
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    if controls > max(8, len(head) // 100):
        raise DecodeError(f"looks like a binary file ({controls} control bytes in the first 8 KB), "
                          "not a text page")


def _from_bom(data: bytes) -> _Reading | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _read(data[len(bom):], codec, len(data))
    return None


def _utf16_without_bom(data: bytes) -> _Reading | None:
    """UTF-16 with no BOM shows as NUL bytes on every other position of ASCII text."""
    head = data[:8192]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if max(even, odd) < len(head) // 5 or min(even, odd) > max(even, odd) // 10:
        return None
    return _read(data, "utf-16-be" if even > odd else "utf-16-le", _allowed_errors(_count_high(data)))


def _count_high(data: bytes) -> int:
    return len(data) - len(data.translate(None, _HIGH_BYTES))


def _allowed_errors(high_bytes: int) -> int:
    """How many invalid sequences still count as "the bytes agree": about 1 per 1000 non-ASCII bytes."""
    return 1 + high_bytes // 1000


def _best(readings: list[_Reading | None]) -> _Reading | None:
    """The reading with the fewest errors; earlier ones win ties."""
    found = [r for r in readings if r is not None]
    return min(found, key=lambda r: r.errors) if found else None


def _sample_pieces(data: bytes) -> list[bytes]:
    """The stretches richest in non-ASCII bytes, widened to ASCII separators so no character is split."""
    size = 2048
    ranked = sorted(range(0, len(data), size), key=lambda i: -_count_high(data[i:i + size]))
    pieces, last_end, total = [], -1, 0
    for i in sorted(ranked[: SAMPLE_BYTES // size]):
        # A separator byte never sits inside a multi-byte character (GBK, Big5, UTF-8, ...).
        begin = max(last_end, max(data.rfind(c, 0, i + 1) for c in b"<>\n ") + 1)
        match = _SEPARATOR.search(data, i + size)
        end = match.start() if match else len(data)
        if end > begin and total < 4 * SAMPLE_BYTES:
            pieces.append(data[begin:end])
            total += end - begin
            last_end = end
    return pieces


def _decodes_cleanly(piece: bytes) -> bool:
    return any(_read(piece, codec, 0) for codec in _FALLBACKS)


def _detector_rank(match) -> tuple[float, float, bool]:
    """Order detector guesses by chaos, then coherence; this is a Chinese archive, so Chinese wins ties."""
    chinese = bool(set(codec_family(match.encoding)) & {"gb18030", "big5hkscs", "cp950"})
    return (match.chaos, -match.coherence, not chinese)


def _detected(data: bytes) -> list[str]:
    """Codecs charset-normalizer proposes for a sample of the page, best first."""
    pieces = _sample_pieces(data)
    matches = charset_normalizer.from_bytes(b"\n".join(pieces))
    if not matches:
        # The detector rejects a codec at the first invalid sequence: retry without damaged pieces.
        clean = [piece for piece in pieces if _decodes_cleanly(piece)]
        if clean and len(clean) < len(pieces):
            matches = charset_normalizer.from_bytes(b"\n".join(clean))
    ranked = sorted(matches, key=_detector_rank)
    found: list[str] = []
    for match in ranked:
        found += codec_family(match.encoding)
    return list(dict.fromkeys(found))


def _choose(data: bytes, labels: list[str]) -> _Reading:
    """The reading of BOM-less text bytes that the evidence supports best."""
    high_bytes = _count_high(data)
    allowed = _allowed_errors(high_bytes)
    utf8 = _read(data, "utf-8", allowed)
    # Other charsets almost never produce valid UTF-8 by chance, so it beats a declaration.
    if utf8 and (utf8.errors == 0 or utf8.cut_last):
        non_ascii_chars = len(utf8.text) - (len(data) - high_bytes)
        if non_ascii_chars >= MIN_UTF8_CHARS:
            return utf8
    declared = dict.fromkeys(c for label in labels for c in codec_family(label))
    readings = [utf8 if codec == "utf-8" else _read(data, codec, allowed) for codec in declared]
    found = _best(readings + [utf8])
    if found:
        return found
    for codec in _detected(data):
        found = _read(data, codec, allowed)
        if found:
            return found
    # Nothing agrees: keep the least damaged reading; this is a Chinese archive.
    return _best([_read(data, codec, len(data)) for codec in _FALLBACKS])


def _finish(reading: _Reading, labels: list[str], data: bytes) -> DecodedPage:
    """Wrap a reading as a DecodedPage with warnings a researcher can act on."""
    warnings = []
    if reading.cut_last:
        warnings.append(f"the last character is cut off; replaced with U+FFFD (decoded as {reading.codec})")
    elif reading.errors:
        plural = "s" if reading.errors > 1 else ""
        warnings.append(f"{reading.errors} invalid byte sequence{plural} replaced with U+FFFD "
                        f"(decoded as {reading.codec})")
    families = {c for label in labels for c in codec_family(label)}
    if labels and reading.codec not in families:
        warnings.append(f"declared charset {', '.join(labels)} does not match the bytes; "
                        f"decoded as {reading.codec}")
    text = reading.text
    # Looking for control bytes is ten times faster than searching the text, and
    # in the codecs we use a control character can only come from its own byte.
    if len(data.translate(None, _CONTROL_BYTES)) < len(data) and _CONTROL_CHARS.search(text):
        count = len(_CONTROL_CHARS.findall(text))
        text = _CONTROL_CHARS.sub("", text)
        warnings.append(f"{count} control character{'s' if count > 1 else ''} removed")
    return DecodedPage(text=text, encoding=reading.codec, warnings=warnings)


def decode_bytes(data: bytes, declared: str | None = None, kind: str = "html") -> DecodedPage:
    """Decode page bytes; declared is the container's charset (HTTP header, MHTML part)."""
    if not data:
        raise DecodeError("the file is empty")
    container = (declared or "").strip().strip("\"'").lower()
    labels = [container] if container else []
    reading = _from_bom(data) or _utf16_without_bom(data)
    if reading:
        return _finish(reading, [], data)
    _check_not_binary(data)
    if kind == "html":
        labels = list(dict.fromkeys(labels + declared_charsets(data)))
    return _finish(_choose(data, labels), labels, data)


def decode_page(doc: SourceDoc) -> DecodedPage:
    """Decode the page bytes of a SourceDoc, using the charset its container declared."""
    return decode_bytes(doc.content, doc.charset, doc.kind)
