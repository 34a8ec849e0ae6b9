// The worker behind callWithDeadline (tests/engine/deadline.ts): one call, its value or error posted
// back. CommonJS on purpose: in a worker thread only tsx's require hook loads TypeScript.
const { parentPort, workerData } = require('node:worker_threads');
const { file, name, args } = workerData;
Promise.resolve()
  .then(() => require(file)[name](...args))
  .then(
    (value) => parentPort.postMessage({ ok: true, value }),
    (e) => parentPort.postMessage({ ok: false, name: e && e.name, message: e && e.message ? e.message : String(e) }),
  );
