from healthpulse.crawlers.encoding import decode_html

RU = "<html><head><meta charset='windows-1251'></head><body><p>В Сургуте открылась новая поликлиника</p></body></html>"
AR = "<html><head><meta charset='windows-1256'></head><body><p>وزارة الصحة تعلن عن افتتاح مستشفى جديد في القاهرة</p></body></html>"
FA = "<html><body><p>خدمات سلامت الکترونیک به پنجره ملی خدمات دولت هوشمند پیوست</p></body></html>"
VI = "<html><body><p>Sở Y tế TP.HCM triển khai tổng đài hỗ trợ người dân</p></body></html>"


def test_windows_1251_with_right_and_wrong_header():
    body = RU.encode("cp1251")
    assert decode_html(body, "windows-1251")[0] == RU
    text, encoding = decode_html(body, "utf-8")  # header lies; the meta tag is right
    assert text == RU and encoding == "cp1251"


def test_windows_1256_with_a_latin1_header_and_no_meta():
    body = AR.replace("<meta charset='windows-1256'>", "").encode("cp1256")
    text, encoding = decode_html(body, "iso-8859-1")
    assert "وزارة الصحة" in text
    assert encoding == "cp1256"


def test_utf8_with_bom_and_without_any_declaration():
    text, encoding = decode_html(b"\xef\xbb\xbf" + FA.encode("utf-8"), None)
    assert text == FA and encoding == "utf-8"
    assert not text.startswith("\ufeff")


def test_utf8_served_with_a_wrong_legacy_header():
    text, encoding = decode_html(VI.encode("utf-8"), "windows-1251")
    assert text == VI and encoding == "utf-8"


def test_ascii_and_undecodable_bytes_never_raise():
    assert decode_html(b"<p>plain</p>", None)[0] == "<p>plain</p>"
    text, _ = decode_html(b"<p>\xff\xfe\xfa broken \x81</p>", "no-such-charset")
    assert "broken" in text
