"""A Swedish chat assistant that answers in the words of a report."""

__version__ = "0.1.0"
