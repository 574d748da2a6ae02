"""``python -m navtool_desktop``: the same as the ``navtool`` command."""

import sys

from navtool_desktop.cli import main

sys.exit(main())
