"""The register: projects, organisations, money at dated rates, the audit log, the store."""

from cajad.register.errors import (
    ConversionError,
    InputError,
    NotFoundError,
    Problem,
    RegisterError,
    StoreError,
)
from cajad.register.fx import Conversion, RateBook
from cajad.register.importer import ImportReport, import_specs
from cajad.register.service import import_file, init, load_demo
from cajad.register.store import database_url, make_engine, migrate, session_scope

__all__ = [
    "Conversion",
    "ConversionError",
    "ImportReport",
    "InputError",
    "NotFoundError",
    "Problem",
    "RateBook",
    "RegisterError",
    "StoreError",
    "database_url",
    "import_file",
    "import_specs",
    "init",
    "load_demo",
    "make_engine",
    "migrate",
    "session_scope",
]
