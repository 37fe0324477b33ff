"""Command line: ``python -m dashboard validate DIR``."""

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="check a data folder against the contract")
    check.add_argument("folder")
    check.add_argument("--lang", choices=("en", "ja"), default="en")
    check.set_defaults(run=validate)
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
