import pytest

from tests.support.wer import cer, check_transcript, key_word_heard, wer


def test_wer_counts_substitutions_insertions_deletions():
    assert wer("the doctor did not come", "The doctor did not come.") == 0.0
    assert wer("the doctor did not come", "the doctor not come today") == 0.4  # 1 deletion + 1 insertion
    assert wer("a b c d", "x b c d") == 0.25
    assert wer("", "") == 0.0


def test_cer_ignores_spaces_and_keeps_tones():
    assert cer("bác sĩ", "bácsĩ") == 0.0
    assert cer("bác sĩ", "bac sĩ") == 0.2


# Transcripts Whisper base produced for the synthetic voices on the development machine, and the ru sentence
# with the CI machine's mishearing of "врачи не" as "врачуне" (issue 15.14).
HEARD = {
    "ru": ["Здравствуйте. В больнице нет инсулина. Врачуне отвечают на звонки.",
           "Издравствуйте, в больнице нет, инслулинно, врачи не отвечают на звонки."],
    "en": ["Hello. The hospital insert has no insulin. The doctors do not answer the phone."],
    "vi": ["Xin chào, mềm viên không có phút, bác sĩ không chá lôi viên phói."],
}


@pytest.mark.parametrize(("language", "text"), [(lang, text) for lang, texts in HEARD.items() for text in texts],
                         ids=[f"{lang}-{i}" for lang, texts in HEARD.items() for i, _ in enumerate(texts)])
def test_transcript_check_accepts_what_whisper_really_hears(language, text):
    check_transcript(language, language, text)


@pytest.mark.parametrize("language", list(HEARD))
def test_transcript_check_refuses_wrong_language_or_empty(language):
    right = HEARD[language][0]
    other = HEARD["en" if language != "en" else "ru"][0]
    for detected, text in ((language, ""), (language, other), ("ar", right), (language, "hello " * 12)):
        with pytest.raises(AssertionError):
            check_transcript(language, detected, text)


def test_key_words_are_heard_across_word_boundaries():
    assert key_word_heard("врачи", "Врачуне отвечают")  # glued and one letter off
    assert key_word_heard("bác sĩ", "bácsĩ không")
    assert key_word_heard("xin chào", "Xin chào,")
    assert not key_word_heard("врачи", "doctors do not answer")
    assert not key_word_heard("insulin", "")
