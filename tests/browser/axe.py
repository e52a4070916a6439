"""axe-core in every page the browser suite visits (WCAG 2.0/2.1 A and AA).

axe-core comes from npm (package.json pins it, `npm ci` installs it). It is added to every document
of a test's browser contexts as an init script, which the DevTools protocol runs outside the site's
strict CSP, so no inline script and no test-only route is needed.

Nobody has to remember to call anything (`watch_context` is applied by the autouse `axe_watch`
fixture to every context a test opens):
- every top-level document runs axe itself once it has loaded and hands the violations to Python
  through an exposed binding (a callback that only stores them: no Playwright call from inside an
  event, which can deadlock against a pending navigation);
- `page.goto` waits for that check before returning, so a page a test goes to is always checked,
  even when the test leaves it at once;
- what is on screen when a context closes or the test ends is checked again, so the state a test
  leaves (after its clicks, htmx swaps and refusals) is covered too.
`assert_accessible(page)` checks the current state on the spot and raises with the readable list.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_source = None

RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      summary: (n.failureSummary || "").replace(/\\s+/g, " ").trim(),
    })),
  }));
}"""

# Runs in every top-level document after `load`; `__axeChecked` lets page.goto wait for it.
ON_LOAD = """(() => {
  if (window.top !== window || !location.protocol.startsWith("http")) return;
  const run = %s;
  const check = async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));  // let deferred drawing settle
    let violations;
    try { violations = await run(%s); }
    catch (e) { violations = [{rule: "axe-error", impact: "n/a", help: String(e), nodes: []}]; }
    await window.__axeReport(location.href, violations);
    window.__axeChecked = true;
  };
  if (document.readyState === "complete") check(); else window.addEventListener("load", check, {once: true});
})();"""


def axe_source() -> str:
    global _source
    if _source is None:
        if not AXE_JS.is_file():
            raise RuntimeError("axe-core 未安装：请运行 npm ci（make install 会自动运行）")
        _source = AXE_JS.read_text(encoding="utf-8") + "\n" + ON_LOAD % (RUN, json.dumps(WCAG_TAGS))
    return _source


@dataclass
class Report:
    url: str
    violations: list = field(default_factory=list)

    def __str__(self):
        lines = [f"{self.url}: {len(self.violations)} axe violation(s)"]
        for v in self.violations:
            lines.append(f"  [{v['impact']}] {v['rule']}: {v['help']}")
            for n in v["nodes"][:8]:
                lines.append(f"      {n['target']}\n        {n['summary'][:300]}")
            if len(v["nodes"]) > 8:
                lines.append(f"      … and {len(v['nodes']) - 8} more")
        return "\n".join(lines)


class AccessibilityViolations(AssertionError):
    pass


def audit(page) -> Report | None:
    """Run axe on the page's current document; None when there is nothing to check."""
    url = page.url
    if not url.startswith("http"):
        return None
    if page.evaluate("() => typeof window.axe === 'undefined'"):
        page.evaluate(axe_source())
    else:  # the check the document runs on load must be over: axe runs one at a time
        page.wait_for_function("() => window.__axeChecked === true", timeout=30_000)
    return Report(url, page.evaluate(RUN, WCAG_TAGS))


def assert_accessible(page):
    """Fail now, with the list of violations, if axe finds any on the current page."""
    report = audit(page)
    if report and report.violations:
        raise AccessibilityViolations(str(report))


class Watch:
    """Violations found in the contexts opened during one test."""

    def __init__(self):
        self.reports: list[Report] = []
        self.errors: list[str] = []
        self.contexts = []
        self.checked: list[str] = []
        self._seen = set()

    def add(self, report: Report):
        self.checked.append(report.url)
        # The same page met again (the final check, a reload) is listed once.
        key = (report.url, json.dumps(report.violations, sort_keys=True))
        if report.violations and key not in self._seen:
            self._seen.add(key)
            self.reports.append(report)

    def record(self, page):
        try:
            report = audit(page)
        except Exception as e:
            if page.is_closed():
                return
            self.errors.append(f"{page.url}: axe could not run: {e}")
            return
        if report is not None:
            self.add(report)

    def failures(self) -> str:
        return "\n\n".join([str(r) for r in self.reports] + self.errors)


def watch_context(context, watch: Watch, scripts=True):
    """Check every document of `context` after it loads, on `page.goto`, and when the context closes."""
    watch.contexts.append(context)
    context.no_script = not scripts
    if not scripts:
        return context
    context.expose_binding("__axeReport", lambda source, url, violations: watch.add(Report(url, violations)))
    context.add_init_script(script=axe_source())

    new_page = context.new_page

    def watched_page(*args, **kwargs):
        page = new_page(*args, **kwargs)
        goto = page.goto

        def checked_goto(*a, **kw):
            response = goto(*a, **kw)
            if page.url.startswith("http") and (
                response is None or response.headers.get("content-type", "").startswith("text/html")
            ):
                page.wait_for_function("() => window.__axeChecked === true", timeout=30_000)
            return response

        page.goto = checked_goto
        return page

    context.new_page = watched_page

    close = context.close

    def checked_close(*args, **kwargs):
        check_open_pages(context, watch)
        return close(*args, **kwargs)

    context.close = checked_close
    return context


def check_open_pages(context, watch: Watch):
    if getattr(context, "axe_done", False) or context.no_script:
        return
    context.axe_done = True
    for page in context.pages:
        if not page.is_closed():
            watch.record(page)
