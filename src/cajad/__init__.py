"""cajad: the data and decisions of the CA+JAD Tokyo Initiative."""

__version__ = "0.1.0"
