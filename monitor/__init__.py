"""monitor: finds launches of international communication centers in Chinese-language media."""

__version__ = "0.1.0"
