"""Creators' data: export (a copy of everything held about them) and erasure (GDPR)."""
