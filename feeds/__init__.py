"""feeds: collect news articles, normalise them, publish RSS 2.0 and Atom 1.0 streams."""

__version__ = "0.1.0"
