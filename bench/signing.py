"""Signing a 20-page plan: first signature, the next signer's incremental one, and verifying both.

The design's target is for the whole signed plan export (under 1.5 s, measured elsewhere);
these numbers show the signing share of it. Run alone with ``python -m bench.signing``.
"""

from __future__ import annotations

import io
import time

from bench import Result, median

PAGES = 20
ROUNDS = 9


def _plan_pdf(pages: int = PAGES) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for n in range(1, pages + 1):
        c.setFont("Helvetica", 11)
        for line in range(40):
            c.drawString(72, 720 - 15 * line, f"Page {n}, line {line + 1}: goal, actions, owners and dates.")
        c.showPage()
    c.save()
    return buf.getvalue()


def _timed(func, rounds: int = ROUNDS) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, value = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    return median(times), value


def run() -> list[Result]:
    from navtool_desktop.signing import (
        add_signature_fields,
        approval_boxes,
        create_root,
        field_name,
        issue_signer,
        sign_pdf_bytes,
        verify_pdf_bytes,
    )

    root = create_root("Bench Valley Unified")
    superintendent = issue_signer(root, "Ana Peña", "Superintendent")
    chair = issue_signer(root, "Bo Nguyễn", "Board Chair")
    # both boxes declared before the first signature, as the plan renderer does (verify allows
    # later signers only into boxes that were there)
    plan = add_signature_fields(_plan_pdf(), [(field_name(i + 1), b) for i, b in enumerate(approval_boxes(2))])
    first_time, first = _timed(lambda: sign_pdf_bytes(plan, superintendent, field=field_name(1)))
    second_time, second = _timed(lambda: sign_pdf_bytes(first, chair, field=field_name(2)))  # type: ignore[arg-type]
    verify_time, report = _timed(lambda: verify_pdf_bytes(second, [root.certificate]))  # type: ignore[arg-type]
    if not report.ok or not report.trusted:  # type: ignore[attr-defined]
        raise RuntimeError("the benchmark's signed PDF does not verify")
    return [
        Result(f"sign a {PAGES}-page PDF (first signer), median", first_time * 1000, "ms"),
        Result("add the second signer's signature, median", second_time * 1000, "ms"),
        Result("verify both signatures (with the page comparison), median", verify_time * 1000, "ms"),
    ]


def main() -> None:
    """Print the medians (``python -m bench.signing``)."""
    for result in run():
        print(f"{result.name:<52} {result.value:10.1f} {result.unit}")


if __name__ == "__main__":
    main()
