"""axe-core in a Playwright page: the WCAG 2.1 A and AA rules, every violation spelled out."""

from pathlib import Path

AXE = Path(__file__).parent / "axe" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page):
    """The violations axe-core finds in the page as it is now, under the WCAG 2.1 A and AA
    rules (of any impact)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """(tags) => axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
        })""",
        WCAG_21_AA,
    )
    return results["violations"]


def describe(violations):
    """One paragraph per violation: rule, impact, help, and each node with its failure."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}  "
            f"[{violation['helpUrl']}]"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page, where):
    """Fail with every violation axe-core finds in `page` (`where` names the page and state)."""
    violations = axe_violations(page)
    assert not violations, f"axe-core on {where}: {len(violations)} violation(s)\n" + describe(
        violations
    )
