"""The press dashboard's tables and charts in a real browser, desktop and phone, left-to-right and right-to-left.

What only a browser shows: a table column squeezed until a word breaks mid-word
("Covera/ge", one letter per line on a phone), a number or badge wrapping, and
a chart's first or last date label drawn past the canvas edge (clipped in Arabic,
where the axis runs right to left).
"""

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

VIEWPORTS = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})

# Words split over lines in the two tables; numbers and badges must stay on one line as a whole.
BROKEN_WORDS = """() => {
  const broken = [];
  const lines = (node, start, end) => {
    const r = document.createRange(); r.setStart(node, start); r.setEnd(node, end);
    return new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top))).size;
  };
  for (const cell of document.querySelectorAll('#negative-stories th, #negative-stories td, #regions th, #regions td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const whole = node.parentElement.closest('.num, .badge');
      if (whole && node.data.trim() && lines(node, 0, node.data.length) > 1) { broken.push(node.data); continue; }
      for (const m of node.data.matchAll(/\\S+/g)) {
        if (lines(node, m.index, m.index + m[0].length) > 1) { broken.push(m[0]); }
      }
    }
  }
  return broken;
}"""

# Date labels of the vertical charts that stick out of their canvas.
CLIPPED_LABELS = """() => {
  const out = [];
  for (const canvas of document.querySelectorAll('canvas.chart.drawn:not([data-kind=hbar])')) {
    const chart = window.Chart.getChart(canvas);
    const ctx = canvas.getContext('2d');
    for (const item of chart.scales.x.getLabelItems()) {
      ctx.font = item.font.string;
      const w = ctx.measureText(String(item.label)).width;
      const x = item.options.translation[0], align = item.options.textAlign;
      const start = align === 'center' ? -w / 2 : (align === 'right' ? -w : 0);  // along the (rotated) baseline
      const cos = Math.abs(Math.cos(item.options.rotation || 0));
      const left = x + cos * start, right = x + cos * (start + w);
      if (left < -0.5 || right > chart.width + 0.5) { out.push([canvas.id, String(item.label), left, right, chart.width]); }
    }
  }
  return out;
}"""


def test_dashboard_tables_break_only_between_words_and_dates_stay_inside_the_charts(browser, live):
    base = live["base"]
    for viewport in VIEWPORTS:
        ctx = browser.new_context(viewport=viewport)
        page = ctx.new_page()
        login(page, base, "press-office")
        for lang in ("en", "ar"):
            page.goto(f"{base}/press/?lang={lang}")
            page.locator("#negative-stories.filled").wait_for(timeout=15000)
            page.locator("#regions.filled").wait_for(timeout=15000)
            page.locator("canvas.chart.drawn").nth(3).wait_for(timeout=15000)
            where = f"{lang} at {viewport['width']} px"
            assert page.evaluate(BROKEN_WORDS) == [], where
            assert page.evaluate(CLIPPED_LABELS) == [], where
        ctx.close()
