"""The broker: which investors' published mandates fit a project, why, and which consortia
cover its financing need.

A plain library: investor profiles (:func:`read_investors`, stored by
:func:`import_investors`) are matched to a project by :func:`match` (hard requirements
exclude, soft ones score, every score a sum of named :class:`Reason`\\ s); :func:`consortia`
solves the fewest-members-then-best-score consortium exactly with HiGHS on the planner's
model; :func:`match_project` does both for a register project. Tables: :mod:`.models`;
the edges: :mod:`.cli`, ``cajad.web.brokerage_api``.
"""

from cajad.brokerage.consortia import (
    GUARANTEE_AREAS,
    Consortium,
    Member,
    consortia,
    needs_guarantor,
)
from cajad.brokerage.errors import BrokerageError, InvestorsError, NeedError, UnknownError
from cajad.brokerage.matching import (
    FITTING,
    POINTS,
    Candidate,
    Matches,
    Need,
    ProjectFacts,
    Reason,
    match,
)
from cajad.brokerage.profiles import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    Investor,
    parse_rows,
    read_investors,
)
from cajad.brokerage.service import MatchResult, financing_need, match_project, project_facts
from cajad.brokerage.store import (
    BUNDLED,
    Deal,
    ImportResult,
    TrackRecord,
    get_investor,
    import_investors,
    list_investors,
    load_bundled,
    track_record,
)

__all__ = [
    "BUNDLED",
    "FITTING",
    "GUARANTEE_AREAS",
    "OPTIONAL_COLUMNS",
    "POINTS",
    "REQUIRED_COLUMNS",
    "BrokerageError",
    "Candidate",
    "Consortium",
    "Deal",
    "ImportResult",
    "Investor",
    "InvestorsError",
    "MatchResult",
    "Matches",
    "Member",
    "Need",
    "NeedError",
    "ProjectFacts",
    "Reason",
    "TrackRecord",
    "UnknownError",
    "consortia",
    "financing_need",
    "get_investor",
    "import_investors",
    "list_investors",
    "load_bundled",
    "match",
    "match_project",
    "needs_guarantor",
    "parse_rows",
    "project_facts",
    "read_investors",
    "track_record",
]
