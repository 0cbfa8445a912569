// Debian's Chromium driven by playwright-core (no downloaded browser), and helpers that act
// on the page as a person would.
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
  await page.mouse.click(box.x + x * box.width, box.y + y * box.height);
}

/** Draws strokes with the real mouse: press, move in small steps, release. */
export async function drawStrokes(page, strokes, selector = '#pad') {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  for (const stroke of strokes) {
    // Interpolate so every segment is a few pixels, as a hand's mouse events would be.
    const points = [];
    for (let i = 0; i + 1 < stroke.length; i++) {
      const [ax, ay] = at(stroke[i]);
      const [bx, by] = at(stroke[i + 1]);
      const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay) / 6));
      for (let s = 0; s < steps; s++) points.push([ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps]);
    }
    points.push(at(stroke[stroke.length - 1]));
    await page.mouse.move(...points[0]);
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...p);
    await page.mouse.up();
  }
}

export async function predictionOf(page) {
  return page.locator('#prediction').evaluate((el) => ({ ...el.dataset }));
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
