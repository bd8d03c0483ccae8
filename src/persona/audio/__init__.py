"""Sound beyond speech: music, mixing, effects, loudness."""
