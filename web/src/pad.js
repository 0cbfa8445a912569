// The drawing pad: Pointer Events (mouse, touch, pen) into smooth strokes, undo, clear, and an
// image shown on the pad. Strokes are kept as data in a coordinate space PAD_UNITS tall (and as
// wide as the pad's shape on screen makes it: square on a phone, wider where a number needs
// room) and redrawn, so undo is exact and the canvas can be any pixel size.
//
// Events: 'change' on every modification (for live recognition), 'strokeend' when a stroke or
// an image is finished, or the pad changed shape (the final prediction).
export const PAD_UNITS = 280;

export class DrawingPad extends EventTarget {
  #canvas;
  #ctx;
  #items = [];       // { kind: 'stroke', size, points: [[x, y], ...] } | { kind: 'image', bitmap, fill }
  #current = null;   // the stroke being drawn
  #pointerId = null;
  #width = PAD_UNITS;  // in pad units; the height is PAD_UNITS
  #readCanvas = null;  // pixels() at one pixel a unit, when the screen's canvas has more
  brushSize = 20;

  constructor(canvas) {
    super();
    this.#canvas = canvas;
    this.#ctx = canvas.getContext('2d', { willReadFrequently: true });
    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#up(e));
    this.#fitShape();
    // The stylesheet gives the pad its shape (wider on a desktop or a phone held sideways).
    new ResizeObserver(() => {
      if (this.#fitShape() && this.#items.length) this.#changed(true);
    }).observe(canvas);
  }

  // Sizes the canvas to the pad's shape on screen; true when that changed the pad's units. The
  // strokes keep their place from the pad's middle (a phone turned sideways and back), and ink
  // beyond a narrower pad's edges shows again when it widens.
  #fitShape() {
    const { width, height } = this.#canvas.getBoundingClientRect();
    const units = height > 0 ? Math.round((PAD_UNITS * width) / height) : PAD_UNITS;
    const scale = Math.min(2, Math.max(1, Math.round(window.devicePixelRatio || 1)));
    const changed = units !== this.#width;
    const shift = (units - this.#width) / 2;
    for (const item of this.#items) {
      if (item.kind === 'stroke') for (const point of item.points) point[0] += shift;
    }
    this.#width = units;
    if (this.#canvas.width !== units * scale || this.#canvas.height !== PAD_UNITS * scale) {
      this.#canvas.width = units * scale;
      this.#canvas.height = PAD_UNITS * scale;
      this.render();
    }
    return changed;
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

  /**
   * The pad as RGBA pixels for recognition: one pixel a pad unit, whatever the screen's pixel
   * density (a phone's 2x canvas would be four times the pixels to read, for the same 28x28).
   */
  pixels() {
    if (this.#canvas.height === PAD_UNITS) return this.#ctx.getImageData(0, 0, this.#width, PAD_UNITS);
    this.#readCanvas ??= new OffscreenCanvas(1, 1);
    this.#readCanvas.width = this.#width;
    this.#readCanvas.height = PAD_UNITS;
    const ctx = this.#readCanvas.getContext('2d', { willReadFrequently: true });
    this.#draw(ctx, 1);
    return ctx.getImageData(0, 0, this.#width, PAD_UNITS);
  }

  /**
   * The pen's strokes in pixels()'s coordinates (pad units), in the order drawn (each a
   * Float32Array of x, y pairs), or null when the pad shows an image: its ink came from no pen.
   */
  strokes() {
    if (this.#items.some((item) => item.kind === 'image')) return null;
    return this.#items.map((stroke) => Float32Array.from(stroke.points.flat()));
  }

  render() {
    this.#draw(this.#ctx, this.#canvas.height / PAD_UNITS);
  }

  // The items on a canvas of `scale` pixels a pad unit.
  #draw(ctx, scale) {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    // Ink is opaque on a transparent canvas unless an image sets a background; then strokes
    // contrast with it.
    let ink = getComputedStyle(this.#canvas).color || '#111';
    for (const item of this.#items) {
      if (item.kind === 'image') {
        drawImageFitted(ctx, item.bitmap, item.fill, this.#width);
        ink = luminance(item.fill) > 128 ? '#000' : '#fff';
      } else {
        drawStroke(ctx, item, ink);
      }
    }
  }

  #point(e) {
    const rect = this.#canvas.getBoundingClientRect();
    return [((e.clientX - rect.left) / rect.width) * this.#width, ((e.clientY - rect.top) / rect.height) * PAD_UNITS];
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

// The image fitted inside the pad (padWidth units wide), on its own border colour so no edge
// looks like ink.
function drawImageFitted(ctx, bitmap, fill, padWidth) {
  const scale = Math.min(padWidth / bitmap.width, PAD_UNITS / bitmap.height);
  const w = bitmap.width * scale;
  const h = bitmap.height * scale;
  ctx.fillStyle = `rgb(${fill.join(',')})`;
  ctx.fillRect(0, 0, padWidth, PAD_UNITS);
  ctx.drawImage(bitmap, (padWidth - w) / 2, (PAD_UNITS - h) / 2, w, h);
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
