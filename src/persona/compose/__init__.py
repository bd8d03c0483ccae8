"""Putting pictures together: scene layouts, backgrounds, lower thirds, captions."""
