"""Work-arounds for defects in the Qt binding, applied once when ``curator.ui`` is imported.

PySide6 6.12.0 (the abi3 wheel) returns ``None`` from every void method without taking a reference. From
CPython 3.12 ``None`` is immortal and nothing happens; on 3.11 each call such as ``label.setText(…)`` drops
``None``'s reference count by one, and after a few thousand calls (minutes of ordinary use) the interpreter
aborts with "Fatal Python error: none_dealloc". Measured here: 1,000 ``setText`` calls → refcount −1,000.
The same happens to ``True`` and ``False`` (seen: "Fatal Python error: bool_dealloc" after a test run). On 3.11
we give every interpreter singleton the treatment 3.12 does: a reference count so large it can never reach zero.

pyproject excludes 6.12.0 (``PySide6-Essentials>=6.6,!=6.12.0``; 6.10.3 and 6.11.3 run clean), so this is only a
guarded fallback: ``needs_workaround()`` is true on CPython before 3.12 with exactly the affected release.
"""

from __future__ import annotations

import ctypes
import sys
from importlib import metadata

#: far above any count of calls a session can make, far below the Py_ssize_t limit
IMMORTAL_REFCOUNT = 1 << 60


#: the objects a binding hands back without a reference: void returns and C booleans
SINGLETONS = (None, True, False, Ellipsis, NotImplemented)


def _immortal(obj: object) -> bool:
    return sys.version_info >= (3, 12) or sys.getrefcount(obj) >= IMMORTAL_REFCOUNT // 2


def none_is_immortal() -> bool:
    return all(_immortal(obj) for obj in SINGLETONS)


#: PySide6 releases known to lose references to singletons on CPython before 3.12
AFFECTED = ("6.12.0",)


def binding_version() -> str:
    """The installed PySide6 release, read from its metadata (importing Qt is not needed for this)."""
    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return ""


def needs_workaround(version: str | None = None, python: tuple[int, int] | None = None,
                     implementation: str | None = None) -> bool:
    """True only where the defect exists: CPython < 3.12 with an affected PySide6 release."""
    version = binding_version() if version is None else version
    python = python or sys.version_info[:2]
    implementation = implementation or sys.implementation.name
    return implementation == "cpython" and python < (3, 12) and version in AFFECTED


def keep_none_alive(force: bool = False) -> bool:
    """Where ``needs_workaround()``, set each singleton's reference count out of reach of the binding's missing
    increfs; returns whether it did. ``force`` applies it regardless (CPython before 3.12 only)."""
    if sys.implementation.name != "cpython" or not (force or needs_workaround()):
        return False
    for obj in SINGLETONS:
        if not _immortal(obj):
            ctypes.c_ssize_t.from_address(id(obj)).value = IMMORTAL_REFCOUNT
    return True
