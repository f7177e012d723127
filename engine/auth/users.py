"""Users, groups and tokens: the accounts both the API and (later) the page sign in with."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from ..errors import Conflict, Invalid, Unauthorized
from ..persistence.models import ApiToken, Group, User, UserGroup
from ..runtime.principal import Principal
from .secrets import hash_password, new_token, password_matches, token_digest

_NAME = re.compile(r"^[A-Za-z0-9_.@:-]{1,255}$")


def create_user(
    session: Session,
    username: str,
    *,
    now: datetime,
    admin: bool = False,
    groups: list[str] | tuple[str, ...] = (),
    password: str | None = None,
) -> str:
    """Creates the user with its groups and returns a new API token for it."""
    if not _NAME.match(username):
        raise Invalid("a username is 1-255 letters, digits or _ . @ : -", code="invalid_username")
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"user {username} exists", code="user_exists")
    user = User(
        username=username,
        is_admin=admin,
        created_at=now,
        password_hash=hash_password(password) if password else None,
    )
    session.add(user)
    session.flush()
    for key in dict.fromkeys(groups):
        if not _NAME.match(key):
            raise Invalid(f"invalid group key {key!r}", code="invalid_group")
        if session.get(Group, key) is None:
            session.add(Group(key=key))
            session.flush()
        session.add(UserGroup(user_id=user.id, group_key=key))
    return issue_token(session, user, now)


def issue_token(session: Session, user: User, now: datetime) -> str:
    token = new_token()
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), created_at=now))
    return token


def token_for_password(session: Session, username: str, password: str, now: datetime) -> str:
    return issue_token(session, user_for_password(session, username, password), now)


def user_for_password(session: Session, username: str, password: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    # Verify even for an unknown user, so timing does not tell which usernames exist.
    ok = password_matches(user.password_hash if user else _DUMMY, password)
    if user is None or not ok:
        raise Unauthorized("wrong username or password", code="bad_credentials")
    return user


def principal_for_username(conn: Connection, username: str) -> Principal | None:
    rows = conn.execute(_BY_NAME, {"username": username}).all()
    if not rows:
        return None
    groups = frozenset(row.group_key for row in rows if row.group_key is not None)
    return Principal(rows[0].username, bool(rows[0].is_admin), groups)


def principal_for_token(session: Session | Connection, token: str) -> Principal:
    rows = session.execute(_PRINCIPAL, {"digest": token_digest(token)}).all()
    if not rows:
        raise Unauthorized("unknown or revoked token", code="bad_token")
    groups = frozenset(row.group_key for row in rows if row.group_key is not None)
    return Principal(rows[0].username, bool(rows[0].is_admin), groups)


_BY_NAME = (
    select(User.username, User.is_admin, UserGroup.group_key)
    .outerjoin(UserGroup, UserGroup.user_id == User.id)
    .where(User.username == bindparam("username"))
)
# One indexed statement per request: the user and all their groups.
_PRINCIPAL = (
    select(User.username, User.is_admin, UserGroup.group_key)
    .join(ApiToken, ApiToken.user_id == User.id)
    .outerjoin(UserGroup, UserGroup.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None))
)


_DUMMY = hash_password("timing-equaliser")
