from healthpulse.crawlers.dedup import (
    StoryIndex,
    content_hash,
    minhash_from_bytes,
    minhash_of,
    minhash_to_bytes,
    shingles,
)

STORY = (
    "Patients at City General Hospital waited an average of nine hours in the emergency department last month, "
    "the longest delays since records began, according to figures published by the regional health authority. "
    "The hospital said a shortage of nurses and a surge in respiratory infections had left dozens of patients on "
    "trolleys in corridors. The regional health department said it would send additional staff."
)
REWRITE = (
    "According to figures published by the regional health authority, patients at City General Hospital waited an "
    "average of nine hours in the emergency department last month, the longest delays since records began. "
    "The hospital said a shortage of nurses and a surge in respiratory infections had left dozens of patients on "
    "trolleys in corridors. The regional health department said it would send extra staff."
)
OTHER = (
    "Community health centres across the northern district will stay open until 8 pm on weekdays to offer measles "
    "vaccinations after eleven confirmed cases were reported among schoolchildren this month."
)
AR = "أعلن وزير الصحة والسكان تلقي خمسة ملايين اتصال من المواطنين على الخطوط الساخنة لوزارة الصحة خلال العام الماضي"
AR_VARIANT = "أَعلن وزير الصّحة والسكان تلقي خمسة ملايين اتصال من المواطنين على الخطوط الساخنة لوزارة الصحه خلال العام الماضي"


def test_content_hash_ignores_case_whitespace_punctuation_and_diacritics():
    assert content_hash(STORY) == content_hash("  " + STORY.upper().replace(",", " ,") + "\n")
    assert content_hash(AR) == content_hash(AR_VARIANT)  # tashkeel and ة/ه folded
    assert content_hash(STORY) != content_hash(REWRITE)


def test_shingles_are_folded_word_trigrams():
    assert shingles("Ёлка в Сургуте стоит") == {"елка в сургуте".encode(), "в сургуте стоит".encode()}
    assert shingles("two words") == {b"two words"}
    assert shingles("") == set()


def test_near_duplicates_join_one_story_and_unrelated_texts_do_not():
    index = StoryIndex()
    first, _ = index.assign("doc-a", STORY)
    assert first.story_id == "doc-a" and first.matched_document_id is None
    rewrite, _ = index.assign("doc-b", REWRITE)
    assert rewrite.story_id == "doc-a" and rewrite.matched_document_id == "doc-a"
    assert 0.5 <= rewrite.similarity < 1.0
    other, _ = index.assign("doc-c", OTHER)
    assert other.story_id == "doc-c"
    # a copy of the rewrite joins the same story (the story id propagates)
    again, _ = index.assign("doc-d", REWRITE + " Updated at 10:00.")
    assert again.story_id == "doc-a"


def test_signatures_survive_persistence():
    sig = minhash_of(STORY)
    restored = minhash_from_bytes(minhash_to_bytes(sig))
    assert restored.jaccard(sig) == 1.0
    fresh = StoryIndex()
    fresh.load([("doc-a", "story-1", minhash_to_bytes(sig))])
    assert "doc-a" in fresh and len(fresh) == 1
    match, _ = fresh.assign("doc-b", REWRITE)
    assert match.story_id == "story-1"
