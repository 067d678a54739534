"""sources.py: saved pages from files, folders, zip archives, MHTML files and WARC crawls."""
import base64
import gzip
import io
import os
import quopri
import stat
import zipfile
from email.message import EmailMessage

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import sources
from archive.records import SourceDoc, SourceError
from archive.sources import iter_sources, iter_upload, saved_from_url

NOTICE = "<html><head><title>关于做好2024年教育工作的通知</title></head><body><p>各乡镇教办：</p></body></html>"
REPORT = "<html><head><title>区教育局2023年工作总结</title></head><body><p>一、主要工作</p></body></html>"


def write(path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def docs(items):
    return [i for i in items if isinstance(i, SourceDoc)]


def errors(items):
    return [i for i in items if isinstance(i, SourceError)]


def names(items, root):
    return [os.path.relpath(i.path, root) for i in items]


# ---- folders and plain files ----------------------------------------------------------------

def test_folder_yields_pages_and_text_dumps_in_name_order_and_skips_the_rest(tmp_path):
    write(tmp_path / "b_report.htm", REPORT.encode())
    write(tmp_path / "a_notice.html", NOTICE.encode("gbk"))
    write(tmp_path / "county" / "2019" / "plan.shtml", NOTICE.encode())
    write(tmp_path / "county" / "dump.txt", "教育局2018年工作汇报".encode())
    write(tmp_path / "county" / "logo.png", b"\x89PNG\r\n")
    write(tmp_path / "style.css", b"body{}")
    write(tmp_path / ".hidden.html", NOTICE.encode())
    write(tmp_path / "__MACOSX" / "._a_notice.html", b"\x00\x05\x16\x07")
    write(tmp_path / "old.arc", b"filedesc://old.arc")
    items = list(iter_sources([str(tmp_path)]))
    assert names(items, tmp_path) == [
        "a_notice.html", "b_report.htm", "county/2019/plan.shtml", "county/dump.txt"]
    assert [d.kind for d in items] == ["html", "html", "html", "text"]
    first = items[0]
    assert first.original == first.content == NOTICE.encode("gbk")
    assert (first.url, first.charset, first.saved_at) == (None, None, None)


def test_save_complete_folder_gives_only_the_page_not_its_saved_frames(tmp_path):
    write(tmp_path / "report.html", REPORT.encode())
    write(tmp_path / "report_files" / "ad_frame.html", NOTICE.encode())
    write(tmp_path / "report_files" / "banner.jpg", b"\xff\xd8\xff")
    write(tmp_path / "notice.htm", NOTICE.encode())
    write(tmp_path / "notice.files" / "share.html", NOTICE.encode())
    write(tmp_path / "archive_files" / "kept.html", NOTICE.encode())  # no "archive.html" beside it
    items = list(iter_sources([str(tmp_path)]))
    assert names(items, tmp_path) == ["archive_files/kept.html", "notice.htm", "report.html"]


def test_saved_from_mark_gives_the_original_url(tmp_path):
    html = "<!-- saved from url=(0041)http://www.example.gov.cn/zwgk/a_123.html -->\n" + NOTICE
    write(tmp_path / "a.html", html.encode())
    write(tmp_path / "b.html", ("<!-- saved from url=(0014)about:internet -->\n" + NOTICE).encode())
    a, b = iter_sources([str(tmp_path)])
    assert a.url == "http://www.example.gov.cn/zwgk/a_123.html"
    assert b.url is None


def test_saved_from_mark_is_only_looked_for_at_the_top():
    late = b" " * 2000 + b"<!-- saved from url=(0018)http://example.cn/ -->"
    assert saved_from_url(late) is None


def test_missing_and_unsupported_paths_named_explicitly_are_errors(tmp_path):
    photo = write(tmp_path / "photo.jpg", b"\xff\xd8\xff")
    missing, unsupported = iter_sources([str(tmp_path / "nope.html"), str(photo)])
    assert missing.reason == "no such file or folder"
    assert "not a supported file type: photo.jpg" in unsupported.reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_an_error_and_the_walk_goes_on(tmp_path):
    locked = write(tmp_path / "a.html", NOTICE.encode())
    locked.chmod(0)
    write(tmp_path / "b.html", NOTICE.encode())
    items = list(iter_sources([str(tmp_path)]))
    assert isinstance(items[0], SourceError) and "cannot read the file" in items[0].reason
    assert isinstance(items[1], SourceDoc)


def test_oversized_page_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    write(tmp_path / "big.html", b"<p>" + b"x" * 200 + b"</p>")
    [item] = iter_sources([str(tmp_path)])
    assert "larger than" in item.reason


# ---- MHTML --------------------------------------------------------------------------------

CHROME_MHTML = (
    "From: <Saved by Blink>\r\n"
    "Snapshot-Content-Location: http://www.example.gov.cn/zwgk/2024/\r\n"
    " notice_88.html\r\n"
    "Subject: =?utf-8?Q?=E9=80=9A=E7=9F=A5?=\r\n"
    "Date: Tue, 5 Mar 2024 09:30:00 +0800\r\n"
    "MIME-Version: 1.0\r\n"
    'Content-Type: multipart/related; type="text/html"; boundary="----MultipartBoundary--abc123----"\r\n'
    "\r\n"
    "------MultipartBoundary--abc123----\r\n"
    "Content-Type: text/html; charset=gb2312\r\n"
    "Content-ID: <frame-1@mhtml.blink>\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "Content-Location: http://www.example.gov.cn/zwgk/2024/notice_88.html\r\n"
    "\r\n"
    "{html}\r\n"
    "------MultipartBoundary--abc123----\r\n"
    "Content-Type: text/html\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "Content-Location: http://ads.example.com/frame.html\r\n"
    "\r\n"
    "<html><body>=E5=B9=BF=E5=91=8A</body></html>\r\n"
    "------MultipartBoundary--abc123------\r\n"
)


def quoted_printable(data: bytes) -> str:
    return quopri.encodestring(data).decode("ascii")


def test_mhtml_quoted_printable_main_part_with_its_location_charset_and_date():
    html = NOTICE.encode("gbk")
    mhtml = CHROME_MHTML.replace("{html}", quoted_printable(html)).encode("ascii")
    [doc] = iter_upload("notice.mhtml", mhtml)
    assert doc.content == html
    assert doc.original == mhtml
    assert doc.kind == "html"
    assert doc.url == "http://www.example.gov.cn/zwgk/2024/notice_88.html"
    assert doc.charset == "gb2312"
    assert doc.saved_at == "2024-03-05"


def test_mhtml_without_part_location_uses_the_snapshot_location():
    mhtml = CHROME_MHTML.replace("{html}", "<p>x</p>").replace(
        "Content-Location: http://www.example.gov.cn/zwgk/2024/notice_88.html\r\n", "")
    [doc] = iter_upload("notice.mht", mhtml.encode("ascii"))
    assert doc.url == "http://www.example.gov.cn/zwgk/2024/notice_88.html"  # the folded header, unfolded


def ie_style_mhtml(html: bytes) -> bytes:
    """A base64 MHTML like Internet Explorer's, built with the email package."""
    message = EmailMessage()
    message["From"] = "<Saved by Windows Internet Explorer 8>"
    message["Date"] = "Mon, 2 Dec 2019 23:10:00 +0800"
    message.make_related()
    message.add_related(html, "text", "html", cte="base64", params={"charset": "utf-8"},
                        headers=["Content-Location: http://jyj.example.gov.cn/xxgk/201912/t1.html"])
    message.add_related(b"GIF89a\x01\x00", "image", "gif", cte="base64",
                        headers=["Content-Location: http://jyj.example.gov.cn/images/logo.gif"])
    return message.as_bytes()


def test_mhtml_base64_main_part():
    html = REPORT.encode("utf-8")
    data = ie_style_mhtml(html)
    assert base64.b64encode(html)[:20] in data  # the part really is base64 in the file
    [doc] = iter_upload("report.mht", data)
    assert doc.content == html
    assert doc.url == "http://jyj.example.gov.cn/xxgk/201912/t1.html"
    assert (doc.charset, doc.saved_at) == ("utf-8", "2019-12-02")


def test_mhtml_8bit_part_keeps_its_bytes():
    html = NOTICE.encode("gbk")
    mhtml = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
             b"Content-Type: text/html; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
             + html + b"\r\n--b--\r\n")
    [doc] = iter_upload("notice.mht", mhtml)
    assert (doc.content, doc.charset, doc.url) == (html, "gbk", None)


def test_mhtml_start_parameter_names_the_main_part():
    mhtml = CHROME_MHTML.replace("{html}", "<p>x</p>").replace(
        'type="text/html";', 'type="text/html"; start="<frame-2@mhtml.blink>";').replace(
        "Content-Location: http://ads.example.com/frame.html", "Content-ID: <frame-2@mhtml.blink>")
    [doc] = iter_upload("page.mht", mhtml.encode("ascii"))
    assert doc.content == "<html><body>广告</body></html>".encode()


def test_mhtml_without_an_html_part_is_an_error():
    message = EmailMessage()
    message.make_related()
    message.add_related(b"GIF89a", "image", "gif")
    [error] = iter_upload("pic.mht", message.as_bytes())
    assert error == SourceError("pic.mht", "no HTML part in the MHTML file")


# ---- WARC ---------------------------------------------------------------------------------

def crawl(gzip_records: bool = True) -> bytes:
    """A small crawl: two pages, an image, a 404, a request and a resource record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip_records)

    def response(url, status, content_type, body, extra=()):
        headers = StatusAndHeaders(status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-03-01T08:00:00Z"}))

    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "test"}))
    writer.write_record(writer.create_warc_record(
        "http://www.example.gov.cn/a.html", "request", payload=io.BytesIO(b"GET /a.html HTTP/1.1\r\n\r\n"),
        warc_content_type="application/http; msgtype=request"))
    response("http://www.example.gov.cn/a.html", "200 OK", "text/html; charset=GBK", NOTICE.encode("gbk"))
    response("http://www.example.gov.cn/logo.png", "200 OK", "image/png", b"\x89PNG\r\n")
    response("http://www.example.gov.cn/gone.html", "404 Not Found", "text/html", b"<p>404</p>")
    response("http://www.example.gov.cn/b.html", "200 OK", "text/html", gzip.compress(REPORT.encode()),
             extra=[("Content-Encoding", "gzip")])
    writer.write_record(writer.create_warc_record(
        "http://www.example.gov.cn/c.html", "resource", payload=io.BytesIO(NOTICE.encode()),
        warc_content_type="text/html", warc_headers_dict={"WARC-Date": "2024-03-02T01:00:00Z"}))
    return out.getvalue()


def test_warc_yields_html_200_responses_and_resources_with_url_date_and_charset(tmp_path):
    path = write(tmp_path / "crawl.warc.gz", crawl())
    items = list(iter_sources([str(path)]))
    assert names(items, tmp_path) == ["crawl.warc.gz#2", "crawl.warc.gz#5", "crawl.warc.gz#6"]
    a, b, c = items
    assert a.url == "http://www.example.gov.cn/a.html"
    assert (a.charset, a.saved_at, a.kind) == ("GBK", "2024-03-01", "html")
    assert a.original == a.content == NOTICE.encode("gbk")
    assert b.content == REPORT.encode()  # the gzip content encoding is undone
    assert (c.url, c.saved_at) == ("http://www.example.gov.cn/c.html", "2024-03-02")
    assert c.content == NOTICE.encode()


def test_uncompressed_warc_upload():
    assert len(docs(iter_upload("crawl.warc", crawl(gzip_records=False)))) == 3


def test_cut_off_warc_keeps_the_pages_before_the_cut():
    data = crawl(gzip_records=False)
    payload = data.index(b"\x1f\x8b", data.index(b"http://www.example.gov.cn/b.html"))
    cut = data[: payload + 10]  # the file ends inside the gzip body of b.html
    items = list(iter_upload("crawl.warc", cut))
    assert [i.path for i in docs(items)] == ["crawl.warc#2"]
    assert errors(items) == [
        SourceError("crawl.warc#5", "the record is cut off: the WARC file is incomplete")]


@pytest.mark.parametrize("data", [b"this is not a crawl\r\n\r\n", b"", gzip.compress(b"<html>x</html>")])
def test_file_that_is_not_warc_is_an_error(data):
    [error] = iter_upload("crawl.warc.gz", data)
    assert isinstance(error, SourceError) and "WARC" in error.reason


# ---- zip archives -------------------------------------------------------------------------

def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_zip_with_folders_nested_zip_and_bad_members(tmp_path):
    inner = zip_bytes({"c.html": NOTICE.encode(), "broken.zip": b"PK\x03\x04 not really"})
    bad_mhtml = b"From: <Saved by Blink>\r\nContent-Type: text/plain\r\n\r\nhello"
    path = write(tmp_path / "pages.zip", zip_bytes({
        "site/b.htm": REPORT.encode(),
        "site/a.html": NOTICE.encode(),
        "site/a_files/ad.html": NOTICE.encode(),
        "site/a_files/logo.png": b"\x89PNG",
        "notes.txt": "工作汇报".encode(),
        "__MACOSX/site/._a.html": b"\x00\x05",
        "site/.DS_Store": b"\x00",
        "inner.zip": inner,
        "saved.mht": bad_mhtml,
    }))
    items = list(iter_sources([str(path)]))
    shown = [(os.path.relpath(i.path, tmp_path), type(i).__name__) for i in items]
    assert shown == [
        ("pages.zip!inner.zip!broken.zip", "SourceError"),
        ("pages.zip!inner.zip!c.html", "SourceDoc"),
        ("pages.zip!notes.txt", "SourceDoc"),
        ("pages.zip!saved.mht", "SourceError"),
        ("pages.zip!site/a.html", "SourceDoc"),
        ("pages.zip!site/b.htm", "SourceDoc"),
    ]
    assert "not a readable zip archive" in items[0].reason
    assert items[2].kind == "text"


def test_corrupt_zip_is_an_error(tmp_path):
    path = write(tmp_path / "pages.zip", zip_bytes({"a.html": NOTICE.encode()})[:40])
    [error] = iter_sources([str(path)])
    assert "not a readable zip archive" in error.reason


def test_zip_bomb_guard_bounds_each_member_and_the_total(monkeypatch):
    monkeypatch.setattr(sources, "MAX_MEMBER_BYTES", 5000)
    monkeypatch.setattr(sources, "MAX_ZIP_TOTAL", 7000)
    data = zip_bytes({"a.html": b" " * 4000, "b.html": b" " * 4000, "c.html": b" " * 6000})
    a, b, c = iter_upload("pages.zip", data)
    assert isinstance(a, SourceDoc)
    assert "zip bomb guard" in b.reason and "uncompresses to more than" in b.reason
    assert "zip bomb guard" in c.reason and c.path == "pages.zip!c.html"


def test_zip_bomb_guard_counts_nested_zips_against_the_same_total(monkeypatch):
    monkeypatch.setattr(sources, "MAX_ZIP_TOTAL", 8000)
    inner = zip_bytes({"x.html": b" " * 4000, "y.html": b" " * 4000})
    items = list(iter_upload("outer.zip", zip_bytes({"inner.zip": inner})))
    assert [type(i).__name__ for i in items] == ["SourceDoc", "SourceError"]


def test_zips_nested_too_deep_are_not_opened():
    data = zip_bytes({"page.html": NOTICE.encode()})
    for level in range(sources.MAX_ZIP_DEPTH + 1):
        data = zip_bytes({f"level{level}.zip": data})
    [error] = iter_upload("outer.zip", data)
    assert "nested more than" in error.reason


def test_zip_symlinks_and_absolute_paths_are_skipped():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        link = zipfile.ZipInfo("link.html")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("/abs/page.html", NOTICE)
        archive.writestr("../up.html", NOTICE)
        archive.writestr("ok.html", NOTICE)
    items = list(iter_upload("pages.zip", out.getvalue()))
    reasons = {os.path.basename(i.path.split("!")[1]): getattr(i, "reason", None) for i in items}
    assert reasons["link.html"] == "skipped: a symbolic link inside the zip"
    assert "absolute or parent-folder path" in reasons["page.html"]
    assert "absolute or parent-folder path" in reasons["up.html"]
    assert reasons["ok.html"] is None


def test_zip_member_names_from_chinese_windows_are_read_as_gbk():
    placeholder = "XXXX.html"  # zipfile writes non-ASCII names as UTF-8, so patch GBK bytes in
    data = zip_bytes({placeholder: NOTICE.encode("gbk")})
    data = data.replace(placeholder.encode(), "报告.html".encode("gbk"))
    [doc] = iter_upload("pages.zip", data)
    assert doc.path == "pages.zip!报告.html"


def test_save_complete_assets_inside_a_zip_are_skipped():
    data = zip_bytes({"2023/report.html": REPORT.encode(), "2023/report_files/frame.html": NOTICE.encode(),
                      "2024/report_files/frame.html": NOTICE.encode()})
    assert [d.path for d in iter_upload("pages.zip", data)] == [
        "pages.zip!2023/report.html", "pages.zip!2024/report_files/frame.html"]


# ---- uploads ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, shown, kind", [
    ("report.HTM", "report.HTM", "html"),
    ("C:\\Users\\li\\Desktop\\汇报.html", "汇报.html", "html"),
    ("../../etc/passwd.html", "passwd.html", "html"),
    ("dump.txt", "dump.txt", "text"),
    ("page.aspx", "page.aspx", "html"),
])
def test_upload_is_dispatched_by_the_last_part_of_its_name(name, shown, kind, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may be written or read relative to the name
    [doc] = iter_upload(name, NOTICE.encode())
    assert (doc.path, doc.kind, doc.content) == (shown, kind, NOTICE.encode())
    assert list(tmp_path.iterdir()) == []


def test_upload_of_an_unsupported_type_is_an_error():
    [error] = iter_upload("scan.pdf", b"%PDF-1.4")
    assert error.path == "scan.pdf" and "not a supported file type" in error.reason


def test_upload_zip_and_mhtml_use_the_same_readers():
    zipped = zip_bytes({"x/p.html": NOTICE.encode()})
    assert [d.path for d in iter_upload("a.zip", zipped)] == ["a.zip!x/p.html"]
    assert docs(iter_upload("r.mht", ie_style_mhtml(REPORT.encode())))[0].path == "r.mht"
