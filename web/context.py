"""Request-scoped access to the container, DB sessions and the logged-in principal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for
from healthpulse.web.services.context import WebContext
from healthpulse.web.services.users import Principal, get_user, to_principal
from sqlalchemy.orm import Session


def container() -> WebContext:
    c: WebContext | None = current_app.extensions.get("healthpulse")
    if c is None:
        abort(503)
    return c


@contextmanager
def db() -> Iterator[Session]:
    """A session that commits on success (the container's unit of work)."""
    with container().session() as s:
        yield s


def current_principal() -> Principal | None:
    """The logged-in user (re-read from the DB so deactivation and role changes apply at once)."""
    if "principal" in g:
        return g.principal  # type: ignore[no-any-return]
    principal = None
    user_id = session.get("user_id")
    if user_id is not None:
        with db() as s:
            user = get_user(s, int(user_id))
            if user is not None and user.active and session.get("auth_epoch") == user.password_hash[-16:]:
                principal = to_principal(user)
        if principal is None:
            session.clear()
    g.principal = principal
    return principal


def require_role(*roles: str) -> Callable[..., Any]:
    """Login required; 403 for a logged-in user whose role is not in ``roles`` (admin passes everywhere)."""

    def deco(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            p = current_principal()
            if p is None:
                return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
            if p.role not in roles and not p.is_admin:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return deco
