"""digest: turn a folder of news articles into a browsable static HTML digest."""

__version__ = "0.1.0"
