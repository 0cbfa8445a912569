// Per-call time of a fast function in a page or worker. performance.now() is coarsened (to
// 100 us in a page that is not cross-origin isolated), so each sample times a group of calls
// lasting at least minGroupMs and divides: medians and p95s are of per-call group means.
export function timeCalls(call, options = {}) {
  const plan = groupPlan(options);
  let step = plan.next();
  while (!step.done) {
    const start = performance.now();
    for (let i = 0; i < step.value; i++) call();
    step = plan.next(performance.now() - start);
  }
  return step.value;
}

/** The same for a call that returns a promise (ONNX Runtime's session.run), each awaited. */
export async function timeAsyncCalls(call, options = {}) {
  const plan = groupPlan(options);
  for (let step = plan.next(); ; ) {
    if (step.done) return step.value;
    const start = performance.now();
    for (let i = 0; i < step.value; i++) await call();
    step = plan.next(performance.now() - start);
  }
}

// How the calls are grouped and timed: yields a number of calls to time together, takes back
// the milliseconds they took, and returns the figures.
// Groups last 20 ms or more: 200 ticks of the page's 0.1-ms clock, so a median of groups is not
// rounded to whole ticks (5-ms groups of a 0.5-ms call gave medians of 400 or 600 us).
function* groupPlan({ minGroupMs = 20, budgetMs = 4000, maxSamples = 200 }) {
  yield 20;  // warm-up: JIT, buffers, kernels
  // Group size from the fastest per-call time of runs of 1, 2, 4, ... calls, up to a run of 50 ms
  // or more, counting runs of 2 ms or more (20 ticks): another process stalling a run makes it
  // slower, never faster, so a stall cannot shrink the groups below minGroupMs (taking the last
  // run alone, one stalled run of a single call ended the search with groups of one call).
  let runMs = 0;
  let perCallMs = Infinity;
  for (let calls = 1; runMs < 50; calls *= 2) {
    runMs = yield calls;
    if (runMs >= 2) perCallMs = Math.min(perCallMs, runMs / calls);
  }
  const perGroup = Math.max(1, Math.ceil(minGroupMs / perCallMs));
  const groupMs = perGroup * perCallMs;
  const samples = Math.max(20, Math.min(maxSamples, Math.floor(budgetMs / groupMs)));
  const us = [];
  for (let s = 0; s < samples; s++) us.push(((yield perGroup) * 1000) / perGroup);
  us.sort((a, b) => a - b);
  return { medianUs: us[us.length >> 1], p95Us: us[Math.min(us.length - 1, Math.floor(us.length * 0.95))], samples, callsPerSample: perGroup };
}

// Trains batch by batch until `epochs` are done or, at a batch end, `maxSeconds` have passed
// (a CNN batch can take a minute in TF.js's cpu backend); step(1) trains one batch and returns
// its samples.
export function timeTraining(step, { epochs, images, maxSeconds }) {
  const total = epochs * images;
  let samples = 0;
  const start = performance.now();
  while (samples < total && performance.now() - start < maxSeconds * 1000) samples += step(1);
  const seconds = (performance.now() - start) / 1000;
  return { samples, seconds, samplesPerSecond: samples / seconds };
}
