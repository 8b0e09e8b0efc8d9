from tests.support.wer import cer, wer


def test_wer_counts_substitutions_insertions_deletions():
    assert wer("the doctor did not come", "The doctor did not come.") == 0.0
    assert wer("the doctor did not come", "the doctor not come today") == 0.4  # 1 deletion + 1 insertion
    assert wer("a b c d", "x b c d") == 0.25
    assert wer("", "") == 0.0


def test_cer_ignores_spaces_and_keeps_tones():
    assert cer("bác sĩ", "bácsĩ") == 0.0
    assert cer("bác sĩ", "bac sĩ") == 0.2
