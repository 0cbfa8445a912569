// What a page looks like to people who see it differently: axe-core's checks, contrast ratios
// as WCAG defines them, touch strokes on a phone, the focus ring, and screenshots.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT } from '../js/helpers.js';
import { padPoint } from './browser.js';

const AXE_SOURCE = createRequire(import.meta.url)('axe-core').source;
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/**
 * Runs axe-core on the page as it is (the context needs bypassCSP: the page's CSP forbids
 * injected scripts); returns the violations of impact serious or critical, one line each.
 */
export async function seriousAxeViolations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

/** WCAG 2 contrast ratio of two [r, g, b] colours (0..255). */
export function contrastRatio(a, b) {
  const luminance = (rgb) => {
    const [r, g, bl] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Colours of an element as the page computes them, as [r, g, b]: its border, its own fill
 * (or what shows through it) and the background around it (the nearest ancestor's opaque fill).
 */
export function coloursOf(page, selector) {
  return page.locator(selector).first().evaluate((el) => {
    const rgb = (s) => s.match(/[\d.]+/g).slice(0, 3).map(Number);
    const opaque = (s) => !/transparent|rgba\(.*,\s*0\)$/.test(s);
    const fillBehind = (node) => {
      for (let n = node; n; n = n.parentElement) {
        const bg = getComputedStyle(n).backgroundColor;
        if (opaque(bg)) return rgb(bg);
      }
      return [255, 255, 255];
    };
    return { border: rgb(getComputedStyle(el).borderTopColor), fill: fillBehind(el), around: fillBehind(el.parentElement) };
  });
}

/**
 * The highest contrast any pixel of a canvas strip has against the background behind the canvas
 * (pixels composited over it): for a strip that holds only text, the text's contrast.
 * strip: { x, y, width, height } in CSS pixels of the canvas.
 */
export function canvasTextContrast(page, selector, strip) {
  return page.locator(selector).evaluate((canvas, s) => {
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
    let bg = [255, 255, 255];
    for (let n = canvas; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (!/transparent|rgba\(.*,\s*0\)$/.test(c)) { bg = rgb(c); break; }
    }
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const { data } = canvas.getContext('2d').getImageData(
      Math.round(s.x * scale), Math.round(s.y * scale), Math.round(s.width * scale), Math.round(s.height * scale));
    return { bg, pixels: Array.from(data) };
  }, strip).then(({ bg, pixels }) => {
    let best = 1;
    for (let i = 0; i < pixels.length; i += 4) {
      const a = pixels[i + 3] / 255;
      if (a === 0) continue;
      const colour = [0, 1, 2].map((k) => a * pixels[i + k] + (1 - a) * bg[k]);
      best = Math.max(best, contrastRatio(colour, bg));
    }
    return best;
  });
}

/**
 * How a canvas shows a theme colour (a CSS custom property such as '--accent'): how many of its
 * pixels are painted in it, and its contrast against the background behind the canvas (WCAG
 * asks 3:1 of a chart's bars).
 */
export async function canvasPaint(page, selector, property) {
  const { colour, count } = await page.locator(selector).evaluate((canvas, name) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${name})`;
    document.body.append(probe);
    const colour = getComputedStyle(probe).color.match(/[\d.]+/g).slice(0, 3).map(Number);
    probe.remove();
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 255 && [0, 1, 2].every((k) => Math.abs(data[i + k] - colour[k]) <= 2)) count++;
    }
    return { colour, count };
  }, property);
  const { fill: background } = await coloursOf(page, selector);
  return { count, contrast: contrastRatio(colour, background) };
}

/**
 * Draws strokes with a finger: CDP touchStart, touchMove in small steps, touchEnd, as a phone
 * sends them. duringStroke(page) runs once in the middle of the first stroke, finger down.
 */
export async function touchStrokes(page, strokes, { selector = '#pad', duringStroke = null } = {}) {
  const cdp = await page.context().newCDPSession(page);
  const box = await page.locator(selector).boundingBox();
  const at = (point) => {
    const [x, y] = padPoint(box, point);
    return { x, y };
  };
  let checked = !duringStroke;
  for (const stroke of strokes) {
    const points = [];
    for (let i = 0; i + 1 < stroke.length; i++) {
      const a = at(stroke[i]);
      const b = at(stroke[i + 1]);
      const steps = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / 6));
      for (let s = 0; s < steps; s++) points.push({ x: a.x + ((b.x - a.x) * s) / steps, y: a.y + ((b.y - a.y) * s) / steps });
    }
    points.push(at(stroke[stroke.length - 1]));
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [points[0]] });
    for (const [i, p] of points.slice(1).entries()) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
      if (!checked && i === Math.floor(points.length / 2)) {
        checked = true;
        await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        await duringStroke(page);
      }
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
  await cdp.detach();
}

/** Waits for two frames: layout and Chart.js's resize after a viewport or theme change. */
export function nextFrames(page) {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 50)))));
}

/** Saves what the viewport shows under test-artifacts/NAME.png. */
export async function saveScreenshot(page, name, options = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, ...options });
  return file;
}
