// Why the engine's hot loops are module-level functions: V8 keeps the optimised code of a function
// written inside another function only while some closure made from it is alive. This runs a hot loop
// written as a closure made per round, and the same loop as a module-level function called from a
// closure made per round, with a full garbage collection between rounds, and counts how often V8's
// optimising compiler compiled each (from its --trace-opt output); docs/performance.md#v8-and-closures.
// Usage: node benchmarks/closure-code.mjs
import { spawnSync } from 'node:child_process';
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === 'child') {
  const variant = process.argv[3];
  function moduleLevelLoop(arr, k, n) {
    let s = 0;
    for (let r = 0; r < n; r++) for (let i = 0; i < arr.length; i++) s += arr[i] * k;
    return s;
  }
  const make = (k) => {
    const arr = new Float64Array(1000).fill(k);
    if (variant === 'closure')
      return function closureLoop(n) {
        let s = 0;
        for (let r = 0; r < n; r++) for (let i = 0; i < arr.length; i++) s += arr[i] * k;
        return s;
      };
    return (n) => moduleLevelLoop(arr, k, n);
  };
  for (let round = 0; round < 6; round++) {
    writeSync(1, `round ${round}\n`); // the same stream as V8's trace, so the two interleave in order
    let f = make(round + 1);
    for (let c = 0; c < 200; c++) f(10);
    f = null; // the round's closure is garbage now
    globalThis.gc();
  }
} else {
  console.log('variant\tTurboFan compilations of the loop, round by round (6 rounds, a full GC after each)');
  for (const variant of ['closure', 'module-level']) {
    const run = spawnSync(process.execPath, ['--expose-gc', '--trace-opt', fileURLToPath(import.meta.url), 'child', variant], { encoding: 'utf8' });
    const perRound = [];
    for (const line of run.stdout.split('\n')) {
      if (line.startsWith('round ')) perRound.push(0);
      else if (/completed compiling .*(closureLoop|moduleLevelLoop)/.test(line) && perRound.length > 0) perRound[perRound.length - 1]++;
    }
    console.log(`${variant}\t${perRound.join(' ')}`);
  }
}
