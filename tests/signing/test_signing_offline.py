"""Signing never goes online: a signature box whose seed values ask for a time-stamp server
(``/SV /TimeStamp /URL``) is refused with a clear message, and no connection is made.

pyHanko would otherwise build an HTTP time-stamp client for that URL while signing (in a
source checkout, where aiohttp is installed) and ask it; the desktop bundle has no network
client at all, where the same box would end in an unexplained error.
"""

from __future__ import annotations

import io
import socket
import threading

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields as pdf_fields
from signing_helpers import District, make_pdf

from navtool_desktop.signing import SigningError, sign_pdf_bytes


class Listener:
    """A TCP port on 127.0.0.1 that counts the connections made to it and closes each at once."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


def _pdf_with_box_asking_for_a_time_stamp(url: str, *, required: bool) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf(pages=1)))
    seed = pdf_fields.SigSeedValueSpec(timestamp_server_url=url, timestamp_required=required)
    pdf_fields.append_signature_field(writer, pdf_fields.SigFieldSpec(
        "signer-1", on_page=0, box=(72, 72, 272, 132), seed_value_dict=seed))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_box_that_requires_a_time_stamp_server_is_refused_offline(district: District) -> None:
    listener = Listener()
    try:
        data = _pdf_with_box_asking_for_a_time_stamp(f"http://127.0.0.1:{listener.port}/tsa", required=True)
        with pytest.raises(SigningError) as caught:
            sign_pdf_bytes(data, district.superintendent, field="signer-1")
    finally:
        listener.close()
    assert caught.value.reason == "asks_for_network"
    assert "time-stamp" in str(caught.value) and "offline" in str(caught.value)
    assert listener.connections == 0


def test_a_box_that_only_suggests_a_time_stamp_server_signs_without_asking_it(district: District) -> None:
    listener = Listener()
    try:
        data = _pdf_with_box_asking_for_a_time_stamp(f"http://127.0.0.1:{listener.port}/tsa", required=False)
        signed = sign_pdf_bytes(data, district.superintendent, field="signer-1")
    finally:
        listener.close()
    assert len(signed) > len(data) and listener.connections == 0


def test_a_box_without_seed_values_still_signs(district: District) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(make_pdf(pages=1)))
    pdf_fields.append_signature_field(writer, pdf_fields.SigFieldSpec("signer-1", on_page=0, box=(72, 72, 272, 132)))
    out = io.BytesIO()
    writer.write(out)
    signed = sign_pdf_bytes(out.getvalue(), district.superintendent, field="signer-1")
    assert len(signed) > len(out.getvalue())


def _encrypted_pdf(user_password: str) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(make_pdf(pages=1)), strict=False))
    writer.encrypt("owner secret", user_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("user_password", ["", "opensesame"])
def test_an_encrypted_pdf_is_refused_by_name_when_signing_and_checking(district: District,
                                                                      user_password: str) -> None:
    """Signing one ended in pyHanko's "No key available to decrypt" traceback; checking one
    called it damaged."""
    from navtool_desktop.signing import verify_pdf_bytes

    data = _encrypted_pdf(user_password)
    with pytest.raises(SigningError) as signing:
        sign_pdf_bytes(data, district.superintendent, label="plan.pdf")
    assert signing.value.reason == "encrypted" and "password" in str(signing.value)
    with pytest.raises(SigningError) as checking:
        verify_pdf_bytes(data, [district.root.certificate], label="plan.pdf")
    assert checking.value.reason == "encrypted" and "damaged" not in str(checking.value)
