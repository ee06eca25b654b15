"""The broker's public surface is deliberate: adding a name means adding it here."""

import cajad.brokerage


def test_public_surface_is_pinned() -> None:
    assert sorted(cajad.brokerage.__all__) == sorted(
        [
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
    )
    for name in cajad.brokerage.__all__:
        assert hasattr(cajad.brokerage, name), name
