"""The web app for WSGI servers that import one (gunicorn in ``scripts/cluster.sh``: several web processes, one port).

``gunicorn 'healthpulse.wiring.wsgi:make_app()'``: settings from the ``HEALTHPULSE_*`` environment and
the optional YAML file ``HEALTHPULSE_CONFIG``; every config file is checked before the first request
(a mistake stops the process with its file, line and key). Background jobs are not run here: in
distributed mode the Celery workers run them; otherwise run `healthpulse worker` beside it.
"""

from __future__ import annotations

import os

from flask import Flask
from healthpulse.core.gc_freeze import freeze_startup_objects
from healthpulse.core.settings import load_settings
from healthpulse.web.app import create_app
from healthpulse.wiring.container import build_container


def make_app() -> Flask:
    settings = load_settings(os.environ.get("HEALTHPULSE_CONFIG") or None)
    container = build_container(settings)
    container.check_config()
    app = create_app(settings, container)
    freeze_startup_objects()  # full collections then skip start-up's objects (a 160 ms pause at 1M documents)
    return app
