// Debian's Chromium driven by playwright-core (no downloaded browser), and helpers that act
// on the page as a person would.
import { chromium } from 'playwright-core';

/** The desktop the suites and benchmarks use unless they need another size. */
export const DESKTOP = { width: 1100, height: 900 };

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Pad coordinates (0..1) as a point on the page: a square as tall as the pad, in its middle.
 * The pad is square on a phone and wider on a desktop (room for a number); a digit drawn in
 * pad coordinates has the same shape on both, where a person would draw it.
 */
export function padPoint(box, [x, y]) {
  return [box.x + (box.width - box.height) / 2 + x * box.height, box.y + y * box.height];
}

// Digits as pen strokes in pad coordinates (0..1), the way people draw them.
const ellipse = (cx, cy, rx, ry, from = -Math.PI / 2, turns = 1.05) =>
  Array.from({ length: 41 }, (_, i) => {
    const a = from + (i / 40) * turns * 2 * Math.PI;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
export const DIGIT_STROKES = {
  0: [ellipse(0.5, 0.5, 0.2, 0.32)],
  1: [[[0.45, 0.25], [0.55, 0.15], [0.55, 0.85]]],
  4: [[[0.6, 0.85], [0.6, 0.15], [0.25, 0.6], [0.75, 0.6]]],
  7: [[[0.25, 0.18], [0.75, 0.18], [0.42, 0.85]]],
};

/**
 * A number as pen strokes in pad coordinates: the digits of DIGIT_STROKES in a row, each
 * shrunk to `size` of the pad's height around the pad's middle, their centres `step` apart.
 * Beyond 0..1 across is still the pad where it is wider than tall.
 */
export function numberStrokes(digits, { size = 0.7, step = 0.42 } = {}) {
  return [...digits].flatMap((digit, k) => {
    const dx = (k - (digits.length - 1) / 2) * step;
    return DIGIT_STROKES[digit].map((stroke) => stroke.map(([x, y]) => [0.5 + dx + (x - 0.5) * size, 0.5 + (y - 0.5) * size]));
  });
}

// Drawings that are not digits, as pen strokes in pad coordinates (0..1).
export const NOT_DIGIT_STROKES = {
  // One long looping stroke across the pad, as a hand scribbles: seven loops drifting right.
  scribble: [Array.from({ length: 141 }, (_, i) => {
    const a = (i / 140) * 7 * 2 * Math.PI;
    return [0.2 + 0.6 * (i / 140) + 0.1 * Math.sin(a), 0.5 - 0.22 * Math.cos(a) + 0.08 * Math.sin(3 * a)];
  })],
  // A capital A: two slanted strokes and the bar.
  A: [[[0.3, 0.82], [0.5, 0.18]], [[0.5, 0.18], [0.7, 0.82]], [[0.37, 0.6], [0.63, 0.6]]],
};

/** Clicks the pad once, as a mouse does (press and release without moving): a dot. */
export async function clickPad(page, [x, y], selector = '#pad') {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  await page.mouse.click(...padPoint(box, [x, y]));
}

/**
 * A stroke in pad coordinates (0..1) as the mouse positions that draw it on the pad's box:
 * every segment cut into steps of at most 6 px, as a hand's mouse events would be. The steps
 * are ink, not only pace: the pad curves through the midpoints of successive points, so
 * without them every corner would be rounded more.
 */
function mousePath(stroke, box) {
  const at = (point) => padPoint(box, point);
  const points = [];
  for (let i = 0; i + 1 < stroke.length; i++) {
    const [ax, ay] = at(stroke[i]);
    const [bx, by] = at(stroke[i + 1]);
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / 6));
    for (let s = 0; s < steps; s++) points.push([ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps]);
  }
  points.push(at(stroke[stroke.length - 1]));
  return points;
}

/** Draws strokes with the real mouse: press, move in small steps, release. */
export async function drawStrokes(page, strokes, selector = '#pad') {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  for (const stroke of strokes) {
    const points = mousePath(stroke, box);
    await page.mouse.move(...points[0]);
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...p);
    await page.mouse.up();
  }
}

/**
 * The real mouse, in batches: the events Playwright's page.mouse sends (CDP
 * Input.dispatchMouseEvent, the left button), queued by click() and strokes() and sent by
 * send() in order without waiting for each to be handled before the next, which is where
 * drawStrokes spends its time (a round trip and a frame for each move). Chromium then hands
 * the page several moves at once; the pad takes them all (getCoalescedEvents), so it draws
 * the same ink. Coordinates are the page's CSS pixels; the targets must be in view.
 */
export async function mouseBatch(page) {
  const cdp = await page.context().newCDPSession(page);
  let queued = [];
  const queue = (type, [x, y], pressed) => queued.push({
    type, x, y, modifiers: 0,
    button: pressed || type !== 'mouseMoved' ? 'left' : 'none',
    buttons: pressed ? 1 : 0,
    ...(type === 'mouseMoved' ? {} : { clickCount: 1 }),
    ...(type !== 'mouseReleased' && { force: pressed ? 0.5 : 0 }),
  });
  const stroke = (points) => {
    queue('mouseMoved', points[0], false);
    queue('mousePressed', points[0], true);
    for (const p of points.slice(1)) queue('mouseMoved', p, true);
    queue('mouseReleased', points[points.length - 1], false);
  };
  return {
    /** A click at a point. */
    click: (point) => stroke([point]),
    /** Strokes in pad coordinates (0..1) on the pad's bounding box, as drawStrokes draws them. */
    strokes: (strokes, box) => strokes.forEach((s) => stroke(mousePath(s, box))),
    /** Sends what is queued; resolves once Chromium has taken every event. */
    send() {
      const events = queued;
      queued = [];
      return Promise.all(events.map((e) => cdp.send('Input.dispatchMouseEvent', e)));
    },
  };
}

export async function predictionOf(page) {
  return page.locator('#prediction').evaluate((el) => ({ ...el.dataset }));
}

/**
 * #prediction's data once the page has made its `count`-th final reading (data-final-readings
 * counts them: one for each stroke's end, Clear, Undo, an image or another model). One round
 * trip when it has already: no polling, no frame to wait for.
 */
export function predictionAfter(page, count, timeout = 10_000) {
  return page.locator('#prediction').evaluate((el, [count, timeout]) => new Promise((resolve, reject) => {
    const check = () => {
      if (Number(el.dataset.finalReadings) < count) return;
      stop();
      resolve({ ...el.dataset });
    };
    const observer = new MutationObserver(check);
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${el.dataset.finalReadings} final readings after ${timeout} ms, waiting for ${count}`));
    }, timeout);
    const stop = () => {
      observer.disconnect();
      clearTimeout(timer);
    };
    observer.observe(el, { attributes: true, attributeFilter: ['data-final-readings'] });
    check();
  }), [count, timeout]);
}

/**
 * Waits until the element's text matches a RegExp or contains a string (the page updates
 * some texts asynchronously), and returns the text.
 */
export async function waitForText(page, selector, expected, timeout = 10_000) {
  const pattern = typeof expected === 'string' ? new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : expected;
  await page.waitForFunction(
    ([sel, source, flags]) => new RegExp(source, flags).test(document.querySelector(sel)?.textContent ?? ''),
    [selector, pattern.source, pattern.flags], { timeout });
  return page.locator(selector).textContent();
}

/**
 * Starts recording draw-to-prediction latencies in the page: milliseconds from a pointerup on
 * the pad to the next change of #prediction. readLatencies() returns them.
 */
export function installLatencyProbe(page) {
  return page.evaluate(() => {
    window.latencies = [];
    let up = 0;
    document.getElementById('pad').addEventListener('pointerup', () => { up = performance.now(); }, { capture: true });
    new MutationObserver(() => {
      if (up) {
        window.latencies.push(performance.now() - up);
        up = 0;
      }
    }).observe(document.getElementById('prediction'), { attributes: true });
  });
}

export function readLatencies(page) {
  return page.evaluate(() => window.latencies);
}
