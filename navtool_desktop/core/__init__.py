"""The district's own data: profile, cycles, ratings, consensus, plans (pure Python, no Qt).

Nothing here imports PySide6, TinyDB or ReportLab (``tests/test_layering.py`` checks it);
``navtool_desktop.storage`` saves these records and the UI shows them.
"""
