// The drawing pad: Pointer Events (mouse, touch, pen) into smooth strokes, undo, clear, and an
// image shown on the pad. Strokes are kept as data in a 280x280 coordinate space and redrawn,
// so undo is exact and the canvas can be any pixel size.
//
// Events: 'change' on every modification (for live recognition), 'strokeend' when a stroke or
// an image is finished (the final prediction).
export const PAD_UNITS = 280;

export class DrawingPad extends EventTarget {
  #canvas;
  #ctx;
  #items = [];       // { kind: 'stroke', size, points: [[x, y], ...] } | { kind: 'image', bitmap, fill }
  #current = null;   // the stroke being drawn
  #pointerId = null;
  brushSize = 20;

  constructor(canvas) {
    super();
    this.#canvas = canvas;
    this.#ctx = canvas.getContext('2d', { willReadFrequently: true });
    const scale = Math.min(2, Math.max(1, Math.round(window.devicePixelRatio || 1)));
    canvas.width = canvas.height = PAD_UNITS * scale;
    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#up(e));
    this.render();
  }

  get isEmpty() {
    return this.#items.length === 0;
  }

  clear() {
    this.#items = [];
    this.#current = null;
    this.#changed(true);
  }

  undo() {
    if (this.#current) return;
    this.#items.pop();
    this.#changed(true);
  }

  /** Shows an image (an ImageBitmap) fitted on the pad, replacing what was there. */
  showImage(bitmap) {
    this.#items = [{ kind: 'image', bitmap, fill: borderColour(bitmap) }];
    this.#changed(true);
  }

  /** The pad as RGBA pixels for recognition, at the pad's own resolution. */
  pixels() {
    return this.#ctx.getImageData(0, 0, this.#canvas.width, this.#canvas.height);
  }

  render() {
    const ctx = this.#ctx;
    const scale = this.#canvas.width / PAD_UNITS;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.#canvas.width, this.#canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    // Ink is opaque on a transparent canvas unless an image sets a background; then strokes
    // contrast with it.
    let ink = getComputedStyle(this.#canvas).color || '#111';
    for (const item of this.#items) {
      if (item.kind === 'image') {
        drawImageFitted(ctx, item.bitmap, item.fill);
        ink = luminance(item.fill) > 128 ? '#000' : '#fff';
      } else {
        drawStroke(ctx, item, ink);
      }
    }
  }

  #point(e) {
    const rect = this.#canvas.getBoundingClientRect();
    return [((e.clientX - rect.left) / rect.width) * PAD_UNITS, ((e.clientY - rect.top) / rect.height) * PAD_UNITS];
  }

  #down(e) {
    if (this.#pointerId !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.#canvas.setPointerCapture(e.pointerId);
    this.#pointerId = e.pointerId;
    this.#current = { kind: 'stroke', size: this.brushSize, points: [this.#point(e)] };
    this.#items.push(this.#current);
    this.#changed(false);
  }

  #move(e) {
    if (e.pointerId !== this.#pointerId || !this.#current) return;
    e.preventDefault();
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const c of events.length ? events : [e]) this.#current.points.push(this.#point(c));
    this.#changed(false);
  }

  #up(e) {
    if (e.pointerId !== this.#pointerId) return;
    this.#pointerId = null;
    this.#current = null;
    this.#changed(true);
  }

  #changed(final) {
    this.render();
    this.dispatchEvent(new Event('change'));
    if (final) this.dispatchEvent(new Event('strokeend'));
  }
}

// A smooth stroke: quadratic curves through the midpoints of successive points.
function drawStroke(ctx, stroke, colour) {
  const p = stroke.points;
  ctx.strokeStyle = ctx.fillStyle = colour;
  ctx.lineWidth = stroke.size;
  ctx.lineCap = ctx.lineJoin = 'round';
  if (p.length === 1) {
    ctx.beginPath();
    ctx.arc(p[0][0], p[0][1], stroke.size / 2, 0, 2 * Math.PI);
    ctx.fill();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(p[0][0], p[0][1]);
  for (let i = 1; i < p.length - 1; i++) {
    ctx.quadraticCurveTo(p[i][0], p[i][1], (p[i][0] + p[i + 1][0]) / 2, (p[i][1] + p[i + 1][1]) / 2);
  }
  ctx.lineTo(p[p.length - 1][0], p[p.length - 1][1]);
  ctx.stroke();
}

// The image fitted inside the pad, on its own border colour so no edge looks like ink.
function drawImageFitted(ctx, bitmap, fill) {
  const scale = Math.min(PAD_UNITS / bitmap.width, PAD_UNITS / bitmap.height);
  const w = bitmap.width * scale;
  const h = bitmap.height * scale;
  ctx.fillStyle = `rgb(${fill.join(',')})`;
  ctx.fillRect(0, 0, PAD_UNITS, PAD_UNITS);
  ctx.drawImage(bitmap, (PAD_UNITS - w) / 2, (PAD_UNITS - h) / 2, w, h);
}

// The median colour of an image's border: its paper.
function borderColour(bitmap) {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(bitmap, 0, 0);
  const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
  const samples = [];
  for (let x = 0; x < width; x++) samples.push(x, x + (height - 1) * width);
  for (let y = 0; y < height; y++) samples.push(y * width, y * width + width - 1);
  const channel = (k) => {
    const values = samples.map((i) => data[4 * i + k]).sort((a, b) => a - b);
    return values[values.length >> 1];
  };
  return [channel(0), channel(1), channel(2)];
}

function luminance([r, g, b]) {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}
