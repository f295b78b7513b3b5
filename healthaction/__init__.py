"""healthaction: run a local Healthy China Action plan after it is issued."""

__version__ = "0.1.0"
