import pytest
from healthpulse.appeals.intake import submit_text_appeal
from healthpulse.appeals.lifecycle import AppealError, create_appeal, get_by_code, normalise_code, set_status
from healthpulse.core.domain import AppealStatus, Channel


def test_tracking_codes_are_unique_and_readable(container, clock):
    with container.session() as s:
        codes = {create_appeal(s, channel=Channel.TEXT_APPEAL, now=clock.now(), consent=True).tracking_code for _ in range(50)}
    assert len(codes) == 50
    for code in codes:
        assert code.startswith("HP-") and len(code) == 12
        assert not set(code[3:].replace("-", "")) & set("01OIL")


def test_code_lookup_tolerates_case_and_spacing(container, clock):
    with container.session() as s:
        code = create_appeal(s, channel=Channel.HOTLINE, now=clock.now(), consent=True).tracking_code
    with container.session() as s:
        assert get_by_code(s, code.lower().replace("-", " ")).tracking_code == code
        assert normalise_code("hp" + code[3:].replace("-", "")) == code


def test_consent_is_required(container, clock):
    with container.session() as s, pytest.raises(AppealError, match="consent"):
        create_appeal(s, channel=Channel.TEXT_APPEAL, now=clock.now(), consent=False)


def test_status_history_and_illegal_transition(container, clock):
    with container.session() as s:
        a = create_appeal(s, channel=Channel.VIDEO_APPEAL, now=clock.now(), consent=True)
        set_status(s, a, AppealStatus.VALIDATING, clock.now())
        set_status(s, a, AppealStatus.REJECTED, clock.now(), reason="no audio stream")
        assert [h["status"] for h in a.status_history] == ["received", "validating", "rejected"]
        assert a.rejection_reason == "no audio stream"
        with pytest.raises(AppealError, match="cannot go from rejected"):
            set_status(s, a, AppealStatus.ANALYSED, clock.now())


def test_text_appeal_is_stored_as_a_linked_document(container):
    code = submit_text_appeal(container, text="В поликлинике Сургута нет инсулина", consent=True,
                              language="ru", department_id="surgut", contact_phone="+7 900 000 00 00")
    with container.session() as s:
        appeal = get_by_code(s, code)
        assert appeal.department_id == "surgut" and appeal.document_id
    assert container.pipeline.count_documents() == 1


def test_text_appeal_validation(container):
    with pytest.raises(AppealError, match="empty"):
        submit_text_appeal(container, text="   ", consent=True)
    with pytest.raises(AppealError, match="unknown region"):
        submit_text_appeal(container, text="help", consent=True, department_id="atlantis")
    assert container.pipeline.count_documents() == 0
