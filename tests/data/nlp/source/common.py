"""Scenario record: one real-world situation written by hand in five languages, with its labels.

Topic letters: D drug_supply, W waiting_times, S staff_conduct, C facility_conditions, E emergency_care,
M medical_error, I infectious_disease, P payment_insurance, G digital_services, K maternal_child.
kind: "c" citizen voice (framed as transcript / hotline / e-mail), "n" news voice.
cls: "inc" health incident, "hp" health-related but not an incident, "nh" not about healthcare.
Sentiment guideline: negative = a failure, harm, loss or complaint; positive = praise, thanks, or an
improvement/achievement that has happened; neutral = announcements of plans and rules (what will
happen), questions, factual notices.
"""

TOPIC_LETTERS = {
    "D": "drug_supply", "W": "waiting_times", "S": "staff_conduct", "C": "facility_conditions",
    "E": "emergency_care", "M": "medical_error", "I": "infectious_disease", "P": "payment_insurance",
    "G": "digital_services", "K": "maternal_child",
}
SENT = {"neg": "negative", "neu": "neutral", "pos": "positive"}


def X(kind, cls, sev, sent, topics, **texts):
    assert kind in ("c", "n") and cls in ("inc", "hp", "nh")
    assert (sev is None) == (cls != "inc"), texts["en"]
    assert set(texts) == {"en", "ru", "ar", "fa", "vi"}, texts.get("en")
    return {
        "kind": kind,
        "health_related": cls != "nh",
        "incident": cls == "inc",
        "severity": sev,
        "sentiment": SENT[sent],
        "topics": sorted(TOPIC_LETTERS[t] for t in topics),
        "texts": texts,
    }
