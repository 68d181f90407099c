"""Letters and decisions rendered as PDF (filled in by the letters issue)."""
