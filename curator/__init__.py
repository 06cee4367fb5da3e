"""Curator: curate good-practice case studies on tackling health inequalities in the English NHS.

The package root is the Qt-free core. ``curator.ui`` is the only place that imports Qt.
"""

import sys as _sys

__version__ = "0.1.0"

if _sys.argv[:1] == ["-m"]:  # `python -m curator` is still locating its module: Ctrl+C now changes nothing
    import os as _os
    import signal as _signal

    def _interrupted_while_starting(signum: int, frame: object) -> None:
        _os.write(2, b"curator: error: interrupted while starting; nothing was changed\n")
        _os._exit(2)

    _signal.signal(_signal.SIGINT, _interrupted_while_starting)
