import { describe, expect, it } from 'vitest';
import { isStoreError } from '../../../src/store/index.js';
import { PG_DEFAULT_POOL_MAX, parsePostgresUrl } from '../../../src/store/postgres/dialect.js';

describe('PostgreSQL --db URLs', () => {
  it('takes schema and pool_max out of the URL given to pg, and names the place without the password', () => {
    const t = parsePostgresUrl('postgres://vigie:s3cret@db.local:6543/city?schema=vigie_prod&pool_max=20&sslmode=require');
    expect(t).toEqual({
      connectionString: 'postgres://vigie:s3cret@db.local:6543/city?sslmode=require',
      schema: 'vigie_prod',
      poolMax: 20,
      where: 'postgres://vigie@db.local:6543/city',
    });
  });

  it('defaults to the public schema, port 5432 and a pool of PG_DEFAULT_POOL_MAX', () => {
    expect(parsePostgresUrl('postgresql://vigie@db/vigie')).toMatchObject({ schema: 'public', poolMax: PG_DEFAULT_POOL_MAX, where: 'postgres://vigie@db:5432/vigie' });
  });

  it('refuses a schema that is not a plain identifier, a bad pool size and a broken URL, without echoing the password', () => {
    for (const url of ['postgres://u:s3cret@h/db?schema=Vigie', 'postgres://u:s3cret@h/db?schema=a-b', 'postgres://u:s3cret@h/db?pool_max=0', 'postgres://u:s3cret@h/db?pool_max=x', 'postgres://u:s3cret@[h/db']) {
      let error: unknown;
      try {
        parsePostgresUrl(url);
      } catch (err) {
        error = err;
      }
      expect(isStoreError(error, 'INVALID'), url).toBe(true);
      expect((error as Error).message).not.toContain('s3cret');
    }
  });
});
