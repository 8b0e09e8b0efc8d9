"""Places and facilities → department: inflection, clitics, variants, abbreviations, and the choice rule."""

from __future__ import annotations

import pytest
from healthpulse.core.departments import DepartmentsFile
from healthpulse.nlp.gazetteer import PlaceGazetteer


@pytest.fixture(scope="module")
def gaz(departments):
    return PlaceGazetteer(departments)


@pytest.mark.parametrize(("text", "department", "name"), [
    ("Вчера в Сургуте закрыли приёмное отделение", "surgut", "Сургут"),
    ("Пациентку привезли из Нижневартовска", "nizhnevartovsk", "Нижневартовск"),
    ("Жители Сургута жалуются", "surgut", "Сургут"),
    ("в сургутской поликлинике очередь", "surgut", "Сургут"),
    ("Больница в Ханты-Мансийске", "khanty_mansiysk", "Ханты-Мансийск"),
    ("Ситуация в Нефтеюганске", "nefteyugansk", "Нефтеюганск"),
    ("الازدحام في مستشفيات بالقاهرة", "cairo", "القاهرة"),
    ("وصل المرضى والجيزة تستعد", "giza", "الجيزة"),
    ("عيادة في الإسكندرية", "alexandria", "الإسكندرية"),
    ("عيادة في الاسكندرية", "alexandria", "الإسكندرية"),
    ("أُرسل للقاهره", "cairo", "القاهرة"),
    ("مريض في جدة", "makkah", "جدة"),
    ("یک شهروند تهرانی گفت", "tehran", "تهران"),
    ("بیمارستان در تهران", "tehran", "تهران"),
    ("درمانگاه‌های اصفهان\u200c شلوغ است", "isfahan", "اصفهان"),
    ("تهرانی\u200cها معترضند", "tehran", "تهران"),
    ("Bệnh viện ở TP.HCM quá tải", "hcmc", "TP.HCM"),
    ("Người dân Sài Gòn phản ánh", "hcmc", "Sài Gòn"),
    ("benh vien o Sai Gon qua tai", "hcmc", "Sài Gòn"),
    ("Bệnh viện tại TPHCM", "hcmc", "TP.HCM"),
    ("Thành phố Hồ Chí Minh có thêm ca bệnh", "hcmc", "Thành phố Hồ Chí Minh"),
    ("phòng khám ở Ha Noi", "hanoi", "Hà Nội"),
    ("A&E in Leeds is full", "leeds", "Leeds"),
    ("Manchester's hospitals", "manchester", "Manchester"),
])
def test_place_variants(gaz, text, department, name):
    matches, dep = gaz.analyse(text)
    assert dep == department
    assert name in [m.name for m in matches]


@pytest.mark.parametrize(("text", "department", "facility"), [
    ("Пациент умер в Сургутской окружной клинической больнице", "surgut", "Сургутская окружная клиническая больница"),
    ("В Окружной клинической больнице Ханты-Мансийска ремонт", "khanty_mansiysk", "Окружная клиническая больница Ханты-Мансийска"),
    ("حادث في بمستشفى القصر العيني", "cairo", "مستشفى القصر العيني"),
    ("در بیمارستان امام رضا", "mashhad", "بیمارستان امام رضا"),
    ("Bệnh viện Chợ Rẫy quá tải", "hcmc", "Bệnh viện Chợ Rẫy"),
    ("at Queen Elizabeth Hospital Birmingham", "birmingham", "Queen Elizabeth Hospital Birmingham"),
])
def test_facilities(gaz, text, department, facility):
    matches, dep = gaz.analyse(text)
    assert dep == department
    assert any(m.kind == "facility" and m.name == facility for m in matches)


@pytest.mark.parametrize(("text", "department", "also"), [
    # the place where it happened beats where the person comes from
    ("Житель Нефтеюганска скончался в Сургутской окружной клинической больнице", "surgut", "nefteyugansk"),
    ("Пациентов из Нефтеюганска направляют в онкоцентр в Сургуте", "surgut", "nefteyugansk"),
    ("Patients from Leeds are being sent for chemotherapy in Manchester", "manchester", "leeds"),
    ("يُحوَّل مرضى من الجيزة إلى مركز الأورام بالقاهرة", "cairo", "giza"),
    ("بیماران شیراز را به مرکز سرطان در اصفهان می‌فرستند", "isfahan", "shiraz"),
    ("Bệnh nhân từ Đà Nẵng được chuyển đến bệnh viện ở Hà Nội", "hanoi", "da_nang"),
])
def test_several_departments_pick_the_incident_place(gaz, text, department, also):
    matches, dep = gaz.analyse(text)
    assert dep == department
    assert {department, also} <= {m.department for m in matches}


@pytest.mark.parametrize("text", [
    "Сургутнефтегаз отчитался о прибыли",  # a company name built on the city's name
    "Каирнефтегаз",  # the Russian exonym fused into another word (a made-up company name)
    "Leedsbury council",
])
def test_no_false_positive_on_compound_words(gaz, text):
    assert gaz.analyse(text) == ([], None)


def test_hint_only_when_no_place(gaz):
    assert gaz.analyse("Очереди в поликлинике", department_hint="surgut") == ([], "surgut")
    _, dep = gaz.analyse("Очереди в поликлинике Нефтеюганска", department_hint="surgut")
    assert dep == "nefteyugansk"


def test_match_offsets_point_at_the_text(gaz):
    text = "Вчера в Сургуте"
    (m,), _ = gaz.analyse(text)
    assert text[m.start:m.end] == "Сургуте"


def test_empty_departments_file_matches_nothing():
    assert PlaceGazetteer(DepartmentsFile()).analyse("в Сургуте") == ([], None)


@pytest.mark.parametrize(("text", "department"), [
    ("در بیمارستانی در منچستر انسولین نیست", "manchester"),
    ("نقص في الأدوية في مستشفى بمانشستر", "manchester"),
    ("В больнице Каира нет мест", "cairo"),
    ("Вспышка кори в Тегеране", "tehran"),
    ("Bệnh viện ở Дананге", "da_nang"),
    ("کمبود دارو در هانوی", "hanoi"),
])
def test_a_city_in_another_languages_spelling_finds_its_department(gaz, text, department):
    """The bundled aliases give every department's city in the other languages (exonyms)."""
    assert gaz.analyse(text)[1] == department


def test_the_person_ho_chi_minh_is_not_the_city(gaz):
    assert gaz.analyse("Chủ tịch Hồ Chí Minh nói về sức khỏe")[1] is None


@pytest.mark.parametrize(("text", "department"), [
    ("Người dân Gò Vấp phản ánh trạm y tế hết vắc xin", "hcmc"),
    ("Bệnh nhân chuyển lên Bạch Mai trong đêm", "hanoi"),
    ("Cấp cứu ở BV Chợ Rẫy quá tải", "hcmc"),
    ("طوارئ القصر العيني مزدحمة منذ الصباح", "cairo"),
    ("نقص الأنسولين في صيدليات مدينة نصر", "cairo"),
    ("The walk-in centre in Headingley has closed early again", "leeds"),
    ("Queues at Wythenshawe Hospital A&E", "manchester"),
    ("В поликлинике Старого Вартовска нет терапевта", "nizhnevartovsk"),
])
def test_a_district_or_a_hospital_alone_finds_its_department(gaz, text, department):
    """Texts that name only a district or a hospital's short name (the bundled district aliases)."""
    assert gaz.analyse(text)[1] == department


@pytest.mark.parametrize("text", [
    "Anh ta giả làm bác sĩ để lừa tiền bệnh nhân",   # "giả làm" folds like the district Gia Lâm
    "Thuốc này cần giờ uống cố định",                 # "cần giờ" folds like Cần Giờ
    "bà định đi khám ngày mai",                        # "bà định" folds like Ba Đình
    "ستاره سپاهان مصدوم شد",                            # a football club, not Isfahan's department
])
def test_district_names_that_fold_to_common_words_are_not_places(gaz, text):
    assert gaz.analyse(text)[1] is None
