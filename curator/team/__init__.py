"""A team library: the local SQLite library syncs with a shared PostgreSQL database (offline first).

``server`` holds the PostgreSQL schema and its statements, ``merge3`` the field-by-field three-way merge,
``sync`` the push/pull loop and conflict resolution, ``link`` the connection settings (password in the OS
keyring, never in the library). The search index stays derived locally: synced changes reach it through the
library's ordinary change listeners.
"""
