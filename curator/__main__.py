"""``python -m curator`` entry point.

Ctrl+C while Python is still importing Curator (a second or two on a busy machine) ends the process quietly:
nothing has been opened or changed yet, and no traceback is printed. ``main()`` installs the ordinary handler
as soon as it can tell the truth about what an interruption left.
"""

import os
import signal
import sys


def _interrupted_while_starting(signum: int, frame: object) -> None:
    os.write(2, b"curator: error: interrupted while starting; nothing was changed\n")
    os._exit(2)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from .cli import main

    try:
        code = main()
    except KeyboardInterrupt:  # after the command had finished (closing the library): it was saved
        os.write(2, b"curator: error: interrupted while closing; the command had finished\n")
        code = 2
    sys.exit(code)
