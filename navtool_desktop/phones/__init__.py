"""Rating on phones in the room (DESIGN section 5a): the only place the app opens a socket.

No Qt here. :class:`~navtool_desktop.phones.server.PhoneServer` serves one self-contained
page over plain HTTP on the interface the facilitator chose, for one cycle. It never touches
the store: every answer becomes a :class:`~navtool_desktop.phones.desk.SaveJob` on a
:class:`~navtool_desktop.phones.desk.SaveDesk`, which the single writer (the GUI thread, via
a timer) drains; the phone hears "saved" only after the store accepted the rating.
"""

from navtool_desktop.phones.desk import SaveDesk, SaveJob, store_writer
from navtool_desktop.phones.server import (
    PhoneServer,
    PinBook,
    RoomSnapshot,
    ServerRefused,
    snapshot_room,
)

__all__ = ["PhoneServer", "PinBook", "RoomSnapshot", "SaveDesk", "SaveJob", "ServerRefused",
           "snapshot_room", "store_writer"]
