"""Who said what in an article: actor, mention and statement extraction, and name matching."""

from digests.actors.extract import extract_actors
from digests.actors.model import ActorRef, Extraction, MentionRef, StatementRef
from digests.actors.names import (
    identity_key,
    name_similarity,
    normalize_name,
    rank_actors,
    resolve_actor,
)

__all__ = [
    "ActorRef",
    "Extraction",
    "MentionRef",
    "StatementRef",
    "extract_actors",
    "identity_key",
    "name_similarity",
    "normalize_name",
    "rank_actors",
    "resolve_actor",
]
