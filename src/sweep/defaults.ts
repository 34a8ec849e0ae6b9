/**
 * The defaults of sweeps and their queue, with no imports, so the command line reads them without
 * loading the engine or the queue client.
 */

/** Worker threads of each fit in a sweep: none, the fits run side by side on job threads instead. */
export const SWEEP_FIT_WORKERS = 0;

/** Defaults of the distributed sweep and its workers. */
export const QUEUE_DEFAULTS = Object.freeze({
  /** Queue name; every coordinator and worker of one sweep must use the same. */
  name: 'latent-laws',
  /** Tries of a job whose fit fails for a reason other than its input (a crash, a full disk). */
  attempts: 3,
  /** First retry delay in ms; each next one doubles. */
  backoffMs: 5_000,
  /** A job whose worker stops renewing its lock for this long (ms) is taken back and run again. */
  lockDurationMs: 30_000,
  /** How often (ms) workers look for such jobs. */
  stalledIntervalMs: 30_000,
  /** How many times a job may be taken back before it fails. */
  maxStalledCount: 2,
  /** How long finished jobs stay in Redis, in seconds (the output folder is what re-runs read). */
  keepFinishedSeconds: 7 * 24 * 3600,
  /** How often (ms) the coordinator asks for the state of unfinished jobs, besides the queue's events. */
  pollMs: 2_000,
});
