"""Subcommands of ``navtool``, one module per area (see ``navtool_desktop.cli``)."""
