"""Keyboard helpers for browser tests: what has focus as a screen reader names it, whether its focus is
drawn, and Tab until a named control has it (a bounded number of presses; on failure, the list of what
was focused in turn).

On a page given to `watch_layout`, every Tab stop the helpers pass and every page they open is also
held to the reflow rules (WCAG 1.4.10, 2.4.7 at 200 % zoom): the page does not scroll sideways (a
wide table may scroll inside itself) and the focused element can be seen in the window."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import expect

TAB_LIMIT = 90


@dataclass
class Focus:
    role: str
    name: str
    tag: str

    def __str__(self):
        return f"{self.role} “{self.name}”" if self.name else f"{self.role} <{self.tag}>"


def focused(page) -> Focus:
    """The focused element as assistive technology meets it: role and accessible name."""
    cdp = getattr(page, "_cdp", None) or page.context.new_cdp_session(page)
    page._cdp = cdp
    found = cdp.send("Runtime.evaluate", {"expression": "document.activeElement"})["result"]
    tag = page.evaluate("document.activeElement ? document.activeElement.tagName.toLowerCase() : ''")
    if "objectId" not in found:
        return Focus("none", "", tag)
    nodes = cdp.send(
        "Accessibility.getPartialAXTree", {"objectId": found["objectId"], "fetchRelatives": False}
    )
    node = nodes["nodes"][-1] if nodes["nodes"] else {}
    return Focus(
        (node.get("role") or {}).get("value", "?"), ((node.get("name") or {}).get("value") or "").strip(), tag
    )


FOCUS_DRAWN = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return {visible: el.matches(":focus-visible"), drawn: outline || s.boxShadow !== "none",
          outline: s.outlineStyle + " " + s.outlineWidth, shadow: s.boxShadow};
}"""


LAYOUT = """() => {
  const doc = document.documentElement;
  const spill = doc.scrollWidth - doc.clientWidth;
  const el = document.activeElement;
  if (!el || el === document.body || el === doc) return {spill, box: null};
  const r = el.getBoundingClientRect();
  // What of the element shows: inside the window and inside every box that clips it (a table
  // scrolling inside itself shows only its scrolled part).
  let box = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  const cut = (c) => { box = {left: Math.max(box.left, c.left), top: Math.max(box.top, c.top),
                              right: Math.min(box.right, c.right), bottom: Math.min(box.bottom, c.bottom)}; };
  for (let a = el.parentElement; a && a !== document.body && a !== doc; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX !== "visible" || s.overflowY !== "visible") cut(a.getBoundingClientRect());
  }
  const win = [Math.min(doc.clientWidth, innerWidth), Math.min(doc.clientHeight, innerHeight)];
  cut({left: 0, top: 0, right: win[0], bottom: win[1]});
  const round = (b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Math.round(v)]));
  return {spill, box: round(box), rect: round(r.toJSON()), window: win,
          shown: box.right > box.left && box.bottom > box.top};
}"""


def watch_layout(page):
    """From now on the helpers check, on every Tab stop and every page they open, that nothing scrolls
    sideways and that what has focus is in sight."""
    page.layout_watched = True


def assert_layout(page, where: Focus | None = None):
    if not getattr(page, "layout_watched", False):
        return
    seen = page.evaluate(LAYOUT)
    assert seen["spill"] <= 0, f"{page.url} scrolls sideways by {seen['spill']} px"
    if seen["box"] is not None:
        assert seen["shown"], (
            f"{where or focused(page)} has focus on {page.url} but is out of sight: at {seen['rect']}, "
            f"{seen['window'][0]}×{seen['window'][1]} window, visible part {seen['box']}"
        )


def assert_focus_drawn(page, where: Focus):
    style = page.evaluate(FOCUS_DRAWN)
    assert style["visible"] and style["drawn"], f"{where} has focus but no visible focus ring: {style}"
    assert_layout(page, where)


def tab_to(page, name: str, role: str | None = None, *, back=False, limit=TAB_LIMIT) -> Focus:
    """Press Tab (Shift+Tab with back) until the element named `name` has focus, at most `limit` times."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        assert_layout(page, now)
        if same_name(now.name, name) and (role is None or now.role == role):
            assert_focus_drawn(page, now)
            return now
        if len(seen) > 1 and str(now) == seen[0] and seen[-1] != seen[0]:
            break  # round the whole page once (a date field keeps focus over its segments): not there
        seen.append(str(now))
    raise AssertionError(
        f"{len(seen)} presses of {'Shift+Tab' if back else 'Tab'} on {page.url} did not reach "
        f"{role or 'an element'} “{name}”. Focused in turn: " + " → ".join(seen)
    )


def same_name(heard: str, meant: str) -> bool:
    # Spaces inside Chinese words are letter-spacing (“登 录”), not part of what is meant.
    return "".join(heard.split()) == "".join(meant.split())


def activate(page, name: str, role: str | None = None, *, key="Enter", navigates=True, back=False):
    """Tab to the control and press `key` on it, waiting for the page it opens."""
    tab_to(page, name, role, back=back)
    if navigates:
        with page.expect_navigation():
            page.keyboard.press(key)
        page.wait_for_load_state()
        assert_layout(page)
    else:
        page.keyboard.press(key)


def type_into(page, name: str, text: str, role: str = "textbox"):
    tab_to(page, name, role)
    page.keyboard.type(text)


def choose(page, label: str, limit=30):
    """In the focused select, move with the arrow keys to the option labelled `label`."""
    passed = []
    for _ in range(limit):
        current = page.evaluate("document.activeElement.selectedOptions[0]?.text.trim() || ''")
        if current == label:
            return
        passed.append(current)
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"ArrowDown did not reach the option “{label}”; passed: {passed}")


SEGMENTS = {"Year": "%Y", "Month": "%m", "Day": "%d", "年": "%Y", "月": "%m", "日": "%d"}


def type_date(page, day: dt.date):
    """Type a date into the focused date field, segment by segment in the order the browser lays
    them out (年/月/日 or mm/dd/yyyy, by the browser's language), as a user reads them off the field."""
    order = []
    for node in page._cdp.send("Accessibility.getFullAXTree")["nodes"]:
        if (node.get("role") or {}).get("value") == "spinbutton":
            words = ((node.get("name") or {}).get("value") or "").split()
            if words and words[0] in SEGMENTS and SEGMENTS[words[0]] not in order:
                order.append(SEGMENTS[words[0]])
        if len(order) == 3:
            break
    assert sorted(order) == ["%Y", "%d", "%m"], order
    for i, part in enumerate(order):
        page.keyboard.type(day.strftime(part))
        if part == "%Y" and i < 2:
            page.keyboard.press("ArrowRight")  # a year may have more digits: move on by hand


def skip_to_content(page):
    """The first Tab stop of the page is the skip link, and it moves focus to the page's main.

    A page reached by a redirect from a page the skip link was used on keeps the address's #content
    (browsers carry the fragment over a redirect): there the browser itself starts from main, and the
    first Tab lands in the content (a reload of such an address starts from the top again)."""
    page.keyboard.press("Tab")
    first = focused(page)
    assert_layout(page, first)
    if urlsplit(page.url).fragment == "content" and first.name != "跳到正文":
        assert page.evaluate("!!document.activeElement.closest('main#content')"), (page.url, str(first))
        assert_focus_drawn(page, first)
        page.keyboard.press("Shift+Tab")  # so that the next Tab comes back to the content's first stop
        return
    assert first.name == "跳到正文" and first.role == "link", f"first Tab stop of {page.url} is {first}"
    assert_focus_drawn(page, first)
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()
    assert_layout(page)


def tab_to_field(page, selector: str, limit=TAB_LIMIT) -> Focus:
    """Tab to the field `selector` and check it is named after its visible label."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert_layout(page)
        if target.evaluate("el => el === document.activeElement"):
            now = focused(page)
            label = page.evaluate(
                "el => [...el.labels].map(l => l.innerText.replace(/\\s+/g, ' ').trim()).join(' ')",
                target.element_handle(),
            )
            assert now.name and same_name(now.name, label), f"{selector} is read as {now}, labelled “{label}”"
            assert_focus_drawn(page, now)
            return now
    raise AssertionError(f"Tab did not reach {selector} on {page.url}")
