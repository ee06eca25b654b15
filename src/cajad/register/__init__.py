"""The register: projects, organisations, money at dated rates, the audit log, the store.

This module is the register's public surface: every name another package uses is exported
here (and pinned by ``tests/register/test_public_surface.py``); the submodules are the
register's own. ``audit`` (the audit log), ``bounds`` (what the register accepts) and
``rollup`` (the materialised totals) are exported as modules, because their names read well
only qualified (``audit.record``, ``bounds.MAX_AMOUNT``).

Inside the register, modules import each other's submodules, never this one, so that importing
any of them never needs the whole package first.
"""

from cajad.register import audit, bounds, rollup
from cajad.register.changes import (
    Change,
    ChangePage,
    FieldChange,
    SourceDocument,
    list_changes,
)
from cajad.register.codelists import codelist, is_code
from cajad.register.errors import (
    ConversionError,
    InputError,
    NotFoundError,
    Problem,
    RegisterError,
    StoreError,
)
from cajad.register.filters import ProjectFilter, agreement_bound, filter_projects
from cajad.register.fx import Conversion, RateBook
from cajad.register.importer import ImportReport, ProgressCallback, import_batches, import_specs
from cajad.register.models import (
    MATERIALISED,
    AuditEntry,
    Base,
    Budget,
    Document,
    FxRate,
    IatiActivity,
    IatiOrganisation,
    Location,
    Organisation,
    OrganisationBudget,
    OrganisationBudgetLine,
    Participation,
    Project,
    ProjectCountry,
    ProjectSector,
    ProjectText,
    Rollup,
    Transaction,
)
from cajad.register.queries import (
    REPORTED_TYPES,
    TransactionFilter,
    facets,
    get_project,
    list_organisations,
    list_projects,
    list_transactions,
    matching_ids,
    project_areas,
    rates_version,
    sector_area,
    title_of,
    titles,
)
from cajad.register.service import import_file, init, load_demo
from cajad.register.specs import (
    BudgetSpec,
    CountrySpec,
    DocumentSpec,
    IatiSourceSpec,
    LocationSpec,
    OrganisationSpec,
    ParticipationSpec,
    ProjectSpec,
    SectorSpec,
    TextSpec,
    TransactionSpec,
)
from cajad.register.store import (
    database_url,
    is_initialised,
    make_engine,
    migrate,
    session_scope,
)
from cajad.register.transactions_export import TransactionsCsvReport, write_transactions_csv
from cajad.register.types import ExactDecimal, exact_sum, quantize_money
from cajad.register.views import WHOLE_PROJECT, project_spec
from cajad.register.vocab import (
    CENTRAL_ASIA_REGION,
    CENTRAL_ASIAN_COUNTRIES,
    FINANCE_TYPE,
    IATI_STATUS,
    INCOMING_TYPES,
    Instrument,
    PriorityArea,
    Stage,
    TransactionType,
)
from cajad.register.xlsx_export import COLUMNS as PROJECT_COLUMNS
from cajad.register.xlsx_export import ProjectsXlsxReport, parse_columns, write_projects_xlsx

__all__ = [
    "CENTRAL_ASIAN_COUNTRIES",
    "CENTRAL_ASIA_REGION",
    "FINANCE_TYPE",
    "IATI_STATUS",
    "INCOMING_TYPES",
    "MATERIALISED",
    "PROJECT_COLUMNS",
    "REPORTED_TYPES",
    "WHOLE_PROJECT",
    "AuditEntry",
    "Base",
    "Budget",
    "BudgetSpec",
    "Change",
    "ChangePage",
    "Conversion",
    "ConversionError",
    "CountrySpec",
    "Document",
    "DocumentSpec",
    "ExactDecimal",
    "FieldChange",
    "FxRate",
    "IatiActivity",
    "IatiOrganisation",
    "IatiSourceSpec",
    "ImportReport",
    "InputError",
    "Instrument",
    "Location",
    "LocationSpec",
    "NotFoundError",
    "Organisation",
    "OrganisationBudget",
    "OrganisationBudgetLine",
    "OrganisationSpec",
    "Participation",
    "ParticipationSpec",
    "PriorityArea",
    "Problem",
    "ProgressCallback",
    "Project",
    "ProjectCountry",
    "ProjectFilter",
    "ProjectSector",
    "ProjectSpec",
    "ProjectText",
    "ProjectsXlsxReport",
    "RateBook",
    "RegisterError",
    "Rollup",
    "SectorSpec",
    "SourceDocument",
    "Stage",
    "StoreError",
    "TextSpec",
    "Transaction",
    "TransactionFilter",
    "TransactionSpec",
    "TransactionType",
    "TransactionsCsvReport",
    "agreement_bound",
    "audit",
    "bounds",
    "codelist",
    "database_url",
    "exact_sum",
    "facets",
    "filter_projects",
    "get_project",
    "import_batches",
    "import_file",
    "import_specs",
    "init",
    "is_code",
    "is_initialised",
    "list_changes",
    "list_organisations",
    "list_projects",
    "list_transactions",
    "load_demo",
    "make_engine",
    "matching_ids",
    "migrate",
    "parse_columns",
    "project_areas",
    "project_spec",
    "quantize_money",
    "rates_version",
    "rollup",
    "sector_area",
    "session_scope",
    "title_of",
    "titles",
    "write_projects_xlsx",
    "write_transactions_csv",
]
