"""Launch events: the center, its place, its date and its partners."""
