"""The one marker for the app's own errors: their text is written for the person using the app.

Every error the app raises on purpose (a store that cannot save, a bundle that cannot be read,
a signature that cannot be made, a record that breaks a rule, a report input that is
incomplete, a command used wrongly) derives from :class:`UserFacingError`, and its message is
a plain sentence that can be shown as is. Anything else that reaches the user is a fault of
the app: it is shown as "something went wrong" and its traceback is kept in the log file
(``ui/messages.show_error``).

This module imports nothing of the app, so every layer may use it.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose ``str()`` is safe and meant to be shown to the person using the app."""
