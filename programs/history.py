"""Moved: the one history renderer is ``influencer_ops.history`` (every timeline uses it).
The names stay importable from here for code written against #12."""

from influencer_ops.history import HistoryLine, describe, describe_events

__all__ = ["HistoryLine", "describe", "describe_events"]
