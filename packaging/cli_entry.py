"""Entry script of the standalone ``curator`` command (PyInstaller): the same CLI as ``python -m curator``."""

import sys

from curator.cli import main

if __name__ == "__main__":
    sys.exit(main())
