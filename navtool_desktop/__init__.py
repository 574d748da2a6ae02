"""Navigation Tool Desktop: the Finding Your Path Navigation Tool as an offline desktop app."""

__version__ = "0.1.0"
