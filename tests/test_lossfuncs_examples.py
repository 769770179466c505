"""The example in every loss's docstring (shown on the API page) runs and prints what it says."""

from __future__ import annotations

import doctest

import pytest

import lossfuncs as lf
from lossfuncs.registry import LOSSES


@pytest.mark.parametrize("spec", LOSSES, ids=[s.name for s in LOSSES])
def test_docstring_example_runs(spec):
    fn = getattr(lf, spec.name)
    test = doctest.DocTestParser().get_doctest(fn.__doc__, {}, spec.name, None, 0)
    assert test.examples, f"{spec.name} has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=lambda text: pytest.fail(text))
    assert result.failed == 0
