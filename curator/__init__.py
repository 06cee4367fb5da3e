"""Curator: curate good-practice case studies on tackling health inequalities in the English NHS.

The package root is the Qt-free core. ``curator.ui`` is the only place that imports Qt.
"""

__version__ = "0.1.0"
