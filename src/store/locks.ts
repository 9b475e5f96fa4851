import type { DialectAdapter, QueryExecutorProvider } from 'kysely';
import type { TransactionLocks } from './dialect.js';
import { StoreError } from './errors.js';

/**
 * Serialises the rest of the transaction `trx` with every other transaction
 * that takes the same `key`, in this process or another, until `trx` ends.
 * Used before a read that decides a write (the last audit hash, an event's
 * stored content, the next config version), which READ COMMITTED alone would
 * let two writers both act on.
 */
export async function lockWithin(trx: QueryExecutorProvider, key: string): Promise<void> {
  const adapter = trx.getExecutor().adapter as DialectAdapter & Partial<TransactionLocks>;
  if (typeof adapter.lockWithin !== 'function') {
    throw new StoreError('UNSUPPORTED', 'this database handle was not opened by openDatabase (its engine adapter has no transaction locks)');
  }
  await adapter.lockWithin(trx, key);
}
