"""Command line: ``python -m dashboard validate [DIR]``, ``synth --out DIR``, ``prune [DIR]``,
``add-user NAME``, ``db init``, ``db import DIR``, ``db export DIR``.

With ``DASHBOARD_DATABASE_URL`` set, ``validate`` (without a folder) and ``prune`` work on the
database's data; ``db ...`` need it (or ``--url``)."""

from __future__ import annotations

import argparse
import sys

from dashboard.data import load_dataset
from dashboard.problems import errors
from dashboard.schema import TABLES


def _database_url(args: argparse.Namespace | None = None) -> str:
    import os

    from dashboard.stores import DATABASE_URL_ENV

    return (getattr(args, "url", None) or "") or os.environ.get(DATABASE_URL_ENV, "")


def _store(args: argparse.Namespace, folder: str | None = None):
    """The database when a URL is given and no folder, else the folder (the data folder)."""
    from dashboard.stores import open_store

    url = "" if folder else _database_url(args)
    return open_store(url, folder or _data_dir())


def validate(args: argparse.Namespace) -> int:
    """Print ``OK`` and each table's row count, or one ``FILE:ROW:COLUMN: message`` per problem.
    Without a folder: the database's current data when ``DASHBOARD_DATABASE_URL`` is set, else
    the data folder."""
    result = load_dataset(args.folder) if args.folder else _store(args).load()
    for problem in result.problems:
        print(problem.line(args.lang))
    if result.ok:
        print("OK")
        for name in TABLES:
            print(f"{name}: {len(result.dataset.table(name))}")
        return 0
    print(f"{len(errors(list(result.problems)))} problem(s)", file=sys.stderr)
    return 1


def write_synthetic(args: argparse.Namespace) -> int:
    """Write a synthetic dataset and print each table's row count."""
    from dashboard.synth import write_dataset

    sizes = write_dataset(
        args.out,
        towns=args.towns,
        participants=args.participants,
        seed=args.seed,
        participations=args.participations,
        testimonials=args.testimonials,
        programs=args.programs,
        outcomes=args.outcomes,
    )
    print(f"synthetic (seed {args.seed}) -> {args.out}")
    for name, count in vars(sizes).items():
        print(f"{name}: {count}")
    return 0


def _data_dir() -> str:
    """The data folder the app reads: ``DASHBOARD_DATA_DIR``, else the bundled ``data/``."""
    import os
    from pathlib import Path

    return os.environ.get("DASHBOARD_DATA_DIR") or str(Path(__file__).parent.parent / "data")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def prune_command(args: argparse.Namespace) -> int:
    """Remove the versions past the retention rule and the blobs no version names; print
    each version removed and the space freed."""
    from dashboard import versions

    target = _store(args, args.folder)
    folder = target.key
    keep, days = versions.keep_rule()
    keep = keep if args.keep is None else max(1, args.keep)
    days = days if args.days is None else max(0, args.days)
    result = target.prune(keep=keep, days=days, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for version in result.removed:
        when = version.time.strftime("%Y-%m-%d %H:%M:%S UTC")
        who = f" by {version.actor}" if version.actor else ""
        print(f"{verb} version {version.id} ({when}, {version.reason}{who})")
    for name in result.incomplete:
        print(f"{verb} incomplete version folder {name}")
    if result.blobs:
        print(f"{verb} {result.blobs} stored file(s) no kept version uses")
    if not (result.removed or result.incomplete or result.blobs):
        print("nothing to remove")
    freed = "would free" if args.dry_run else "freed"
    print(
        f"{freed} {_megabytes(result.freed)}; kept {result.kept} version(s) "
        f"(the newest {keep}, and every one of the last {days} days) in {folder}"
    )
    return 0


def add_user_command(args: argparse.Namespace) -> int:
    """Add or update a user in the users file, with a bcrypt-hashed password."""
    import getpass

    from dashboard import auth

    path = args.config or str(auth.auth_file())
    if args.town:
        folder = _data_dir()
        loaded = load_dataset(folder)
        if loaded.ok and args.town not in set(loaded.dataset.regions["region_id"]):
            towns = ", ".join(sorted(loaded.dataset.regions["region_id"]))
            print(f"error: unknown town {args.town!r}; towns in {folder}: {towns}", file=sys.stderr)
            return 2
    if args.no_password:
        if not args.email:
            print(
                "error: a user without a password signs in by e-mail: give --email", file=sys.stderr
            )
            return 2
        password = None  # signs in through the OpenID provider only
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.username}: ")
        if getpass.getpass("Repeat the password: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    new = auth.add_user(
        path, args.username, password, args.role, town=args.town, name=args.name, email=args.email
    )
    where = f" ({args.town})" if args.town else ""
    print(f"{'added' if new else 'updated'} {args.username.lower()}: {args.role}{where} -> {path}")
    return 0


def db_command(args: argparse.Namespace) -> int:
    """``db init``: create or migrate the schema; ``db import DIR``: check a folder and save
    it as a new version (its problems, and exit 1, when it breaks the contract); ``db export
    DIR``: the current version as a data folder."""
    from dashboard import sqlstore, stores

    url = _database_url(args)
    if not url:
        print(f"error: set {stores.DATABASE_URL_ENV} (or give --url)", file=sys.stderr)
        return 2
    if args.action == "init":
        revision = sqlstore.init_schema(url)
        print(f"schema at revision {revision} in {stores.open_store(url, '').key}")
        return 0
    target = stores.open_store(url, "")
    if args.action == "import":
        result = stores.import_folder(target, args.folder, actor=args.actor)
        for problem in result.problems:
            print(problem.line(args.lang))
        if not result.ok:
            print(
                f"{len(errors(list(result.problems)))} problem(s); nothing imported",
                file=sys.stderr,
            )
            return 1
        if not result.tables:
            print(f"nothing to import: {args.folder} holds the current data")
        else:
            print(f"imported {', '.join(result.tables)} as version {target.fingerprint()}")
        return 0
    written = stores.export_folder(target, args.folder)
    print(f"exported version {target.fingerprint()} ({len(written)} files) -> {args.folder}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check a data folder against the contract")
    check.add_argument(
        "folder", nargs="?", help="data folder (default: the database, else $DASHBOARD_DATA_DIR)"
    )
    check.add_argument("--lang", choices=("en", "ja"), default="en")
    check.set_defaults(run=validate)
    synth = commands.add_parser("synth", help="write a reproducible synthetic dataset")
    synth.add_argument("--out", required=True, help="folder to write the six CSV files into")
    synth.add_argument("--towns", type=int, default=200)
    synth.add_argument("--participants", type=int, default=10_000)
    synth.add_argument("--participations", type=int, help="default: 1.5 per participant")
    synth.add_argument("--testimonials", type=int, help="default: 0.2 per participant")
    synth.add_argument("--programs", type=int, help="default: 3 per town")
    synth.add_argument("--outcomes", type=int, help="default: 1 per program")
    synth.add_argument("--seed", type=int, default=0)
    synth.set_defaults(run=write_synthetic)
    prune = commands.add_parser(
        "prune", help="remove old versions (see DASHBOARD_KEEP_VERSIONS, DASHBOARD_KEEP_DAYS)"
    )
    prune.add_argument("folder", nargs="?", help="data folder (default: $DASHBOARD_DATA_DIR)")
    prune.add_argument("--keep", type=int, help="newest versions to keep (default 20)")
    prune.add_argument("--days", type=int, help="keep every version of this many days (90)")
    prune.add_argument("--dry-run", action="store_true", help="say what would go; remove nothing")
    prune.set_defaults(run=prune_command)
    db = commands.add_parser("db", help="the data in PostgreSQL ($DASHBOARD_DATABASE_URL)")
    db.add_argument("--url", help="database URL (default: $DASHBOARD_DATABASE_URL)")
    actions = db.add_subparsers(dest="action", required=True)
    actions.add_parser("init", help="create the schema, or migrate it to the newest")
    into = actions.add_parser("import", help="check a data folder and save it as a new version")
    into.add_argument("folder")
    into.add_argument("--actor", default="import", help="who the version is saved by")
    into.add_argument("--lang", choices=("en", "ja"), default="en")
    out = actions.add_parser("export", help="write the current version as a data folder")
    out.add_argument("folder")
    db.set_defaults(run=db_command)
    user = commands.add_parser("add-user", help="add a user who can sign in, or change one")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=("staff", "municipality", "public"))
    user.add_argument("--town", help="region_id of a municipality user's town, e.g. tono")
    user.add_argument("--name", help="name shown when signed in, e.g. 'Tono city hall'")
    user.add_argument("--email", help="e-mail, to match a sign-in through an OpenID provider")
    user.add_argument("--config", help="users file (default: $DASHBOARD_AUTH_FILE or auth.yaml)")
    user.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    user.add_argument(
        "--no-password",
        action="store_true",
        help="no password: the user signs in through the OpenID provider (needs --email)",
    )
    user.set_defaults(run=add_user_command)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # never a traceback for a user
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
