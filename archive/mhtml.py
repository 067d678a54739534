"""Read a browser "save as single file" page (MHTML): its main HTML part and what the file says about it."""
from __future__ import annotations

import email
import email.utils
import re
from dataclasses import dataclass
from email.message import Message


class MhtmlError(ValueError):
    """The file is not MHTML with an HTML page in it."""


@dataclass
class MhtmlPage:
    html: bytes  # the main HTML part, transfer encoding (quoted-printable, base64) undone
    url: str | None  # the part's Content-Location, else the file's Snapshot-Content-Location
    charset: str | None  # the charset parameter of the part's Content-Type
    saved_at: str | None  # YYYY-MM-DD from the file's Date header


_FOLDING = re.compile(r"\s*\r?\n\s*")


def read_mhtml(data: bytes) -> MhtmlPage:
    """Parse MHTML bytes and return the main HTML document in them."""
    message = email.message_from_bytes(data)
    part = _main_html_part(message)
    if part is None:
        raise MhtmlError("no HTML part in the MHTML file")
    html = part.get_payload(decode=True)
    if not html:
        raise MhtmlError("the HTML part of the MHTML file is empty")
    url = _header(part, "Content-Location") or _header(message, "Snapshot-Content-Location")
    return MhtmlPage(html=html, url=url, charset=part.get_content_charset(),
                     saved_at=_header_date(message))


def _main_html_part(message: Message) -> Message | None:
    """The part named by multipart/related's start parameter, else the first text/html part."""
    start = message.get_param("start") if message.is_multipart() else None
    html_parts = [p for p in message.walk() if p.get_content_type() == "text/html"]
    if isinstance(start, str):
        wanted = start.strip().strip("<>")
        for part in html_parts:
            if (_header(part, "Content-ID") or "").strip("<>") == wanted:
                return part
    return html_parts[0] if html_parts else None


def _header(message: Message, name: str) -> str | None:
    """A header value with line folding removed (browsers fold long URLs)."""
    value = message.get(name)
    if value is None:
        return None
    value = _FOLDING.sub("", str(value)).strip()
    return value or None


def _header_date(message: Message) -> str | None:
    """The Date header as YYYY-MM-DD in the saver's own time zone, or None."""
    value = message.get("Date")
    if not value:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value)).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
