"""The Qt desktop app. The only package that imports Qt; it calls the same core as the CLI."""

from .compat import keep_none_alive

keep_none_alive()
