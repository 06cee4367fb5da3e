"""``attach(library)``: called by ``Library`` for every opened library (see ``library.EXTENSIONS``).

It must stay cheap: no Whoosh work happens here, only a service object and a listener. The index is opened
(and if need be rebuilt) on the first search or change.
"""

from __future__ import annotations

from typing import Any

from .service import SearchService


def attach(library: Any) -> SearchService:
    service = SearchService(library)
    library.extensions["search"] = service
    library.listeners.append(service.on_change)
    return service
