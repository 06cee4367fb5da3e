"""Where a library may safely live, and names and paths that Windows accepts.

SQLite's write-ahead log and the index's lock files rely on the local file system's locking and on files
being renamed in place. A folder that OneDrive, SharePoint or Dropbox syncs, or a network share, breaks both:
the sync client copies ``curator.db`` while it is being written and the other laptop's copy wins. Such a folder
is detected (by its path and, where the system says, its file system) so the user can be warned and offered a
local library with a backup copy kept on the share instead. Qt-free.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

SYNC_FOLDER_WORDS = ("onedrive", "sharepoint", "dropbox", "google drive", "googledrive", "icloud drive",
                     "iclouddrive", "box sync")
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ceph", "glusterfs", "fuse.sshfs",
              "fuse.rclone", "davfs", "fuse.davfs2", "webdav", "lustre"}
WINDOWS_MAX_PATH = 260
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass(frozen=True)
class LocationRisk:
    kind: str  # "sync" or "network"
    reason: str

    def message(self, folder: Path | str) -> str:
        return (f"The library folder {folder} {self.reason}. SQLite databases kept there can be damaged when "
                "the folder is synced or shared while Curator writes. Keep the library on this computer "
                "(for example the default folder) and put a backup copy on the share instead "
                "(`backup` then copy the file, or File → Backups…).")


def location_risk(folder: Path | str, environ: dict[str, str] | None = None,
                  mounts_file: str = "/proc/mounts", platform: str = sys.platform) -> LocationRisk | None:
    """Why ``folder`` is unsafe for a library (synced or on a network), or ``None`` when it looks local."""
    env = dict(os.environ if environ is None else environ)
    text = str(folder)
    if text.startswith(("\\\\", "//")):
        return LocationRisk("network", "is on a network share")
    for var in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        root = env.get(var)
        if root and _is_within(text, root, platform):
            return LocationRisk("sync", "is inside OneDrive, which syncs it to the cloud")
    for part in PurePath(text.replace("\\", "/")).parts:
        lowered = part.lower()
        for word in SYNC_FOLDER_WORDS:
            if word in lowered:
                return LocationRisk("sync", f"is inside a folder that {part.split(' - ')[0]} syncs ('{part}')")
    fs = _filesystem_type(Path(text), mounts_file) if platform.startswith("linux") else None
    if fs and fs.lower() in NETWORK_FS:
        return LocationRisk("network", f"is on a network file system ({fs})")
    if platform == "win32" and _windows_remote_drive(text):
        return LocationRisk("network", "is on a network drive")
    return None


def safe_filename(name: str, fallback: str = "untitled", limit: int = 120) -> str:
    """A file name every system accepts, made from user text (a title, a reviewer's name).

    Windows forbids ``<>:"/\\|?*`` and control characters, names ending in a dot or space, and device names
    (CON, NUL, COM1…). Never a path: separators are replaced too.
    """
    cleaned = re.sub(r"-{2,}", "-", _FORBIDDEN.sub("-", name)).strip(" .-")
    cleaned = cleaned[:limit].rstrip(" .-") or fallback
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def path_too_long(path: Path | str, platform: str = sys.platform) -> str | None:
    """A message when ``path`` is longer than Windows allows by default (260 characters), else ``None``."""
    if platform != "win32":
        return None
    length = len(str(Path(path).absolute()))
    if length < WINDOWS_MAX_PATH:
        return None
    return (f"the path {path} is {length} characters long; Windows allows {WINDOWS_MAX_PATH - 1}. "
            "Choose a folder nearer the top of the drive or a shorter file name.")


def _is_within(path: str, root: str, platform: str) -> bool:
    def norm(p: str) -> str:
        p = p.replace("\\", "/").rstrip("/")
        return p.lower() if platform == "win32" else p

    p, r = norm(path), norm(root)
    return p == r or p.startswith(r + "/")


def _filesystem_type(folder: Path, mounts_file: str) -> str | None:
    """The type of the mount holding ``folder`` (the longest mount point that contains it)."""
    try:
        lines = Path(mounts_file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(folder.absolute())
    best, best_type = "", None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        if (_is_within(target, point, "linux") or point == "/") and len(point) >= len(best):
            best, best_type = point, fields[2]
    return best_type


def _windows_remote_drive(path: str) -> bool:  # pragma: no cover - Windows only
    try:
        import ctypes

        drive = os.path.splitdrive(os.path.abspath(path))[0] + "\\"
        return ctypes.windll.kernel32.GetDriveTypeW(drive) == 4  # DRIVE_REMOTE
    except (AttributeError, OSError):
        return False
