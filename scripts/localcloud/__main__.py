"""`python -m localcloud up [--no-seed] [--fresh]`: see localcloud.up and localcloud.warm_start."""

from __future__ import annotations

import argparse

from localcloud.up import run


def main() -> None:
    parser = argparse.ArgumentParser(prog="localcloud", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="run the whole system locally until interrupted")
    up.add_argument("--no-seed", action="store_true", help="skip the demo users and products")
    up.add_argument(
        "--fresh",
        action="store_true",
        help="start cold (the real terraform apply) even when a saved stack matches",
    )
    args = parser.parse_args()
    if args.command == "up":
        run(seed=not args.no_seed, fresh=args.fresh)


if __name__ == "__main__":
    main()
