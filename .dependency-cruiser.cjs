/**
 * Imports run one way, down the pipeline: data → statistics → candidates → fit and score → ranked laws
 * → output. Inside src/engine each stage folder may import only the folders before it; the engine
 * imports nothing of what consumes its laws; worker threads never load mathjs.
 */
const STAGES = ['kernels', 'moments', 'subspaces', 'model', 'passes', 'candidates', 'screening', 'finalists', 'ranking', 'output', 'runtime'];

const pipelineRules = STAGES.map((stage, i) => ({
  name: `pipeline-${stage}`,
  severity: 'error',
  comment: `src/engine/${stage}/ may import only the stages before it (${STAGES.slice(0, i).join(', ') || 'none'}) and defaults.ts, never fit.ts or options.ts`,
  from: { path: `^src/engine/${stage}/` },
  to: { path: `^src/engine/(${[...STAGES.slice(i + 1), '(?!defaults\\.ts$)[^/]+\\.ts$'].join('|')})` },
}));

module.exports = {

  forbidden: [
    ...pipelineRules,
    {
      name: 'engine-downstream',
      severity: 'error',
      comment: 'the engine does not import what consumes its laws',
      from: { path: '^src/engine/' },
      to: { path: '^src/(anneal|check|cli|report|rollout|laws|sweep)/|^src/(index|demo|planted)\\.ts$' },
    },
    {
      name: 'sweep-before-report',
      severity: 'error',
      comment: 'a sweep runs fits and writes their records; reports read those records, never the other way round',
      from: { path: '^src/sweep/' },
      to: { path: '^src/(anneal|check|cli|report|rollout)/|^src/(index|demo|planted)\\.ts$' },
    },
    {
      name: 'cli-is-a-leaf',
      severity: 'error',
      comment: 'the command line is a thin layer over the library: nothing imports it',
      from: { pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'workers-without-mathjs',
      severity: 'error',
      comment: 'worker threads get validated expression trees and never load mathjs',
      from: { path: '^workers/' },
      to: { path: 'node_modules/mathjs|^src/grammar/safe-math', reachable: true },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(src|workers)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
