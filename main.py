"""Start the Curator desktop app: ``python main.py [--library DIR] [--screenshot OUT.png]``."""

import sys

from curator.ui.app import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
