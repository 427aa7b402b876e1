"""URL rules that compile their URL builders on first use.

When a rule is added, werkzeug compiles two functions that build URLs for it
(for `url_for`): Python source generated per rule, parsed and compiled, about
two thirds of `create_app` on a slow machine. The fake matches many rules and
builds few URLs (the dashboard's links), so `LazyBuildRule` compiles a builder
the first time it is called; matching is untouched. It relies on werkzeug's
`Rule._compile_builder` (werkzeug 3.x, pinned in pyproject.toml); without that
method the rules are plain werkzeug rules (docs/performance.md, cold start).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

Builder = Callable[..., tuple[str, str]]


class LazyBuildRule(Rule):
    """A werkzeug Rule whose URL builders are compiled when first called."""

    def _compile_builder(self, append_unknown: bool = True) -> Builder:
        compile_now = super()._compile_builder
        compiled: list[Builder] = []

        # werkzeug binds what this returns to the rule (`__get__`), as it
        # binds the compiled builder: `rule` is that rule.
        def build(rule: Rule, /, **values: Any) -> tuple[str, str]:
            if not compiled:
                compiled.append(compile_now(append_unknown))
            return compiled[0](rule, **values)

        return build


#: The rule class of the fake's app: lazy when werkzeug has the hook.
RULE_CLASS: type[Rule] = (
    LazyBuildRule if callable(getattr(Rule, "_compile_builder", None)) else Rule
)
