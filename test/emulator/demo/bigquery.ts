/**
 * The demo project's BigQuery data: dataset `recsys` with tables a batch prediction can read.
 * `users` has the columns the retrieval model's serving_default signature needs (user_id STRING,
 * hour_of_day FLOAT) plus a `country` it ignores, 1,000 rows; row 900 has no hour_of_day, so a job
 * over it answers 999 rows and names one in its errors table. `users_empty` has no rows and
 * `sessions` lacks hour_of_day: the product refuses both before a job starts.
 */
import type { BigQueryStore, BqField } from '../bigquery/store';

export const DEMO_BQ_DATASET = 'recsys';
export const DEMO_BQ_ROWS = 1000;
/** The row (0-based) with a NULL hour_of_day. */
export const DEMO_BQ_NULL_ROW = 900;

const USERS: BqField[] = [
  { name: 'user_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'hour_of_day', type: 'FLOAT', mode: 'NULLABLE' },
  { name: 'country', type: 'STRING', mode: 'NULLABLE' },
];

export function seedBigQuery(store: BigQueryStore, project: string): void {
  const d = store.createDataset(project, DEMO_BQ_DATASET, 'US');
  const countries = ['US', 'DE', 'FR', 'JP', 'BR'];
  const rows = Array.from({ length: DEMO_BQ_ROWS }, (_, i) => ({
    user_id: `user_${i}`, hour_of_day: i === DEMO_BQ_NULL_ROW ? null : (i * 7) % 24 + (i % 2 ? 0.5 : 0), country: countries[i % countries.length],
  }));
  store.createTable(d, 'users', USERS, rows);
  store.createTable(d, 'users_empty', USERS);
  store.createTable(d, 'sessions', [
    { name: 'user_id', type: 'STRING', mode: 'REQUIRED' },
    { name: 'started_at', type: 'TIMESTAMP', mode: 'NULLABLE' },
  ], [{ user_id: 'user_1', started_at: '2026-11-30 09:00:00 UTC' }]);
}
