"""Helpers for web tests and benchmarks: a real app on a real embedded container, users, sample data.

Nothing here is a mock: the app, the database, the FTS5 index, the alerts
engine and the appeal intake are the production ones, on a temporary
SQLite file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from healthpulse.core.domain import Analysis, Channel, Document, PlaceMatch, Sentiment, TopicScore, stable_id
from healthpulse.web.app import create_app
from healthpulse.web.services import users as user_svc

PASSWORD = "correct-horse-battery"  # noqa: S105 - test accounts only
TOPIC_IDS = ["drug_supply", "waiting_times", "staff_conduct", "facility_conditions", "emergency_care",
             "medical_error", "infectious_disease", "payment_insurance", "digital_services", "maternal_child"]


def make_web_container(tmp_path: Path, clock: Any = None, **overrides: Any) -> Any:
    from tests.support.containers import make_container

    return make_container(tmp_path, clock=clock, **overrides)


def make_web_app(container: Any, **config: Any) -> Flask:
    app = create_app(container.settings, container)
    app.config.update(config)
    return app


@dataclass
class Account:
    username: str
    password: str
    role: str
    department: str | None


def add_user(container: Any, username: str, role: str, department: str | None = None,
             password: str = PASSWORD) -> Account:
    with container.session() as s:
        user_svc.create_user(s, username, None if role == "pbx" else password, role, department,
                             known_departments=container.departments.ids)
    return Account(username, password, role, department)


def api_token(container: Any, username: str) -> str:
    from healthpulse.core.models.users import User
    from sqlalchemy import select

    with container.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        return user_svc.create_api_token(s, user, "test")


def login(client: Any, username: str, password: str = PASSWORD) -> Any:
    """Log in through the real form (fetches the CSRF token from the page first)."""
    page = client.get("/auth/login")
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/auth/login", data={"username": username, "password": password, "csrf_token": token})


def csrf_from(html: str) -> str:
    marker = 'name="csrf_token" type="hidden" value="'
    i = html.find(marker)
    if i < 0:
        marker = 'name="csrf_token" value="'
        i = html.find(marker)
    assert i >= 0, "no CSRF token in page"
    start = i + len(marker)
    return html[start:html.index('"', start)]


def version_from(html: str) -> str:
    """The ticket version a ticket page's state-changing forms carry (their hidden ``version`` field)."""
    marker = 'name="version" value="'
    i = html.find(marker)
    assert i >= 0, "no ticket version in page"
    start = i + len(marker)
    return html[start:html.index('"', start)]


def news_document(i: int, *, department: str, published: datetime, language: str = "en",
                  sentiment: str = "negative", topics: list[str] | None = None, story: str | None = None,
                  incident: bool = False, text: str | None = None, source: str = "example-news",
                  channel: Channel = Channel.NEWS) -> Document:
    """A news document with a given analysis (so tests don't need the NLP models)."""
    topics = topics or ["waiting_times"]
    body = text or f"Patients in {department} report long waiting times at the clinic, article {i}."
    return Document(
        id=stable_id("test-news", str(i)), channel=channel, source=source, url=f"https://{source}.example/{i}",
        title=f"Story {i} about {topics[0]} in {department}", text=body, published_at=published, fetched_at=published,
        story_id=story,
        analysis=Analysis(language=language, sentiment=Sentiment(label=sentiment, score=0.9),  # type: ignore[arg-type]
                          topics=[TopicScore(id=t, score=0.8) for t in topics], places=[department],
                          place_matches=[PlaceMatch(text=department, name=department, department=department)],
                          department=department, health_related=True, incident=incident,
                          severity="high" if incident else None, components=["test"]),
    )


def seed_news(container: Any, n: int, *, departments: list[str], start: datetime, days: int = 30,
              seed: int = 7) -> list[Document]:
    """``n`` analysed news documents spread over ``days`` days and the given departments."""
    rnd = random.Random(seed)
    langs = ["ru", "ar", "fa", "vi", "en"]
    docs = []
    for i in range(n):
        dep = departments[i % len(departments)]
        docs.append(news_document(
            i, department=dep, published=start + timedelta(hours=rnd.randrange(days * 24)),
            language=langs[i % 5], sentiment=rnd.choice(["negative", "negative", "neutral", "positive"]),
            topics=rnd.sample(TOPIC_IDS, 2), story=f"story-{i % 7}" if i % 3 == 0 else None,
            incident=i % 11 == 0, source=f"source-{i % 4}"))
    container.pipeline.ingest_many(docs)
    return docs


def submit_appeal(container: Any, department: str, text: str = "The pharmacy at the city hospital has had no insulin for two weeks.",
                  language: str = "en", topic: str = "drug_supply", **contact: Any) -> str:
    from healthpulse.web.services.appeals import TextAppeal, submit_text_appeal

    code = submit_text_appeal(container, TextAppeal(language=language, topic=topic, department_id=department,
                                                    description=text, consent=True, **contact))
    run_appeal_jobs(container)
    return code


def run_appeal_jobs(container: Any) -> int:
    """What the worker does after appeals were accepted: analyse, route, open their tickets (issue 16: not in the request)."""
    return int(container.worker.run_until_idle(kinds=["appeals.analyse"]))


def ticket_id_for(container: Any, code: str) -> int:
    """The ticket of an appeal, once the worker ran its queued analysis."""
    from healthpulse.appeals.lifecycle import get_by_code
    from healthpulse.core.models.tickets import TicketRow
    from sqlalchemy import select

    run_appeal_jobs(container)
    with container.session() as s:
        appeal = get_by_code(s, code)
        assert appeal is not None
        tid = s.scalar(select(TicketRow.id).where(TicketRow.appeal_id == appeal.id))
        assert tid is not None, "the alerts engine opened no ticket for the appeal"
        return int(tid)
