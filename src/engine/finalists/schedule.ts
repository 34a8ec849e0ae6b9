/**
 * Scheduling of the finalists: a rough cost per subspace group, and the grouping of groups into
 * worker tasks.
 */
import { TRIM_ITERATIONS } from './finalize.js';
import { monomial, subspaceVariables } from '../model/features.js';
import type { ScreenSuccess } from '../screening/screen.js';

/**
 * Screening relative error above which a finalist is expected to be settled on the sample (see
 * SampleVerdict in finalize.ts). Only a scheduling guess: a law with many outliers can screen this
 * badly and still get its pass, which costs balance, never correctness.
 */
const LIKELY_SETTLED = 0.5;


/**
 * Rough cost of a finalist task in multiply-adds per transition: projecting a state, plus each
 * member's residual and moments (library terms other than monomials count extra for their function
 * calls). A member likely settled on the sample is charged only its trimming there, `sampleShare` =
 * sampled / all transitions of the work of a pass; the projection is paid only if some member gets a
 * pass.
 */
export function groupCost(k: number, dim: number, members: ScreenSuccess[], sampleShare = 1, verdict = false): number {
  let cost = 0;
  const variables = subspaceVariables(k);
  let passes = false;
  for (const m of members) {
    const f = m.fit.features.length;
    const perTransition = f * f + f * k + 4 * m.fit.features.filter((e) => e !== '1' && monomial(e, variables) === null).length;
    const settled = verdict && m.relativeError > LIKELY_SETTLED;
    passes ||= !settled;
    cost += settled ? perTransition * Math.min(1, TRIM_ITERATIONS * sampleShare) : perTransition;
  }
  return cost + (passes ? k * dim : 0);
}

/**
 * Finalist groups into tasks, largest first. Groups on coordinate subspaces are bundled so that a
 * bundle shares one pass (see shared-pass.ts), each bundle at most a quarter of all the work unless
 * one group alone is more, so that two workers still finish close together; other groups are tasks
 * of their own. Depends only on the groups, never on the worker count.
 */
export function finalistUnits(coordinate: boolean[], costs: number[]): number[][] {
  const total = costs.reduce((a, b) => a + b, 0);
  const byCost = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const units: number[][] = [];
  let open: number[] = [];
  let openCost = 0;
  for (const g of byCost) {
    if (!coordinate[g]) {
      units.push([g]);
      continue;
    }
    if (open.length > 0 && openCost + costs[g] > total / 4) {
      units.push(open);
      open = [];
      openCost = 0;
    }
    open.push(g);
    openCost += costs[g];
  }
  if (open.length > 0) units.push(open);
  const unitCost = (u: number[]) => u.reduce((a, g) => a + costs[g], 0);
  return units.sort((a, b) => unitCost(b) - unitCost(a) || a[0] - b[0]);
}
