"""A bounded load over loopback: 60 phones x 3 ratings, every rating stored exactly once.

Latency is measured and printed (``-s``), never asserted: the full measurement with targets
is ``python -m bench phones``.
"""

from __future__ import annotations

from pathlib import Path

from bench import percentile
from bench.phones import run_load


def test_sixty_phones_each_rating_stored_exactly_once(tmp_path: Path) -> None:
    result = run_load(tmp_path / "load", phones=60, per_phone=3)
    assert result.failures == []
    assert len(result.latencies) == 60 * 3
    assert result.stored == result.unique_pairs == 60 * 3
    print(f"\n60 phones x 3: p95 request to saved {percentile(result.latencies, 0.95) * 1000:.1f} ms, "
          f"longest drain {result.longest_drain * 1000:.1f} ms, wall {result.wall:.2f} s")
