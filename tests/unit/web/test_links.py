"""tel: links only for phone numbers, hrefs only for http(s) URLs."""

import pytest
from healthpulse.core.links import http_link as http_url
from healthpulse.web.links import tel_uri


@pytest.mark.parametrize("phone,uri", [
    ("+7 (912) 345-67-89", "tel:+79123456789"),
    ("٠١٠٠ ٢٢٢ ٣٣٣٣", "tel:01002223333"),
    ("+98 ۹۱۲ ۳۴۵ ۶۷۸۹", "tel:+989123456789"),
    ("1234", None),                      # too short to be a number
    ("+1 234 567 890 123 456", None),    # more than E.164's 15 digits
    ("12+34567", None),
    ("call me: 8 912 345 67 89", None),
    ('+7912"><b>', None),
    ("", None),
    (None, None),
])
def test_tel_uri(phone, uri):
    assert tel_uri(phone) == uri


@pytest.mark.parametrize("url,ok", [
    ("https://news.example/a?b=1", True),
    ("HTTP://news.example/", True),
    ("javascript:alert(1)", False),
    (" javascript:alert(1)", False),
    ("data:text/html,<b>x</b>", False),
    ("//evil.example/x", False),
    ("https:///nohost", False),
    ("http://[::1", False),
    (None, False),
])
def test_http_url(url, ok):
    assert (http_url(url) is not None) is ok
