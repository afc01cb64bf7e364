"""Layout measured in the browser: bounding boxes, horizontal overflow and which nav item is highlighted.

Helpers for the browser tests that check what a learner sees, not only that an element exists.
"""

from playwright.sync_api import Locator, Page

Box = dict[str, float]

_OVERFLOW = """
(root) => {
  let worst = 0;
  for (const el of [root, ...root.querySelectorAll('*')]) {
    const x = getComputedStyle(el).overflowX;
    if ((x === 'auto' || x === 'scroll') && el.clientWidth > 0) {
      worst = Math.max(worst, el.scrollWidth - el.clientWidth);
    }
  }
  return worst;
}
"""
"""The most any scrollable element in the subtree can scroll sideways, in CSS pixels (0 when none can)."""

_HIGHLIGHTED_JS = """
[...document.querySelectorAll('a[href]')]
  .filter((a) => a.parentElement?.querySelector(':scope > a[href="/runs"]'))
  .filter((a) => !['rgba(0, 0, 0, 0)', 'transparent'].includes(getComputedStyle(a).backgroundColor))
  .map((a) => a.getAttribute('href'))
"""
_HIGHLIGHTED = f"() => {_HIGHLIGHTED_JS}"
"""The hrefs of the sidebar's nav links drawn with a background (the highlighted, active item)."""
_RECORD = f"""
() => {{
  window.__navFrames = [];
  const tick = () => {{
    const frame = document.title + '|' + ({_HIGHLIGHTED_JS}).join(',');
    const frames = window.__navFrames;
    if (frames[frames.length - 1] !== frame) frames.push(frame);
    requestAnimationFrame(tick);
  }};
  requestAnimationFrame(tick);
}}
"""
"""Record, at every animation frame, the page on screen (its title) and the highlighted nav items, when they change."""


def box(locator: Locator) -> Box:
    """The element's bounding box in viewport pixels; fails when it is not rendered."""
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share any area."""
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def in_viewport(page: Page, found: Box) -> bool:
    """Whether the whole box lies inside the viewport."""
    size = page.viewport_size
    assert size is not None
    return (
        found["y"] >= -0.5
        and found["y"] + found["height"] <= size["height"] + 0.5
        and found["x"] >= -0.5
        and found["x"] + found["width"] <= size["width"] + 0.5
    )


def sideways_scroll(locator: Locator) -> float:
    """How far anything inside ``locator`` scrolls horizontally (0 when everything fits)."""
    return float(locator.evaluate(_OVERFLOW))


def highlighted_nav(page: Page) -> list[str]:
    """The sidebar links drawn as active (with a background); the mouse is moved off them first (hover paints too)."""
    page.mouse.move(page.viewport_size["width"] - 5, page.viewport_size["height"] - 5)
    return page.evaluate(_HIGHLIGHTED)


def record_nav_frames(page: Page) -> None:
    """Start recording what every frame shows: the page's title and the highlighted nav items (lasts until a reload)."""
    page.mouse.move(page.viewport_size["width"] - 5, page.viewport_size["height"] - 5)
    page.evaluate(_RECORD)


def nav_frames(page: Page) -> list[tuple[str, list[str]]]:
    """The frames recorded so far, as (title, highlighted hrefs), each different from the one before; then clears."""
    frames = page.evaluate("() => (window.__navFrames || []).splice(0)")
    split = (frame.rpartition("|") for frame in frames)
    return [(title, [href for href in hrefs.split(",") if href]) for title, _, hrefs in split]
