"""Reading plans: the decisive fact deep in a long text is read, within the budget, in whole sentences."""

from __future__ import annotations

from healthpulse.nlp.chunking import plan_reading, sentences


def test_sentences_split_in_every_script():
    assert sentences("Первое. Второе! Третье?") == ["Первое.", "Второе!", "Третье?"]
    assert sentences("هل هناك دواء؟ لا يوجد.") == ["هل هناك دواء؟", "لا يوجد."]
    assert sentences("line one\n\nline two") == ["line one", "line two"]


def test_a_sentence_longer_than_the_limit_is_cut_at_words():
    long = " ".join(["word"] * 400)
    parts = sentences(long)
    assert len(parts) > 1 and all(len(p) <= 600 for p in parts)
    assert " ".join(parts) == long


def test_short_text_is_only_a_lead():
    plan = plan_reading("Title", "One sentence.")
    assert plan.pieces == ("Title One sentence.",)
    assert not plan.truncated


def test_fact_in_third_paragraph_is_read():
    filler = "The council met on Thursday to discuss the budget and the roads. " * 4
    body = f"{filler}\n\n{filler}\n\nAn ambulance took three hours to reach a dying man."
    plan = plan_reading(None, body)
    assert len(plan.lead) <= 300 + 70
    assert any("ambulance took three hours" in p for p in plan.chunks)


def test_budget_limits_chunks_and_says_so():
    body = " ".join(f"Sentence number {i} is here." for i in range(400))
    plan = plan_reading(None, body, max_chunks=3)
    assert len(plan.chunks) == 3
    assert plan.truncated
    assert all(len(c) <= 350 for c in plan.chunks)


def test_empty_text_still_has_a_lead():
    assert plan_reading(None, "   ").pieces == (".",)
