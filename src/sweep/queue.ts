/**
 * The Redis side of a distributed sweep: where the queue lives, the connection BullMQ opens,
 * and a first connection check so that a wrong URL is one line, not an endless reconnect.
 */
import { Redis } from 'ioredis';
import { InputError } from '../errors.js';

/** Where the queue lives. */
export interface QueueTarget {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Queue name (default `QUEUE_DEFAULTS.name`, defaults.ts). */
  name?: string;
}

/** BullMQ's connection options for a URL (workers need `maxRetriesPerRequest: null` to block on the queue). */
export function connectionOf(url: string): { url: string; maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}

/**
 * Connect once and ping, giving up after `timeoutMs`.
 * @throws InputError naming the URL when it is not a Redis URL or Redis does not answer
 */
export async function checkRedis(url: string, timeoutMs = 5_000): Promise<void> {
  if (!/^rediss?:\/\//.test(url)) throw new InputError(url, 'expected a Redis URL such as redis://host:6379');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED) says more than connect()'s "Connection is closed".
  let cause: NodeJS.ErrnoException | null = null;
  client.on('error', (err: NodeJS.ErrnoException) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const e = cause ?? (err as NodeJS.ErrnoException);
    throw new InputError(url, `cannot reach Redis (${e.code ?? e.message})`);
  } finally {
    client.disconnect();
  }
}
