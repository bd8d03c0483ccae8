"""Admin commands of the service: ``persona users``, ``persona keys``, ``persona db``.

    persona users create EMAIL [--admin] [--name N] [--quota 2GiB] [--password-stdin] [--json]
    persona users list [--json]
    persona users export EMAIL -o FILE.zip                    everything kept about a user
    persona users delete EMAIL --yes                           a user and all of theirs
    persona keys create [--user EMAIL] [--name N] [--json]    prints the new key once
    persona keys list [--user EMAIL] [--json]
    persona keys revoke KEY                                    key id (key_…) or prefix (ps_…)
    persona db upgrade [--revision REV]
    persona db current
    persona serve [--host H] [--port P] [--workers N]          the API (+ embedded worker)
    persona worker [--threads N] [--poll S]                    a separate job worker

They use the service settings (``PERSONA_*``; see docs/service.md) and bring the database
to the current schema first. Only argparse is imported here; the service itself is
imported when a command runs, so ``persona`` starts as fast as before.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from persona.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from persona.service.db.engine import Database
    from persona.service.db.models import ApiKey, User
    from persona.service.settings import Settings

NAMES = ("users", "keys", "db", "serve", "worker")
"""The top-level commands :func:`add_parser` adds and :func:`run` runs."""
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS.update({"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40})
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$")


def parse_bytes(text: str) -> int:
    """``"2GiB"`` → 2147483648; ``"500MB"``, ``"1048576"`` and the like."""
    match = _SIZE.match(text.lower())
    if not match or match.group(2) not in _UNITS:
        raise argparse.ArgumentTypeError(f"a size looks like 500MB, 2GiB or 1048576; not {text!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``users``, ``keys`` and ``db`` to the ``persona`` command."""
    users = sub.add_parser("users", help="service accounts: create, list, export, delete")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    create = users_sub.add_parser("create", help="create a user of the service")
    create.add_argument("email")
    create.add_argument("--admin", action="store_true", help="give the admin role")
    create.add_argument("--name", default="", help="display name (default: from the email)")
    create.add_argument("--quota", type=parse_bytes, default=None, help="storage quota, e.g. 5GiB")
    create.add_argument(
        "--password-stdin", action="store_true", help="read a password (8+ characters) from stdin"
    )
    create.add_argument("--json", action="store_true")
    users_sub.add_parser("list", help="list the users").add_argument("--json", action="store_true")
    export = users_sub.add_parser("export", help="write a ZIP of everything kept about a user")
    export.add_argument("email")
    export.add_argument("-o", "--output", required=True, help="the ZIP file to write")
    erase = users_sub.add_parser("delete", help="delete a user and everything of theirs")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    keys = sub.add_parser("keys", help="API keys: create, list, revoke")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    new = keys_sub.add_parser("create", help="create an API key (shown once)")
    new.add_argument("--user", default=None, help="owner's email (default: the only user)")
    new.add_argument("--name", default="", help="what the key is for")
    new.add_argument("--json", action="store_true")
    listing = keys_sub.add_parser("list", help="list API keys (never the keys themselves)")
    listing.add_argument("--user", default=None, help="only this user's keys")
    listing.add_argument("--json", action="store_true")
    revoke = keys_sub.add_parser("revoke", help="revoke an API key")
    revoke.add_argument("key", help="key id (key_…) or prefix (ps_…)")

    db = sub.add_parser("db", help="the service database")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate the database to the newest schema")
    up.add_argument("--revision", default="head", help="target revision (default head)")
    db_sub.add_parser("current", help="show the schema revision of the database")
    _add_process_parsers(sub)


def _add_process_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the REST API (and its job worker)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument(
        "--workers", type=int, default=1, help="embedded worker threads (no broker; default 1)"
    )
    worker = sub.add_parser("worker", help="run a job worker (database polling or Celery)")
    worker.add_argument("--threads", type=int, default=1, help="jobs at once (default 1)")
    worker.add_argument("--poll", type=float, default=1.0, help="seconds between looks (1)")
    worker.add_argument(
        "--retry-delay", type=float, default=5.0, help="first retry backoff, doubling (5 s)"
    )
    for parser in (serve, worker):
        parser.add_argument(
            "--queue-prefix", default="persona", help="broker queue names' prefix (persona)"
        )


def run(args: argparse.Namespace) -> int:
    """Run one of :data:`NAMES`; prints its result, returns the exit code."""
    if args.command == "db":
        return _db(args)
    if args.command in ("serve", "worker"):
        return _process(args)
    handlers = {
        ("users", "create"): _users_create,
        ("users", "list"): _users_list,
        ("users", "export"): _users_export,
        ("users", "delete"): _users_delete,
        ("keys", "create"): _keys_create,
        ("keys", "list"): _keys_list,
        ("keys", "revoke"): _keys_revoke,
    }
    action = getattr(args, f"{args.command}_command")
    password = _read_password() if getattr(args, "password_stdin", False) else None
    with _session() as (settings, session):
        handlers[(args.command, action)](args, settings, session, password)
    return 0


@contextmanager
def _database(migrate: bool) -> Iterator[tuple[Settings, Database]]:
    """The settings' database, migrated to the newest schema; a database failure becomes
    a one-line :class:`~persona.service.errors.DatabaseError`."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import DBAPIError

    from persona.service.db.engine import Database
    from persona.service.db.migrate import upgrade
    from persona.service.errors import DatabaseError
    from persona.service.settings import get_settings

    settings = get_settings()
    database = Database.from_settings(settings)
    try:
        if migrate:
            upgrade(database)
        yield settings, database
    except DBAPIError as exc:
        where = make_url(settings.db_url).render_as_string(hide_password=True)
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise DatabaseError(f"cannot use the database {where}: {reason}") from exc
    finally:
        database.dispose()


@contextmanager
def _session() -> Iterator[tuple[Settings, Session]]:
    with _database(migrate=True) as (settings, database), database.transaction() as session:
        yield settings, session


def _read_password() -> str:
    line = sys.stdin.readline()
    if not line.strip():
        raise InputError("--password-stdin: no password on standard input")
    return line.rstrip("\r\n")


def _print(data: Any) -> None:
    print(json.dumps(data, indent=2))


def _user_dict(user: User, used: int | None = None) -> dict[str, Any]:
    data = {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": str(user.role),
        "quota_bytes": user.quota_bytes,
        "created_at": user.created_at.isoformat(),
    }
    return data if used is None else {**data, "used_bytes": used}


def _users_create(
    args: argparse.Namespace, settings: Settings, session: Session, password: str | None
) -> None:
    from persona.service.auth import create_user
    from persona.service.db.models import Role

    user = create_user(
        session,
        args.email,
        quota_bytes=settings.default_quota_bytes if args.quota is None else args.quota,
        display_name=args.name,
        role=Role.ADMIN if args.admin else Role.USER,
        password=password,
    )
    if args.json:
        _print(_user_dict(user))
    else:
        print(f"created {user.role} {user.email} ({user.id})")


def _users_list(args: argparse.Namespace, _settings: Settings, session: Session, _: Any) -> None:
    from persona.service.auth import list_users
    from persona.service.storage.usage import format_bytes, usage_bytes

    rows = [(user, usage_bytes(session, user.id)) for user in list_users(session)]
    if args.json:
        _print([_user_dict(user, used) for user, used in rows])
        return
    if not rows:
        print("no users yet: persona users create EMAIL --admin")
    for user, used in rows:
        quota = f"{format_bytes(used)} of {format_bytes(user.quota_bytes)}"
        print(f"{user.id}  {user.email:<32} {user.role:<5}  {quota}")


def _users_export(args: argparse.Namespace, settings: Settings, session: Session, _: Any) -> None:
    from persona.service.auth import get_user_by_email
    from persona.service.datarights import export_to_path
    from persona.service.storage import make_storage

    user = get_user_by_email(session, args.email)
    count = export_to_path(session, make_storage(settings), user, args.output, actor=None)
    print(f"wrote {args.output}: {count} entries about {user.email} (see manifest.json)")


def _users_delete(args: argparse.Namespace, settings: Settings, session: Session, _: Any) -> None:
    from persona.service.auth import get_user_by_email
    from persona.service.datarights import delete_user
    from persona.service.storage import make_storage

    user = get_user_by_email(session, args.email)
    if not args.yes:
        raise InputError(f"deleting {user.email} and all of theirs cannot be undone: add --yes")
    report = delete_user(session, make_storage(settings), user, None)
    print(
        f"deleted {args.email}: {report.jobs} jobs, {report.files} files, {report.avatars} "
        f"avatars, {report.voices} voices, {report.api_keys} keys; "
        f"{report.consents_revoked} consents revoked"
    )


def _owner(session: Session, email: str | None) -> User:
    from persona.service.auth import get_user_by_email, list_users

    if email:
        return get_user_by_email(session, email)
    users = list_users(session)
    if len(users) == 1:
        return users[0]
    if not users:
        raise InputError("there are no users yet: persona users create EMAIL --admin")
    raise InputError(f"there are {len(users)} users: say whose key it is with --user EMAIL")


def _key_dict(key: ApiKey, email: str) -> dict[str, Any]:
    def when(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": key.id,
        "prefix": key.prefix,
        "name": key.name,
        "user": email,
        "created_at": when(key.created_at),
        "last_used_at": when(key.last_used_at),
        "revoked_at": when(key.revoked_at),
    }


def _keys_create(args: argparse.Namespace, _settings: Settings, session: Session, _: Any) -> None:
    from persona.service import audit
    from persona.service.auth import create_api_key

    user = _owner(session, args.user)
    made = create_api_key(session, user, name=args.name)
    audit.record(session, None, "key.create", ("api_key", made.record.id), user_id=user.id)
    if args.json:
        _print({**_key_dict(made.record, user.email), "key": made.secret})
        return
    sys.stderr.write(
        f"created {made.record.id} for {user.email}; this is the only time the key is "
        "shown, keep it somewhere safe:\n"
    )
    print(made.secret)


def _keys_list(args: argparse.Namespace, _settings: Settings, session: Session, _: Any) -> None:
    from persona.service.auth import get_user_by_email, list_api_keys, list_users

    emails = {user.id: user.email for user in list_users(session)}
    owner = get_user_by_email(session, args.user).id if args.user else None
    keys = list_api_keys(session, user_id=owner)
    if args.json:
        _print([_key_dict(key, emails[key.user_id]) for key in keys])
        return
    if not keys:
        print("no API keys yet: persona keys create --user EMAIL")
    for key in keys:
        status = "revoked" if key.revoked_at else "active"
        print(f"{key.id}  {key.prefix}…  {status:<7}  {emails[key.user_id]:<32} {key.name}")


def _keys_revoke(args: argparse.Namespace, _settings: Settings, session: Session, _: Any) -> None:
    from persona.service import audit
    from persona.service.auth import revoke_api_key

    key = revoke_api_key(session, args.key)
    audit.record(session, None, "key.revoke", ("api_key", key.id), user_id=key.user_id)
    print(f"revoked {key.id} ({key.prefix}…)")


def _db(args: argparse.Namespace) -> int:
    from sqlalchemy import make_url

    from persona.service.db.migrate import current_revision, head_revision, upgrade

    with _database(migrate=False) as (settings, database):
        where = make_url(settings.db_url).render_as_string(hide_password=True)
        if args.db_command == "upgrade":
            now = upgrade(database, args.revision)
        else:
            now = current_revision(database)
    head = head_revision()
    state = "newest" if now == head else f"newest is {head}"
    print(f"{where}: schema revision {now or 'none (empty database)'} ({state})")
    return 0


def _process(args: argparse.Namespace) -> int:
    """``persona serve`` or ``persona worker``: runs until interrupted."""
    import logging

    from persona.service import runner
    from persona.service.settings import get_settings
    from persona.service.storage import make_storage

    logging.getLogger("persona.service").setLevel(logging.INFO)
    count = args.workers if args.command == "serve" else args.threads
    if count < 1:
        raise InputError(f"at least one worker thread, not {count}")
    settings = get_settings()
    with _database(migrate=True):  # a clear error when the database is unreachable
        pass
    if args.command == "serve":
        runner.serve(settings, args.host, args.port, count, args.queue_prefix)
        return 0
    runner.run_worker(
        settings,
        make_storage(settings),
        threads=count,
        poll_s=args.poll,
        retry_base_s=args.retry_delay,
        queue_prefix=args.queue_prefix,
    )
    return 0
