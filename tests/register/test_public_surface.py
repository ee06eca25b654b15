"""The register's public surface: what other packages use, exported from ``cajad.register``
and pinned here, so that a change to it is a decision and not an accident."""

from __future__ import annotations

import ast
import types
from pathlib import Path

import cajad.register

SRC = Path(cajad.register.__file__).parents[1]

EXPORTED = [
    "CENTRAL_ASIAN_COUNTRIES",
    "CENTRAL_ASIA_REGION",
    "EDITABLE",
    "FINANCE_TYPE",
    "IATI_STATUS",
    "INCOMING_TYPES",
    "MATERIALISED",
    "PARTICIPANT_ROLES",
    "PARTS",
    "PROJECT_COLUMNS",
    "REPORTED_TYPES",
    "WHOLE_PROJECT",
    "Actor",
    "AuditEntry",
    "Base",
    "Budget",
    "BudgetSpec",
    "BusyStoreError",
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
    "StaleVersionError",
    "StoreError",
    "TextSpec",
    "Transaction",
    "TransactionFilter",
    "TransactionSpec",
    "TransactionType",
    "TransactionsCsvReport",
    "VersionedCache",
    "agreement_bound",
    "as_actor",
    "audit",
    "bounds",
    "codelist",
    "create_project",
    "database_url",
    "edit_part",
    "edit_project",
    "entry_summary",
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
    "known_owners",
    "list_changes",
    "list_organisations",
    "list_projects",
    "list_transactions",
    "load_demo",
    "make_engine",
    "matching_ids",
    "migrate",
    "organisation_identifier",
    "owner_of",
    "parse_columns",
    "part_items",
    "part_rows",
    "project_areas",
    "project_spec",
    "project_version",
    "quantize_money",
    "rates_version",
    "register_version",
    "rollup",
    "sector_area",
    "session_scope",
    "title_of",
    "titles",
    "transactions_csv_chunks",
    "version_of",
    "write_projects_xlsx",
    "write_transactions_csv",
    "writing_scope",
]

#: Modules exported as namespaces: their names read well only qualified (``audit.record``).
MODULES = {"audit", "bounds", "rollup"}

#: The one submodule other code may name: the root CLI adds the register's commands from it.
EDGE = "cajad.register.cli"


def test_the_exported_names_are_pinned() -> None:
    assert cajad.register.__all__ == EXPORTED


def test_every_public_name_of_the_package_is_exported_and_exists() -> None:
    """As httpx's ``test_exported_members``: nothing public is left out of ``__all__``, and
    every name in it is there (submodules are attributes too, and only two are exported)."""
    public = {
        name
        for name, value in vars(cajad.register).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public | MODULES == set(cajad.register.__all__)
    for name in MODULES:
        assert isinstance(getattr(cajad.register, name), types.ModuleType)


def _submodule_imports(path: Path) -> list[str]:
    """The ``cajad.register.<submodule>`` imports of one source file."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        module = (node.module or "") if isinstance(node, ast.ImportFrom) else ""
        if module.startswith("cajad.register.") and module != EDGE:
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("cajad.register.")]
    return found


def test_other_packages_import_the_register_through_its_surface() -> None:
    reaching = {
        path.relative_to(SRC).as_posix(): _submodule_imports(path)
        for path in sorted(SRC.rglob("*.py"))
        if not path.is_relative_to(SRC / "register")
    }
    reaching = {name: found for name, found in reaching.items() if found}
    assert reaching == {}, "import these from cajad.register (export them if they are missing)"
