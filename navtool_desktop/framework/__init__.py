"""The framework content: a pack's model and its loader (pure Python, no Qt)."""

from navtool_desktop.framework.loader import PackError, discover_packs, load_pack
from navtool_desktop.framework.model import (
    AUDIENCE_IDS,
    LEVEL_IDS,
    STAGE_IDS,
    Competency,
    Condition,
    GlossaryTerm,
    Item,
    LevelCell,
    Pack,
    Reference,
    Resource,
    Stage,
)

__all__ = [
    "AUDIENCE_IDS",
    "LEVEL_IDS",
    "STAGE_IDS",
    "Competency",
    "Condition",
    "GlossaryTerm",
    "Item",
    "LevelCell",
    "Pack",
    "PackError",
    "Reference",
    "Resource",
    "Stage",
    "discover_packs",
    "load_pack",
]
