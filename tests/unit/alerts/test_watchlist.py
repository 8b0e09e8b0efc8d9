import pytest
from healthpulse.alerts.rules.base import RuleContext
from healthpulse.alerts.rules.watchlist import WatchlistRule, WatchlistRuleConfig
from healthpulse.alerts.textmatch import PhraseMatcher
from healthpulse.core.domain import utcnow

from .conftest import make_doc

TERMS = ["Сургутская окружная клиническая больница", "القاهرة", "مستشفى القصر العيني", "bệnh viện Chợ Rẫy",
         "بیمارستان امام خمینی", "Royal London Hospital"]


@pytest.mark.parametrize(("text", "expected"), [
    ("В Сургутской окружной клинической больнице умер пациент", "Сургутская окружная клиническая больница"),
    ("وفاة مريض بالقاهرة أمس", "القاهرة"),
    ("شكاوى في مستشفى القصر العيني", "مستشفى القصر العيني"),
    ("benh vien Cho Ray qua tai", "bệnh viện Chợ Rẫy"),
    ("در بیمارستان\u200cهای امام خمینی", "بیمارستان امام خمینی"),
    ("patients at the Royal London Hospital's A&E", "Royal London Hospital"),
])
def test_inflected_and_variant_forms_match(text, expected):
    assert PhraseMatcher(TERMS).find(text) == [expected]


@pytest.mark.parametrize("text", ["Москва, городская больница", "مستشفى الدمرداش", "bệnh viện Bạch Mai", "London weather"])
def test_other_places_do_not_match(text):
    assert PhraseMatcher(TERMS).find(text) == []


def test_watchlist_rule_routes_to_its_department():
    cfg = WatchlistRuleConfig(id="w", type="watchlist", terms=["Сургутская больница"], department="surgut", severity="high")
    rule = WatchlistRule(cfg)
    hit = make_doc("a", department=None, incident=False, text="Жалобы на Сургутскую больницу растут")
    miss = make_doc("b", department=None, incident=False, text="Новости Тюмени")
    firings = rule.evaluate(RuleContext(None, utcnow(), None), [hit, miss])  # type: ignore[arg-type]
    assert [(f.document_ids, f.department_id, f.severity) for f in firings] == [(["a"], "surgut", "high")]
    assert "Сургутская больница" in firings[0].reason
