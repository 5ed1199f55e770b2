"""A conformance kit for plugin authors: run it against your source to know it behaves as the engine needs.

    from sid_connector.testing import assert_source_conforms

    def test_my_source_conforms(tmp_path):
        assert_source_conforms(lambda: MySource({"path": ..., "kode_desa": "3301022001"}), tmp_path)

Each check is also available on its own (``check_*`` functions) and returns a list of problems in plain words.
"""

from sid_connector.testing.sources import (
    SourceFactory,
    assert_source_conforms,
    check_events,
    check_identity,
    check_noop_repull,
    check_resume_after_crash,
    source_problems,
)

__all__ = [
    "SourceFactory",
    "assert_source_conforms",
    "check_events",
    "check_identity",
    "check_noop_repull",
    "check_resume_after_crash",
    "source_problems",
]
