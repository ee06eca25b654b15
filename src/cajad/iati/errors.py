"""Errors of IATI reading, validation and writing.

CajadError
└── IatiError
    ├── IatiInputError (InputError, ValueError)   a file refused whole; nothing was written
    │   ├── UnsafeXmlError                        DTD, entities, oversized nodes: hostile input
    │   ├── MalformedXmlError                     not well-formed: truncated, wrong encoding…
    │   ├── UnsupportedVersionError               not an IATI 2.01–2.03 file (1.0x named)
    │   └── StrictValidationError                 ``--strict`` and the file has errors
    └── ExportError                               the register cannot be written as valid IATI
        └── UnwritableProjectError (ValueError)   one project lacks what IATI requires

Input errors are also the register's :class:`~cajad.register.errors.InputError`, so every
caller that handles a refused CSV handles a refused XML file the same way (exit code 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from cajad.errors import CajadError, Problem
from cajad.register import InputError


class IatiError(CajadError):
    """Base class of IATI errors."""


class IatiInputError(IatiError, InputError):
    """An IATI file was refused whole; ``problems`` names every place and reason."""


class UnsafeXmlError(IatiInputError):
    """The file uses XML features cajad refuses: a DTD, entities, or nodes over the limits."""


class MalformedXmlError(IatiInputError):
    """The file is not well-formed XML (truncated, wrong encoding, syntax error)."""


class UnsupportedVersionError(IatiInputError):
    """The file is not IATI 2.01–2.03 (the version found is in the message)."""


class StrictValidationError(IatiInputError):
    """Strict mode refused a file with validation errors."""


class ExportError(IatiError):
    """The register could not be written as valid IATI 2.03 XML."""


class NothingToExportError(ExportError, LookupError):
    """No record is selected, or every selected one was left out: IATI needs at least one."""


class UnwritableProjectError(ExportError, ValueError):
    """A project lacks something IATI requires (the message says what); it is left out."""


@dataclass(frozen=True, slots=True)
class IatiProblem(Problem):
    """A problem at a place in an IATI file; ``field`` is the element path."""
