"""`healthpulse serve` (waitress) and `healthpulse users` (accounts and API tokens for the web app)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from healthpulse.cli.common import EXIT_OK, CliError, add_config_args, open_container
from healthpulse.core.gc_freeze import freeze_startup_objects
from healthpulse.core.models.users import ROLES, User
from healthpulse.web.app import MissingSecretKey, create_app
from healthpulse.web.security import plain_http_warning, server_options
from healthpulse.web.services.users import UserError, create_api_token, create_user, list_users
from healthpulse.wiring.background import BackgroundWorker
from sqlalchemy import select
from waitress import serve


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="serve the web app (citizen portal, inbox, dashboard, API) with waitress")
    add_config_args(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--no-worker", action="store_true",
                   help="do not run background jobs in this process (run `healthpulse worker` separately)")
    p.set_defaults(func=cmd_serve)

    u = sub.add_parser("users", help="web accounts: add, list, token")
    usub = u.add_subparsers(dest="users_command", metavar="ACTION")
    usub.required = True
    add = usub.add_parser("add", help="create a user (password from --password-env or prompted; a pbx account has "
                                      "none: it authenticates with its API token or HMAC secret)")
    add_config_args(add)
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--department", help="department id (required for role department)")
    add.add_argument("--password-env", metavar="VAR", help="read the password from this environment variable")
    add.set_defaults(func=cmd_users_add)
    ls = usub.add_parser("list", help="list users")
    add_config_args(ls)
    ls.set_defaults(func=cmd_users_list)
    tok = usub.add_parser("token", help="create an API token for a user (printed once)")
    add_config_args(tok)
    tok.add_argument("username")
    tok.add_argument("--name", default="cli")
    tok.set_defaults(func=cmd_users_token)


def cmd_serve(args: argparse.Namespace) -> int:
    container = open_container(args)
    try:
        app = create_app(container.settings, container)
    except MissingSecretKey as exc:
        raise CliError(str(exc)) from None
    print(f"healthpulse: serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    warning = plain_http_warning(args.host, container.settings.trusted_proxies)
    if warning:
        print(f"healthpulse: {warning}", file=sys.stderr)
    # Distributed mode: the Celery workers run the jobs (transcription must not land in a web process).
    in_process = not args.no_worker and container.celery is None
    worker = BackgroundWorker(container).start() if in_process else None
    freeze_startup_objects()
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="healthpulse",
              **server_options(container.settings.trusted_proxies))
    finally:
        if worker is not None:
            worker.stop()
    return EXIT_OK


def _password(args: argparse.Namespace) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if not value:
            raise CliError(f"environment variable {args.password_env} is empty or not set")
        return value
    if not sys.stdin.isatty():
        raise CliError("no terminal to prompt for a password; use --password-env VAR")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise CliError("the passwords differ")
    return first


def cmd_users_add(args: argparse.Namespace) -> int:
    if args.role == "pbx" and args.password_env:
        raise CliError("a pbx account has no password: the exchange authenticates with its API token or its HMAC "
                       "secret; leave out --password-env")
    password = None if args.role == "pbx" else _password(args)  # an exchange never signs in
    container = open_container(args)
    try:
        with container.session() as s:
            create_user(s, args.username, password, args.role, args.department,
                        known_departments=container.departments.ids)
    except UserError as exc:
        raise CliError(str(exc)) from None
    finally:
        container.close()
    print(f"user {args.username} ({args.role}{' / ' + args.department if args.department else ''}) created")
    if args.role == "pbx":
        print(f"it has no password and cannot sign in; the exchange authenticates with a token "
              f"(healthpulse users token {args.username}, printed once) or with an HMAC secret for "
              f"{args.username} in HEALTHPULSE_PBX_HMAC_SECRETS (README: Pointing a PBX at healthpulse)")
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    container = open_container(args)
    with container.session() as s:
        for u in list_users(s):
            print(f"{u.username}\t{u.role}\t{u.department_id or '-'}\t{'active' if u.active else 'inactive'}")
    container.close()
    return EXIT_OK


def cmd_users_token(args: argparse.Namespace) -> int:
    container = open_container(args)
    with container.session() as s:
        user = s.scalar(select(User).where(User.username == args.username))
        if user is None:
            container.close()
            raise CliError(f"no user '{args.username}'")
        token = create_api_token(s, user, args.name)
    container.close()
    print(token)
    return EXIT_OK
