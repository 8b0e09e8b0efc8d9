"""``BackgroundPush``: one push in flight, its error handed to the caller (real threads, no stand-ins)."""

from __future__ import annotations

import threading

import pytest
from healthpulse.ingest.index_push import BackgroundPush


def test_a_push_waits_for_the_one_in_flight():
    running = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def drain() -> None:
        order.append("start")
        running.set()
        release.wait(5)
        order.append("end")

    push = BackgroundPush(drain)
    push.submit()
    assert running.wait(5)
    threading.Timer(0.2, release.set).start()
    push.submit()  # waits for the first push before starting the second
    push.wait()
    assert order == ["start", "end", "start", "end"]


def test_the_error_of_a_push_reaches_the_caller_once():
    def drain() -> None:
        raise RuntimeError("database went away")

    push = BackgroundPush(drain)
    push.submit()
    with pytest.raises(RuntimeError, match="database went away"):
        push.wait()
    push.wait()  # reported once: the next wait has nothing to say
