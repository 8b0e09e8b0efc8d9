"""Backends for the search contract suite and the dataset they all index.

sqlite-fts always runs; OpenSearch and Elasticsearch are real nodes started by
``scripts/search-node.sh`` (CI: .ci/run), found through
HEALTHPULSE_TEST_OPENSEARCH_URL / HEALTHPULSE_TEST_ELASTICSEARCH_URL.  In CI
(env CI set) a missing node fails the tests; locally it skips them.
"""

from __future__ import annotations

import uuid
import zlib
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from healthpulse.indexes.query import IndexDoc, IndexReach
from healthpulse.indexes.sqlite_fts import SqliteFtsIndex

from tests.conftest import service_url

NODE_ENV = {"opensearch": "HEALTHPULSE_TEST_OPENSEARCH_URL", "elasticsearch": "HEALTHPULSE_TEST_ELASTICSEARCH_URL"}
BASE = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


def node_url(engine: str) -> str:
    return service_url(NODE_ENV[engine], f"the {engine} node (scripts/search-node.sh start {engine})")


def make_node_index(engine: str, **options):
    url = node_url(engine)
    prefix = f"hptest-{uuid.uuid4().hex[:10]}"
    if engine == "opensearch":
        from healthpulse.indexes.opensearch import OpenSearchIndex

        return OpenSearchIndex(url, prefix=prefix, **options)
    from healthpulse.indexes.elasticsearch import ElasticsearchIndex

    return ElasticsearchIndex(url, prefix=prefix, **options)


def _doc(n: int, lang: str, text: str, day: int, **kw) -> IndexDoc:
    hour = kw.pop("hour", 8)
    return IndexDoc(
        id=kw.pop("id", f"{lang}-{n:02d}"),
        language=lang,
        text=text,
        published_at=BASE + timedelta(days=day, hours=hour - 8),
        channel=kw.pop("channel", "news"),
        **kw,
    )


def topic_vector(topic: str, jitter: int = 0) -> list[float]:
    """A 384-d unit vector per topic (documents on one topic lie close); ``jitter`` varies it a little."""
    rng = np.random.default_rng(zlib.crc32(topic.encode()))
    v = rng.normal(size=384) + 0.3 * np.random.default_rng(jitter).normal(size=384)
    return (v / np.linalg.norm(v)).tolist()


def dataset() -> list[IndexDoc]:
    """The hand-written documents; every one with a language has a vector near its first topic's."""
    return [
        d.model_copy(update={"embedding": topic_vector(d.topics[0], i)}) if d.language != "und" else d
        for i, d in enumerate(_texts())
    ]


def _texts() -> list[IndexDoc]:
    """Hand-written documents in five languages over ~6 weeks (dates, filters, stemming, letter variants)."""
    return [
        # Russian: «больница» in several cases, Surgut, queues, medicines
        _doc(1, "ru", "В больнице Сургута закончились лекарства от давления", 0, title="Больница без лекарств",
             department="surgut", topics=["drug_supply"], topic_scores={"drug_supply": 0.91}, sentiment="negative",
             incident=True, severity="high", places=["Сургут"], source="ugra-news",
             reach=IndexReach(views=50_000, reactions=12), reach_total=50_000),
        _doc(2, "ru", "Очереди в поликлинике растут, пациенты ждут врача по три часа", 3, department="surgut",
             topics=["waiting_times"], sentiment="negative", incident=True, severity="medium", source="ugra-news"),
        _doc(3, "ru", "Новая больница открылась в Нижневартовске", 10, department="nizhnevartovsk",
             topics=["facility_conditions"], sentiment="positive", incident=False, source="nv-today"),
        _doc(4, "ru", "Жители жалуются на больницы региона: нет бахил и мыла", 21, department="surgut",
             topics=["facility_conditions"], sentiment="negative", incident=True, severity="low", channel="text_appeal"),
        _doc(5, "ru", "Ёлка в детской больнице: праздник для маленьких пациентов", 35, department="nizhnevartovsk",
             topics=["maternal_child"], sentiment="positive", incident=False),
        _doc(6, "ru", "Скорая помощь приехала через два часа", 38, department="surgut", topics=["emergency_care"],
             sentiment="negative", incident=True, severity="critical", channel="hotline", hour=8),
        # Arabic: المستشفى with clitics, hamza variants of الإسكندرية
        _doc(1, "ar", "نقص حاد في الأدوية في المستشفى الجامعي بالقاهرة", 1, department="cairo",
             topics=["drug_supply"], sentiment="negative", incident=True, severity="high", places=["القاهرة"]),
        _doc(2, "ar", "افتتاح مستشفى جديد في الإسكندرية", 5, department="alexandria", topics=["facility_conditions"],
             sentiment="positive", incident=False, places=["الإسكندرية"]),
        _doc(3, "ar", "طوابير طويلة بالمستشفى العام والمرضى ينتظرون الطبيب", 12, department="cairo",
             topics=["waiting_times"], sentiment="negative", incident=True, severity="medium",
             reach=IndexReach(views=40), reach_total=40),
        _doc(4, "ar", "وزارة الصحة تطلق حملة تطعيم ضد الحصبة", 22, department="cairo",
             topics=["infectious_disease"], sentiment="neutral", incident=False),
        _doc(5, "ar", "شكوى من سوء معاملة الممرضين في الاسكندرية", 30, department="alexandria",
             topics=["staff_conduct"], sentiment="negative", incident=True, severity="medium", channel="text_appeal"),
        _doc(6, "ar", "الأطباء في مستشفيات الجيزة يطالبون بزيادة الأجور", 38, department="giza",
             topics=["staff_conduct"], sentiment="neutral", incident=False, hour=8),
        # Persian: بیمارستان with/without ZWNJ plural, Persian vs Arabic yeh/kaf
        _doc(1, "fa", "کمبود دارو در بیمارستان‌ها تهران ادامه دارد", 2, department="tehran", topics=["drug_supply"],
             sentiment="negative", incident=True, severity="high", places=["تهران"]),
        _doc(2, "fa", "صف طولانی بیماران در بیمارستانهای شیراز", 6, department="shiraz", topics=["waiting_times"],
             sentiment="negative", incident=True, severity="medium",
             reach=IndexReach(reactions=5, forwards=3), reach_total=8),  # no view count: the interactions
        _doc(3, "fa", "پزشک کشیک بیمارستان به موقع نیامد", 14, department="tehran", topics=["staff_conduct"],
             sentiment="negative", incident=True, severity="high", channel="video_appeal"),
        _doc(4, "fa", "واکسیناسیون کودکان در مدارس آغاز شد", 23, department="shiraz", topics=["maternal_child"],
             sentiment="positive", incident=False),
        _doc(5, "fa", "نوبت‌دهی اینترنتی درمانگاه‌ها از کار افتاد", 31, department="tehran",
             topics=["digital_services"], sentiment="negative", incident=True, severity="low"),
        _doc(6, "fa", "داروخانه‌های شبانه‌روزی در تهران افزایش یافت", 38, department="tehran", topics=["drug_supply"],
             sentiment="positive", incident=False, hour=8),
        # Vietnamese: tones
        _doc(1, "vi", "Bệnh viện Chợ Rẫy quá tải, bệnh nhân nằm ghép", 2, department="hcmc",
             topics=["facility_conditions"], sentiment="negative", incident=True, severity="high", places=["TP.HCM"]),
        _doc(2, "vi", "Thiếu thuốc điều trị ung thư tại bệnh viện tỉnh", 8, department="hanoi",
             topics=["drug_supply"], sentiment="negative", incident=True, severity="critical"),
        _doc(3, "vi", "Người dân phải chờ khám hơn năm tiếng", 15, department="hcmc", topics=["waiting_times"],
             sentiment="negative", incident=True, severity="medium", channel="hotline"),
        _doc(4, "vi", "Đường dây nóng Bộ Y tế tiếp nhận phản ánh về thuốc giả", 24, department="hanoi",
             topics=["drug_supply"], sentiment="neutral", incident=False, reach=IndexReach(views=0), reach_total=0),
        _doc(5, "vi", "Bác sĩ được khen vì cứu sống sản phụ", 32, department="hanoi", topics=["maternal_child"],
             sentiment="positive", incident=False),
        _doc(6, "vi", "Ứng dụng đặt lịch khám bệnh viện bị lỗi", 38, department="hcmc",
             topics=["digital_services", "waiting_times"], sentiment="negative", incident=True, severity="low", hour=8),
        # English
        _doc(1, "en", "Hospitals report shortages of insulin", 4, department="london", topics=["drug_supply"],
             sentiment="negative", incident=True, severity="high", source="health-wire"),
        _doc(2, "en", "Waiting lists at the hospital grew again this winter", 9, department="london",
             topics=["waiting_times"], sentiment="negative", incident=True, severity="medium", source="health-wire",
             reach=IndexReach(views=40, comments=2), reach_total=40),
        _doc(3, "en", "New maternity ward opens with praise from mothers", 16, department="leeds",
             topics=["maternal_child"], sentiment="positive", incident=False),
        _doc(4, "en", "Nurse strike planned as staff shortages worsen", 25, department="leeds",
             topics=["staff_conduct"], sentiment="negative", incident=False, channel="email"),
        _doc(5, "en", "Measles outbreak: hospital doctors urge vaccination", 33, department="london",
             topics=["infectious_disease"], sentiment="negative", incident=True, severity="high"),
        _doc(6, "en", "Online appointment system crashes at the hospital", 38, department="leeds",
             topics=["digital_services"], sentiment="negative", incident=True, severity="low", hour=8),
        # No language detected: goes to the folded standard field
        _doc(1, "und", "COVID-19 test centre closed", 38, hour=8, topics=["infectious_disease"]),
    ]


@pytest.fixture
def make_node():
    """``make_node(engine, **options)``: a node index with a fresh prefix (caller drops it)."""
    return make_node_index


@pytest.fixture
def search_node_url():
    """``search_node_url(engine)``: the test node's URL (skip locally / fail in CI when missing)."""
    return node_url


@pytest.fixture(scope="session")
def docs() -> list[IndexDoc]:
    return dataset()


@pytest.fixture(scope="module")
def reference(docs, tmp_path_factory):
    """The embedded backend loaded with the dataset: what every node must answer too."""
    index = SqliteFtsIndex(tmp_path_factory.mktemp("ref") / "search.db")
    index.upsert(docs)
    yield index
    index.close()


@pytest.fixture(
    scope="module",
    params=[
        "sqlite-fts",
        pytest.param("opensearch", marks=pytest.mark.integration),
        pytest.param("elasticsearch", marks=pytest.mark.integration),
        # OpenSearch again with text analysed in Python (the path minimal nodes take)
        pytest.param("opensearch-preanalysed", marks=pytest.mark.integration),
    ],
)
def backend(request, docs, tmp_path_factory):
    """Each backend loaded with the dataset, written in two batches (re-upserting one doc to prove idempotence)."""
    if request.param == "sqlite-fts":
        index = SqliteFtsIndex(tmp_path_factory.mktemp("fts") / "search.db")
    elif request.param == "opensearch-preanalysed":
        index = make_node_index("opensearch", analysis="client")
    else:
        index = make_node_index(request.param)
    index.ensure_ready()
    if request.param == "opensearch":
        assert index.mode == "engine"  # the node's own per-language analyzers
    if request.param != "sqlite-fts":  # the test nodes have a kNN field type (OpenSearch: the k-NN plugin)
        assert index.vector_field == ("knn_vector" if request.param.startswith("opensearch") else "dense_vector")
    index.upsert(docs[:10])
    index.upsert(docs[5:])
    index.refresh()
    yield index
    if request.param != "sqlite-fts":
        index.drop()
    index.close()
