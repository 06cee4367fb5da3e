"""Full-text search over the library: a Whoosh index derived from SQLite (see ``service.SearchService``)."""

from .query import QueryError
from .service import SearchService

__all__ = ["SearchService", "QueryError"]
