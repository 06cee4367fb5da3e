"""``python -m curator`` run from the folder *above* a checkout named ``curator``.

Python then takes the checkout folder itself for the ``curator`` package (a namespace package), finds this file,
and would otherwise mix the checkout's ``resources/`` folder into the real package. Load the real package from
inside the checkout instead, or say plainly what to install.
"""

import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent


def _load_real_package() -> int:
    for name in [m for m in sys.modules if m == "curator" or m.startswith("curator.")]:
        del sys.modules[name]
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != CHECKOUT.parent]
    sys.path.insert(0, str(CHECKOUT))
    try:
        import docx  # noqa: F401  (the libraries every command needs: fail here, with the fix, not later)
        import platformdirs  # noqa: F401
        import sqlite_utils  # noqa: F401

        from curator.cli import main
    except ImportError as err:
        print(f"curator: error: Curator's libraries are not installed for this Python ({err.name or err}). "
              f"Run `make run` once in {CHECKOUT}, then use {CHECKOUT / '.venv' / 'bin' / 'curator'} "
              "(or activate the venv: `. .venv/bin/activate`).", file=sys.stderr)
        return 2
    return main()


if __name__ == "__main__":
    sys.exit(_load_real_package())
