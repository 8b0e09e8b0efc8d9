"""The Analyzer contract: every field filled, bad input never crashes, models load once."""

from __future__ import annotations

import pytest
from healthpulse.core.domain import Document
from healthpulse.core.settings import Settings
from healthpulse.nlp.analyzer import Analyzer


def _doc(text, **kw):
    return Document(id=kw.pop("id", "d1"), text=text, **kw)


def test_a_full_analysis(analyzer):
    a = analyzer.analyze(_doc("В Сургуте пожилой мужчина умер, не дождавшись скорой помощи: бригада ехала два часа.",
                              title="Смерть в ожидании скорой"))
    assert a.language == "ru" and a.language_score > 0.9
    assert a.health_related is True and a.incident is True
    assert a.severity == "critical"
    assert a.sentiment.label == "negative"
    assert "emergency_care" in a.topic_ids
    assert a.department == "surgut" and "Сургут" in a.places
    assert a.components == ["language", "gazetteer", "features", "classifier", "severity"]


def test_non_health_news_is_not_an_incident(analyzer):
    a = analyzer.analyze(_doc("The city council of Leeds approved a new budget for road repairs and street lighting."))
    assert a.language == "en"
    assert a.health_related is False and a.incident is False
    assert a.severity is None and a.topics == []
    assert a.department == "leeds"


def test_praise_is_positive_and_not_an_incident(analyzer):
    a = analyzer.analyze(_doc("Xin chân thành cảm ơn các bác sĩ Bệnh viện Chợ Rẫy đã cứu sống mẹ tôi sau ca phẫu thuật."))
    assert a.language == "vi" and a.department == "hcmc"
    assert a.incident is False and a.sentiment.label == "positive"
    assert "Bệnh viện Chợ Rẫy" in a.facilities


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀🙏", "?!?!...", "\u200c"])
def test_no_letters_gives_und_and_a_warning(analyzer, text):
    a = analyzer.analyze(_doc(text))
    assert a.language == "und" and a.warnings
    assert a.health_related is None and a.sentiment is None and a.severity is None
    assert "classifier" not in a.components


def test_huge_text_is_cut_with_a_warning(analyzer):
    text = "В Сургуте в поликлинике огромные очереди к врачу. " * 25_000  # ~1.2 MB
    a = analyzer.analyze(_doc(text))
    assert a.language == "ru" and a.department == "surgut"
    assert any("cut" in w for w in a.warnings)


def test_mixed_language_text_gets_the_dominant_language(analyzer):
    a = analyzer.analyze(_doc("В Нижневартовске в больнице нет лекарств для онкобольных, люди покупают их сами. "
                              "Родственники пишут жалобы в минздрав. Ok, thanks."))
    assert a.language == "ru" and a.department == "nizhnevartovsk"


def test_department_hint_is_used_only_without_a_place(analyzer):
    a = analyzer.analyze(_doc("Очереди в поликлинике по три часа, врачей не хватает.", department_hint="surgut"))
    assert a.department == "surgut" and a.places == []
    b = analyzer.analyze(_doc("Очереди в поликлинике Нефтеюганска по три часа.", department_hint="surgut"))
    assert b.department == "nefteyugansk"


def test_language_hint_helps_only_when_unsure(analyzer):
    assert analyzer.analyze(_doc("ok", language_hint="vi")).language in ("en", "vi")
    assert analyzer.analyze(_doc("Скорая ехала два часа", language_hint="en")).language == "ru"


def test_batch_equals_single(analyzer):
    docs = [_doc(t, id=f"d{i}") for i, t in enumerate([
        "تأخرت سيارة الإسعاف في الرياض ساعتين", "", "Bệnh viện ở Đà Nẵng quá tải", "بیمارستان امام رضا شلوغ است"])]
    many = analyzer.analyze_many(docs, batch_size=2)
    assert [a.language for a in many] == ["ar", "und", "vi", "fa"]
    for d, a in zip(docs, many, strict=True):
        single = analyzer.analyze(d)
        assert single.department == a.department and single.incident == a.incident
        assert single.topic_ids == a.topic_ids


def test_models_are_shared_between_analyzers(departments):
    """Two analyzers made one after the other share one bundle (the session fixture's may have been evicted
    from the small per-process cache by tests that load other model folders)."""
    first, other = (Analyzer.from_settings(Settings(), departments) for _ in range(2))
    assert other.bundle is first.bundle
    assert other.nlp.get_pipe("hp_features").e5 is not None


def test_taxonomy_file_errors_name_the_place(tmp_path, departments):
    from healthpulse.core.config_files import ConfigError

    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("topics:\n  - id: Bad Id\n    labels: {en: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"taxonomy.yaml:2: topics\[0\].id"):
        Analyzer.from_settings(Settings(taxonomy_file=bad), departments)


def test_a_deployment_topic_without_a_head_uses_its_examples(tmp_path, departments):
    import yaml
    from healthpulse.nlp.taxonomy import DEFAULT_TAXONOMY

    data = yaml.safe_load(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))
    data["topics"].append({"id": "mental_health", "labels": {"en": "Mental health"},
                           "examples": ["psychiatric hospital patients complain", "нет психиатра в больнице",
                                        "depression and anxiety treatment waiting list"]})
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    a = Analyzer.from_settings(Settings(taxonomy_file=path), departments)
    res = a.analyze(_doc("Patients of the psychiatric hospital in Leeds complain that there is no psychiatrist for weeks."))
    assert "mental_health" in res.topic_ids
