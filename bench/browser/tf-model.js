// A digitpad architecture spec (the grammar of cpp/core/architecture.cpp) as the same layers in
// TensorFlow.js, so both sides train and run the same network whatever the default model is.
// An activation right after a dense or conv layer is fused into it, as a TF.js user writes it
// (and as TF.js runs fastest). The last dense layer gives logits, as digitpad's does.

/** spec -> { input: [h, w, c], layers: [{ kind, units, kernel, stride, padding, rate }] } */
export function parseSpec(spec) {
  const tokens = spec.split(',').map((t) => t.trim());
  const layers = [];
  let input = [28, 28, 1];
  const inputOf = (n) => (n === 784 ? [28, 28, 1] : [1, 1, n]);
  tokens.forEach((token, i) => {
    const [name, ...args] = token.split(':');
    if (i === 0 && /^\d+(-\d+)+$/.test(name)) {  // MLP shorthand 784-128-64-10[:act]
      const sizes = name.split('-').map(Number);
      input = inputOf(sizes[0]);
      sizes.slice(1).forEach((units, j) => {
        layers.push({ kind: 'dense', units });
        if (j < sizes.length - 2) layers.push({ kind: args[0] ?? 'relu' });
      });
    } else if (name === 'input') {
      const dims = args[0].split('x').map(Number);
      input = dims.length === 1 ? inputOf(dims[0]) : dims;
    } else if (name === 'dense') {
      layers.push({ kind: 'dense', units: Number(args[0]) });
    } else if (name === 'conv') {
      const [units, kernel] = args[0].split('x').map(Number);
      const layer = { kind: 'conv', units, kernel, stride: 1, padding: (kernel - 1) >> 1 };
      for (const opt of args.slice(1)) {
        if (opt === 'same') layer.padding = (kernel - 1) >> 1;
        else if (opt === 'valid') layer.padding = 0;
        else if (opt[0] === 's') layer.stride = Number(opt.slice(1));
        else if (opt[0] === 'p') layer.padding = Number(opt.slice(1));
        else throw new Error(`unknown conv option '${opt}' in '${token}'`);
      }
      layers.push(layer);
    } else if (name === 'maxpool') {
      const kernel = Number(args[0]);
      layers.push({ kind: 'maxpool', kernel, stride: args[1] ? Number(args[1].slice(1)) : kernel });
    } else if (name === 'flatten') {
      layers.push({ kind: 'flatten' });
    } else if (name === 'dropout') {
      layers.push({ kind: 'dropout', rate: Number(args[0]) });
    } else if (['relu', 'sigmoid', 'tanh'].includes(name)) {
      layers.push({ kind: name });
    } else {
      throw new Error(`unknown layer '${token}'`);
    }
  });
  return { input, layers };
}

const ACTIVATIONS = ['relu', 'sigmoid', 'tanh'];

/**
 * tf.Sequential for a spec, and the shape one sample takes: flat [h*w*c] when the network
 * starts with a dense layer (an MLP needs no reshape), [h, w, c] (NHWC, as digitpad's HWC) else.
 */
export function tfModelFromSpec(tf, spec) {
  const { input, layers } = parseSpec(spec);
  const flatInput = layers[0]?.kind === 'dense';
  const inputShape = flatInput ? [input[0] * input[1] * input[2]] : input;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  let flat = flatInput;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const fused = ACTIVATIONS.includes(layers[i + 1]?.kind) ? layers[++i].kind : undefined;
    switch (layer.kind) {
      case 'dense':
        if (!flat) model.add(tf.layers.flatten());  // digitpad's dense reads any shape as a vector
        flat = true;
        model.add(tf.layers.dense({ units: layer.units, activation: fused }));
        break;
      case 'conv': {
        // TF's 'same' pads like digitpad only for odd kernels at stride 1; otherwise pad explicitly.
        const same = layer.stride === 1 && layer.kernel % 2 === 1 && layer.padding === (layer.kernel - 1) >> 1;
        if (!same && layer.padding > 0) model.add(tf.layers.zeroPadding2d({ padding: layer.padding }));
        model.add(tf.layers.conv2d({ filters: layer.units, kernelSize: layer.kernel, strides: layer.stride,
                                     padding: same ? 'same' : 'valid', activation: fused }));
        break;
      }
      case 'maxpool':
        model.add(tf.layers.maxPooling2d({ poolSize: layer.kernel, strides: layer.stride }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten());
        flat = true;
        break;
      case 'dropout':
        model.add(tf.layers.dropout({ rate: layer.rate }));
        break;
      default:  // an activation not right after dense/conv
        model.add(tf.layers.activation({ activation: layer.kind }));
    }
    if (fused && !['dense', 'conv'].includes(layer.kind)) model.add(tf.layers.activation({ activation: fused }));
  }
  return { model, inputShape };
}
