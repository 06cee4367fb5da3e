"""Schema migrations, one module per version: ``mNNN_area.py`` with ``migrate(conn)``.

Each area owns its own numbered module, so areas never edit one shared list. Never edit a migration that
has shipped; add the next number.
"""
