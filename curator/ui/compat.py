"""Work-arounds for defects in the Qt binding, applied once when ``curator.ui`` is imported.

PySide6 6.12.0 (the abi3 wheel) returns ``None`` from every void method without taking a reference. From
CPython 3.12 ``None`` is immortal and nothing happens; on 3.11 each call such as ``label.setText(…)`` drops
``None``'s reference count by one, and after a few thousand calls (minutes of ordinary use) the interpreter
aborts with "Fatal Python error: none_dealloc". Measured here: 1,000 ``setText`` calls → refcount −1,000.
The same happens to ``True`` and ``False`` (seen: "Fatal Python error: bool_dealloc" after a test run). On 3.11
we give every interpreter singleton the treatment 3.12 does: a reference count so large it can never reach zero.
"""

from __future__ import annotations

import ctypes
import sys

#: far above any count of calls a session can make, far below the Py_ssize_t limit
IMMORTAL_REFCOUNT = 1 << 60


#: the objects a binding hands back without a reference: void returns and C booleans
SINGLETONS = (None, True, False, Ellipsis, NotImplemented)


def _immortal(obj: object) -> bool:
    return sys.version_info >= (3, 12) or sys.getrefcount(obj) >= IMMORTAL_REFCOUNT // 2


def none_is_immortal() -> bool:
    return all(_immortal(obj) for obj in SINGLETONS)


def keep_none_alive() -> None:
    """On CPython before 3.12, set each singleton's reference count out of reach of the binding's missing increfs."""
    if sys.implementation.name != "cpython":
        return
    for obj in SINGLETONS:
        if not _immortal(obj):
            ctypes.c_ssize_t.from_address(id(obj)).value = IMMORTAL_REFCOUNT
