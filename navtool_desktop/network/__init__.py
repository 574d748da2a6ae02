"""The coach and network view: districts' signed summaries, side by side (issue: coach and network view)."""
