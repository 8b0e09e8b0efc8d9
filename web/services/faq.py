"""FAQ entries, usefulness votes and the topics that generate appeals without FAQ coverage."""

from __future__ import annotations

from dataclasses import dataclass

from healthpulse.core.domain import utcnow
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.appeals import AppealRow
from healthpulse.core.models.faq import FaqEntry
from sqlalchemy import func, select
from sqlalchemy.orm import Session


class FaqError(HealthpulseError, ValueError):
    error_code = "invalid"


def usefulness(entry: FaqEntry) -> float | None:
    """Share of "yes" votes (0..1), or None before the first vote."""
    total = entry.useful_yes + entry.useful_no
    return entry.useful_yes / total if total else None


def list_faq(session: Session, language: str | None = None, topic: str | None = None,
             published_only: bool = True) -> list[FaqEntry]:
    q = select(FaqEntry)
    if language:
        q = q.where(FaqEntry.language == language)
    if topic:
        q = q.where(FaqEntry.topic == topic)
    if published_only:
        q = q.where(FaqEntry.published.is_(True))
    return list(session.scalars(q.order_by(FaqEntry.topic, FaqEntry.position, FaqEntry.id)))


def get_faq(session: Session, entry_id: int) -> FaqEntry | None:
    return session.get(FaqEntry, entry_id)


def save_faq(session: Session, *, topic: str, language: str, question: str, answer: str, position: int = 0,
             published: bool = True, entry: FaqEntry | None = None) -> FaqEntry:
    question, answer = question.strip(), answer.strip()
    if not question or not answer:
        raise FaqError("question and answer are required")
    if entry is None:
        entry = FaqEntry(useful_yes=0, useful_no=0, created_at=utcnow())
        session.add(entry)
    entry.topic, entry.language, entry.question, entry.answer = topic, language, question, answer
    entry.position, entry.published, entry.updated_at = position, published, utcnow()
    session.flush()
    return entry


def delete_faq(session: Session, entry_id: int) -> bool:
    entry = session.get(FaqEntry, entry_id)
    if entry is None:
        return False
    session.delete(entry)
    return True


def vote(session: Session, entry_id: int, useful: bool) -> FaqEntry | None:
    entry = session.get(FaqEntry, entry_id)
    if entry is None or not entry.published:
        return None
    if useful:
        entry.useful_yes = FaqEntry.useful_yes + 1  # type: ignore[assignment]
    else:
        entry.useful_no = FaqEntry.useful_no + 1  # type: ignore[assignment]
    session.flush()
    session.refresh(entry)
    return entry


@dataclass(frozen=True)
class CoverageGap:
    topic: str
    appeals: int
    faq_entries: int
    languages_without_faq: list[str]


def coverage_gaps(session: Session, languages: list[str]) -> list[CoverageGap]:
    """Topics citizens appeal about, with how well the FAQ covers them (worst first).

    A topic is a gap when it has appeals and no published FAQ entry in some
    language that appeals came in.
    """
    appeal_counts: dict[str, int] = dict(session.execute(  # type: ignore[arg-type]
        select(AppealRow.topic, func.count()).where(AppealRow.topic.is_not(None)).group_by(AppealRow.topic)
    ).all())
    appeal_langs: dict[str, set[str]] = {}
    for topic, lang in session.execute(
        select(AppealRow.topic, AppealRow.language).where(AppealRow.topic.is_not(None)).distinct()
    ):
        appeal_langs.setdefault(topic or "", set()).add(lang or "")
    faq: dict[str, set[str]] = {}
    faq_counts: dict[str, int] = {}
    for topic, lang in session.execute(select(FaqEntry.topic, FaqEntry.language).where(FaqEntry.published.is_(True))):
        faq.setdefault(topic, set()).add(lang)
        faq_counts[topic] = faq_counts.get(topic, 0) + 1
    gaps = []
    for topic, n in appeal_counts.items():
        missing = sorted(lang for lang in appeal_langs.get(topic, set()) if lang in languages and lang not in faq.get(topic, set()))
        if missing or topic not in faq:
            gaps.append(CoverageGap(topic, int(n), faq_counts.get(topic, 0), missing))
    return sorted(gaps, key=lambda g: (g.faq_entries > 0, -g.appeals, g.topic))
