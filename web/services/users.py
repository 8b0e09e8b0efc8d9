"""Users, roles, password hashing (argon2) and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from healthpulse.core.domain import utcnow
from healthpulse.core.errors import HealthpulseError
from healthpulse.core.models.users import ROLES, ApiToken, User
from sqlalchemy import select
from sqlalchemy.orm import Session

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile (argon2-cffi defaults)
# Verifying against a dummy hash when the user does not exist keeps login timing uniform.
_DUMMY_HASH = _hasher.hash("healthpulse-dummy-password")


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (tests use cheaper ones; hashes record their own parameters)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("healthpulse-dummy-password")
MIN_PASSWORD_LENGTH = 10
# A pbx account's password_hash: no password matches it (not an argon2 hash); the random tail keeps the session's
# ``auth_epoch`` distinct.  An exchange authenticates with its API token or its HMAC secret instead.
NO_PASSWORD = "!no-password:"  # noqa: S105 - a marker, not a secret
TOKEN_PREFIX = "hp_"  # noqa: S105 - a public marker, not a secret


class UserError(HealthpulseError, ValueError):
    """A user could not be created or changed; the message says why."""
    error_code = "invalid"


@dataclass(frozen=True)
class Principal:
    """Who is making a request: enough to decide access without a DB session."""

    user_id: int
    username: str
    role: str
    department_id: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def to_principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.role, user.department_id)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session,
    username: str,
    password: str | None,
    role: str,
    department_id: str | None = None,
    *,
    known_departments: list[str] | None = None,
    display_name: str | None = None,
) -> User:
    """A new account; a ``pbx`` account takes no password (``password`` None): it never signs in."""
    username = username.strip()
    if not username or len(username) > 64:
        raise UserError("username must be 1-64 characters")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if role == "department":
        if not department_id:
            raise UserError("a department user needs --department")
        if known_departments is not None and department_id not in known_departments:
            raise UserError(f"unknown department '{department_id}'")
    elif department_id:
        raise UserError(f"role '{role}' is not scoped to a department")
    if role == "pbx" and password is not None:
        raise UserError("a pbx account has no password: the exchange authenticates with its API token or its HMAC "
                        "secret")
    if role != "pbx" and len(password or "") < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserError(f"user '{username}' already exists")
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password) if password is not None else NO_PASSWORD + secrets.token_hex(16),
        role=role,
        department_id=department_id if role == "department" else None,
        active=True,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this password, or None (same work done either way)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    usable = user is not None and not user.password_hash.startswith(NO_PASSWORD)
    stored = user.password_hash if user is not None and usable else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not usable or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.role, User.username)))


def assignable_usernames(session: Session, department_id: str | None) -> list[str]:
    """Who may be handed a ticket of ``department_id``: its active officers, then the active admins.

    A ticket without a department (the triage queue) can only go to an admin.
    """
    officers: list[str] = []
    if department_id:
        officers = list(session.scalars(select(User.username).where(
            User.role == "department", User.department_id == department_id, User.active.is_(True))
            .order_by(User.username)))
    admins = list(session.scalars(select(User.username).where(User.role == "admin", User.active.is_(True))
                                  .order_by(User.username)))
    return officers + admins


def set_password(session: Session, user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)


def update_user(
    session: Session, user: User, *, role: str, department_id: str | None, active: bool,
    known_departments: list[str] | None = None,
) -> None:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if role == "department" and not department_id:
        raise UserError("a department user needs a department")
    if role == "department" and known_departments is not None and department_id not in known_departments:
        raise UserError(f"unknown department '{department_id}'")
    user.role = role
    user.department_id = department_id if role == "department" else None
    user.active = active


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(session: Session, user: User, name: str) -> str:
    """A new bearer token; the plain value is returned once and only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name[:100] or "token", prefix=token[:10],
                         token_hash=_token_hash(token), created_at=utcnow(), revoked=False))
    session.flush()
    return token


def principal_for_token(session: Session, token: str) -> Principal | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return to_principal(user)


def principal_for_username(session: Session, username: str) -> Principal | None:
    """An active account by name (a PBX that signed its request with the account's secret), else None."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        return None
    return to_principal(user)


def list_api_tokens(session: Session, user_id: int | None = None) -> list[ApiToken]:
    q = select(ApiToken).order_by(ApiToken.created_at.desc())
    if user_id is not None:
        q = q.where(ApiToken.user_id == user_id)
    return list(session.scalars(q))


def revoke_api_token(session: Session, token_id: int) -> bool:
    row = session.get(ApiToken, token_id)
    if row is None:
        return False
    row.revoked = True
    return True
