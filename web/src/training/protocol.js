// The training worker's protocol, imported by both sides (training/client.js and
// training/train-worker.js) so the type names cannot drift apart.
//
// Requests { id, type, data }; replies { id, type, data } where type is 'result' (the request
// is done), 'error' (data: { name, message }), or, while a job runs, 'started', 'progress'
// and 'epoch' events carrying the job's id. Buffers travel in transfer lists.
//
//   load-data { source: 'subset' | 'full' | { trainImages, trainLabels, testImages, testLabels } (ArrayBuffers) }
//             -> { train: count, test: count }; 'progress' events { loaded, total } while fetching
//   train     { spec, options } | { modelBytes, options, extra: { pixels, labels, repeat, mnist } }
//             options: the training options' keys (dp.trainOptionKeys()) and the model's name
//             -> { model, testAccuracy, testImages, best: { model, testAccuracy, epoch }, cancelled };
//             'started' { architecture, options: every key as the trainer got it } first; 'epoch'
//             { epoch, loss, accuracy, testAccuracy, classes, confusion, perClassAccuracy } after each epoch
//   pause, resume, cancel -> {}
//   evaluate  { modelBytes, pixels?, labels? } -> evaluation (default: the loaded test set)
//   failures  { modelBytes, pixels?, labels?, limit } -> { evaluation, misread: { count, indices,
//             labels, predicted, confidence, pixels (limit x 784 at most) } }: where the model fails

/** What the page asks of the worker. */
export const Request = Object.freeze({
  LOAD_DATA: 'load-data',
  TRAIN: 'train',
  PAUSE: 'pause',
  RESUME: 'resume',
  CANCEL: 'cancel',
  EVALUATE: 'evaluate',
  FAILURES: 'failures',
});

/** What the worker sends back: events while a request runs, then a result or an error. */
export const Reply = Object.freeze({
  STARTED: 'started',
  PROGRESS: 'progress',
  EPOCH: 'epoch',
  RESULT: 'result',
  ERROR: 'error',
});
