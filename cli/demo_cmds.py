"""`healthpulse demo`: the whole product on the embedded default with bundled sample data."""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
from pathlib import Path

from healthpulse.cli.common import EXIT_OK, CliError, open_container
from healthpulse.core.gc_freeze import freeze_startup_objects
from healthpulse.core.settings import load_settings
from healthpulse.web.app import create_app
from healthpulse.web.demo import create_demo_accounts
from healthpulse.web.security import plain_http_warning, server_options
from healthpulse.wiring.background import BackgroundWorker
from healthpulse.wiring.container import Container
from healthpulse.wiring.demo import load_demo, load_items
from healthpulse.wiring.demo_mail import DemoMailbox
from tqdm import tqdm
from waitress import serve


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("demo", help="fresh embedded instance + bundled sample data, then serve the web UI")
    p.add_argument("--dir", default="healthpulse-demo", help="folder of the demo instance (recreated; default %(default)s)")
    p.add_argument("--no-serve", action="store_true", help="load and print the summary, do not start the web server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    base = Path(args.dir).resolve()
    if base.exists():
        if not (base / "healthpulse.db").exists() and any(base.iterdir()):
            raise CliError(f"{base} exists and is not a healthpulse demo folder; choose another --dir")
        shutil.rmtree(base)
    base.mkdir(parents=True)
    mail = DemoMailbox(base / "mail").start()
    settings = load_settings(
        None,
        database_url=f"sqlite:///{base / 'healthpulse.db'}",
        data_dir=base / "data",
        base_url=f"http://{args.host}:{args.port}",
        smtp_host="127.0.0.1",
        smtp_port=mail.port,
        **({} if _has_secret() else {"secret_key": secrets.token_urlsafe(32)}),
    )
    container = open_container(args, settings=settings)
    items = load_items()
    print(f"healthpulse demo: loading {len(items)} sample items into {base}", file=sys.stderr)
    with tqdm(total=len(items), desc="demo", unit="doc", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        summary = load_demo(container, items, on_progress=bar.update)  # runs the due jobs: mail is sent
    summary.extra["e-mail notifications delivered"] = f"{mail.delivered} (Maildir: {base / 'mail'})"
    print("\n".join(summary.lines()))
    sys.stdout.flush()
    if args.no_serve:
        container.close()
        mail.stop()
        return EXIT_OK
    worker = BackgroundWorker(container).start()
    try:
        return _serve(container, args.host, args.port)
    finally:
        worker.stop()
        mail.stop()


def _has_secret() -> bool:
    return bool(os.environ.get("HEALTHPULSE_SECRET_KEY"))


def _serve(container: Container, host: str, port: int) -> int:

    app = create_app(container.settings, container=container, demo=True)
    print("demo accounts (user / password / role / department):")
    for user, password, role, dep in create_demo_accounts(container):
        print(f"  {user} / {password} / {role} / {dep or '-'}")
    print(f"serving on http://{host}:{port}/  (Ctrl-C to stop)")
    warning = plain_http_warning(host, container.settings.trusted_proxies)
    if warning:
        print(f"healthpulse: {warning}", file=sys.stderr)
    sys.stdout.flush()
    freeze_startup_objects()
    serve(app, host=host, port=port, threads=8, **server_options(container.settings.trusted_proxies))
    return EXIT_OK
