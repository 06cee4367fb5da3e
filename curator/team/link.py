"""The link from a library to its team database: the connection string without its password, kept in the
library; the password in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service), never in
a file. Without a keyring, a password is refused rather than written down: use a ``pgpass`` file instead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import CuratorError

KEYRING_SERVICE = "Curator team library"


def split_password(url: str) -> tuple[str, str | None]:
    """``postgresql://user:pw@host/db`` → (``postgresql://user@host/db``, ``pw``)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise CuratorError(f"'{url.split('@')[-1]}' is not a PostgreSQL connection string; it should look like "
                           "postgresql://YOUR-NAME@SERVER/DATABASE")
    if parts.password is None:
        return url, None
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = parts.username or ""
    netloc = f"{user}@{host}" if user else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment)), parts.password


def keyring_key(url: str) -> str:
    return url


def store_password(url: str, password: str) -> None:
    try:
        import keyring
        from keyring.errors import KeyringError

        keyring.set_password(KEYRING_SERVICE, keyring_key(url), password)
    except (ImportError, RuntimeError, KeyringError) as err:
        raise CuratorError("this computer has no password store (keyring) Curator can use, so the password was "
                           "not kept. Connect without a password in the address and put it in a pgpass file "
                           "(%APPDATA%\\postgresql\\pgpass.conf on Windows, ~/.pgpass elsewhere)") from err


def load_password(url: str) -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_key(url))
    except Exception:  # noqa: BLE001 - no keyring: libpq falls back to pgpass and PGPASSWORD
        return None


def connect(url: str, *, timeout: int = 10) -> Any:
    """Open a psycopg connection (autocommit; transactions are explicit), with a message people can act on."""
    try:
        import psycopg
    except ImportError as err:
        raise CuratorError("the team library needs the psycopg package; reinstall Curator with `make run`") from err
    password = load_password(url)
    kwargs: dict[str, Any] = {"autocommit": True, "connect_timeout": timeout, "application_name": "curator"}
    if password:
        kwargs["password"] = password
    try:
        return psycopg.connect(url, **kwargs)
    except psycopg.OperationalError as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else "no answer"
        raise CuratorError(f"cannot reach the team database ({first}); check the address and that you are "
                           "online, then try again. Everything keeps working offline and syncs later") from err
