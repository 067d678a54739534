"""decode.py: bytes of a saved page -> text, trusting a declared charset only when the bytes agree."""
import codecs

import pytest

from archive.decode import DecodeError, codec_family, declared_charsets, decode_bytes, decode_page
from archive.records import SourceDoc

REPORT = (
    "2023年，全区教育系统坚持以人民为中心的发展思想，扎实推进义务教育优质均衡发展，"
    "新建和改扩建中小学校十二所，新增学位八千余个。全面落实课后服务政策，课后服务覆盖率达到百分之百。"
    "下一步，我们将继续加大财政投入，完善教师队伍建设，推动城乡教育一体化发展，"
    "努力办好人民满意的教育。区教育局二〇二四年一月十五日。"
)
TRADITIONAL = (
    "本年度本市政府持續推動教育改革，新建學校五所，增加學位三千個，並加強教師培訓與校園安全管理。"
    "市民對公共服務的滿意度明顯提升，各區衛生院的醫療條件也獲得改善。"
    "明年將繼續落實各項政策，提高財政資金使用效率，為市民提供更好的服務。"
)


def page(body: str, head: str = "", title: str = "工作报告") -> str:
    """A small page shaped like a county government portal article."""
    return (f"<!DOCTYPE html>\n<html>\n<head>\n{head}\n<title>{title}</title>\n</head>\n"
            f"<body>\n<div class=\"content\">\n<p>{body}</p>\n</div>\n</body>\n</html>\n")


GB2312_META = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


def test_gbk_page_declared_gb2312_reads_as_gb18030():
    html = page(REPORT, GB2312_META)
    decoded = decode_bytes(html.encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert decoded.text == html
    assert decoded.warnings == []


def test_characters_outside_gb2312_still_read_when_gb2312_is_declared():
    html = page("镕基与喆、堃在会上发言。" + REPORT, GB2312_META)  # 镕 喆 堃 are GBK/GB18030 only
    assert decode_bytes(html.encode("gb18030")).text == html


def test_utf8_bytes_under_a_stale_gb2312_declaration_read_as_utf8():
    html = page(REPORT, GB2312_META)  # what a browser "save as" of the live DOM produces
    decoded = decode_bytes(html.encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert decoded.text == html
    assert decoded.warnings == ["declared charset gb2312 does not match the bytes; decoded as utf-8"]


def test_undeclared_gbk_page_is_detected():
    html = page(REPORT * 3)
    decoded = decode_bytes(html.encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert decoded.text == html


def test_undeclared_utf8_page_with_a_gb2312_script_tag_reads_as_utf8():
    html = page(REPORT, '<script type="text/javascript" charset="gb2312" src="/js/stat.js"></script>')
    decoded = decode_bytes(html.encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert decoded.warnings == []


def test_script_charset_is_not_a_page_declaration():
    head = '<script charset="gb2312" src="a.js"></script><meta charset="utf-8">'
    assert declared_charsets(page("x", head).encode()) == ["utf-8"]


def test_two_declarations_the_one_the_bytes_agree_with_wins():
    head = '<meta charset="utf-8">\n<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    html = page(REPORT, head)
    assert declared_charsets(html.encode("gbk")) == ["utf-8", "gbk"]
    decoded = decode_bytes(html.encode("gbk"))
    assert decoded.encoding == "gb18030"
    assert decoded.text == html
    assert decoded.warnings == []


def test_xml_declaration_counts_as_a_declaration():
    xhtml = '<?xml version="1.0" encoding="GBK"?>\n' + page("首页")
    assert declared_charsets(xhtml.encode("gbk")) == ["gbk"]
    assert decode_bytes(xhtml.encode("gbk")).text == xhtml


def test_container_charset_is_used_when_the_page_declares_none():
    html = page("教育委員会からのお知らせ", title="news")  # too short for detection to get right
    decoded = decode_bytes(html.encode("euc-jp"), declared="EUC-JP")
    assert (decoded.encoding, decoded.text) == ("euc_jp", html)


def test_short_undeclared_gbk_page_reads_as_chinese_not_korean():
    html = page("通知公告")  # these bytes are equally valid as Korean cp949
    assert decode_bytes(html.encode("gbk")).text == html


def test_byte_order_mark_beats_any_declaration():
    html = page(REPORT, GB2312_META)
    utf8 = decode_bytes(codecs.BOM_UTF8 + html.encode("utf-8"))
    assert (utf8.encoding, utf8.text) == ("utf-8", html)
    utf16 = decode_bytes(codecs.BOM_UTF16_LE + html.encode("utf-16-le"))
    assert (utf16.encoding, utf16.text) == ("utf-16-le", html)


def test_utf16_without_bom_is_recognised_by_its_nul_pattern():
    html = page(REPORT)
    assert decode_bytes(html.encode("utf-16-le")).text == html


def test_text_cut_mid_character_is_kept_with_a_warning():
    title = "关于印发教育工作要点的通知".encode("gbk")
    cut_title = title[:7]  # a CMS cut the title at 7 bytes, inside the 4th character
    data = page(REPORT, GB2312_META).encode("gbk").replace(b"<p>", b"<p>" + cut_title + b"</p><p>", 1)
    decoded = decode_bytes(data)
    assert decoded.encoding == "gb18030"
    assert "关于印\ufffd" in decoded.text
    assert decoded.warnings == ["1 invalid byte sequence replaced with U+FFFD (decoded as gb18030)"]


def test_file_ending_mid_character_is_kept_with_a_warning():
    data = page(REPORT).encode("utf-8")[:-40]
    data = data[: data.rfind("年".encode()) + 2]  # the last character lost its last byte
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text.endswith("\ufffd")
    assert decoded.warnings == ["the last character is cut off; replaced with U+FFFD (decoded as utf-8)"]


def test_big5_page_declared_big5():
    html = page(TRADITIONAL, '<meta http-equiv="Content-Type" content="text/html; charset=big5">', "工作報告")
    decoded = decode_bytes(html.encode("big5"))
    assert decoded.encoding == "big5hkscs"
    assert decoded.text == html


def test_undeclared_big5_page_is_not_mistaken_for_gbk():
    html = page(TRADITIONAL * 3, title="工作報告")
    decoded = decode_bytes(html.encode("big5"))  # Big5 bytes are also valid GBK byte pairs
    assert decoded.encoding == "big5hkscs"
    assert decoded.text == html


def test_short_utf8_text_that_is_also_valid_gbk_reads_as_utf8():
    data = "<p>中文</p>".encode("utf-8")  # also decodes cleanly as GBK mojibake "涓枃"
    assert decode_bytes(data).text == "<p>中文</p>"


def test_ascii_page_keeps_its_declared_codec():
    decoded = decode_bytes(page("Annual report", GB2312_META, "Report").encode("ascii"))
    assert decoded.encoding == "gb18030"
    assert decoded.warnings == []


def test_text_dumps_ignore_markup_looking_declarations():
    text = "页面说明：原网页声明了 <meta charset=utf-8>。\n" + REPORT
    decoded = decode_bytes(text.encode("gbk"), kind="text")
    assert (decoded.encoding, decoded.text) == ("gb18030", text)


def test_stray_control_characters_are_removed_with_a_warning():
    html = page("第一条\x01规定\x1f" + REPORT)
    decoded = decode_bytes(html.encode("utf-8"))
    assert "第一条规定" in decoded.text
    assert decoded.warnings == ["2 control characters removed"]


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    (bytes(range(256)) * 40, "binary"),
])
def test_bytes_that_are_not_text_raise_decode_error(data, reason):
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)


def test_decode_page_uses_the_content_and_the_container_charset():
    html = page("通知公告").encode("gbk")
    doc = SourceDoc(path="a.mht", original=b"MIME...", content=html, kind="html", charset="gb2312")
    assert decode_page(doc).text == page("通知公告")


@pytest.mark.parametrize("label, family", [
    ("GB2312", ("gb18030",)), ("x-gbk", ("gb18030",)), ("cp936", ("gb18030",)),
    ("big5", ("big5hkscs", "cp950")), ("ISO-8859-1", ("cp1252",)), ("utf-16", ("utf-8",)),
    ("UTF8", ("utf-8",)), ("base64", ()), ("no-such-charset", ()),
])
def test_charset_labels_fold_into_the_codecs_browsers_use(label, family):
    assert codec_family(label) == family
