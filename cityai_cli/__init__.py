"""cityai: compare Chinese cities' AI-industry policies, every number traced to its source."""

__version__ = "0.1.0"
