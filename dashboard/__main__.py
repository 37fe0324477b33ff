"""Command line: ``python -m dashboard validate DIR``, ``python -m dashboard synth --out DIR``."""

from __future__ import annotations

import argparse
import sys

from dashboard.data import load_dataset
from dashboard.problems import errors
from dashboard.schema import TABLES


def validate(args: argparse.Namespace) -> int:
    """Print ``OK`` and each table's row count, or one ``FILE:ROW:COLUMN: message`` per problem."""
    result = load_dataset(args.folder)
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


def add_user_command(args: argparse.Namespace) -> int:
    """Add or update a user in the users file, with a bcrypt-hashed password."""
    import getpass
    import os
    from pathlib import Path

    from dashboard import auth

    path = args.config or str(auth.auth_file())
    if args.town:
        folder = os.environ.get("DASHBOARD_DATA_DIR") or str(Path(__file__).parent.parent / "data")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check a data folder against the contract")
    check.add_argument("folder")
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
