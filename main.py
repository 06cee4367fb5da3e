"""Start the Curator desktop app: ``python main.py [--library DIR] [--screenshot OUT.png]``."""

import sys

from curator.display import choose_platform


def run(argv: list[str]) -> int:
    """Check there is somewhere to draw before Qt loads (its own message misleads), then start the app."""
    problem = choose_platform(argv)
    if problem:
        print(f"curator-app: {problem}", file=sys.stderr)
        return 2
    from curator.ui.app import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
