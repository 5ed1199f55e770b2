"""The well-formedness checker must itself catch broken markup, or the HTML tests prove nothing."""

from __future__ import annotations

import pytest

from tests.report.htmlcheck import check_well_formed


def test_accepts_balanced_markup_with_void_and_self_closed_tags():
    check_well_formed('<html><body><p>a<br>b</p><svg><rect x="1"/></svg></body></html>')


@pytest.mark.parametrize(
    "broken",
    ["<div><p>x</div></p>", "<div>", "</span>", "<p>x<br></br></p>", "<table><tr><td>x</tr></table>"],
)
def test_rejects_broken_markup(broken):
    with pytest.raises(AssertionError):
        check_well_formed(broken)
