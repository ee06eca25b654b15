"""The broker: investor profiles, matching that explains itself, consortia solved with HiGHS."""
