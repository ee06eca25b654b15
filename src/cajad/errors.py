"""The root of every cajad exception.

Each package draws its own tree under :class:`CajadError`; errors also inherit the built-in a
caller would naturally catch (``ValueError`` for bad input, ``LookupError`` for missing things).
"""


class CajadError(Exception):
    """Base class of all errors raised by cajad."""
