"""Every package's tables, as the migration environment sees them.

The register's migrations build the tables of every package that keeps data in the register
(the screening's and the minerals' too), so autogenerate must compare them all, whatever the
caller happened to import before. Each package declares its tables in one module, listed in
:data:`TABLE_MODULES` and imported here; a package that adds tables adds its module to both.
"""

from __future__ import annotations

from sqlalchemy import MetaData

import cajad.accounts.models
import cajad.brokerage.models
import cajad.jobs.models
import cajad.minerals.tables
import cajad.portfolio.tables
import cajad.register.models
import cajad.screening.models

#: The module of each package that declares tables on the register's ``Base``.
TABLE_MODULES: tuple[str, ...] = (
    cajad.register.models.__name__,
    cajad.screening.models.__name__,
    cajad.minerals.tables.__name__,
    cajad.accounts.models.__name__,
    cajad.brokerage.models.__name__,
    cajad.portfolio.tables.__name__,
    cajad.jobs.models.__name__,
)

#: The metadata of every table the migrations build.
metadata: MetaData = cajad.register.models.Base.metadata
