"""formcheck: watches a person exercise and says, like a physiotherapist, what to fix."""

__version__ = "0.1.0"
