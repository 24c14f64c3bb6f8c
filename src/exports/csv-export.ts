import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import type pg from 'pg';
import QueryStream from 'pg-query-stream';
import { csvWriter } from './csv.js';

/** One CSV file an event's team can download: its name, its columns (the query's column names) and the query that reads its rows. */
export interface CsvExport {
  file: string;
  columns: readonly string[];
  query(eventId: string): { text: string; values: unknown[] };
}

/** Rows fetched from the cursor at a time: enough to keep the socket busy, few enough that memory stays flat whatever the event's size. */
const ROWS_PER_FETCH = 500;

/**
 * The export's rows as CSV, read through a server-side cursor and written as they come, so a
 * file of any length takes the memory of a few hundred rows; the query is one statement, so
 * the file is one snapshot. The connection is held until the last row is written, and dropped
 * (not returned to the pool) when the download stops half-way, as its cursor is still open.
 */
export const streamCsv = async (pool: pg.Pool, spec: CsvExport, eventId: string, log: FastifyBaseLogger): Promise<Readable> => {
  const { text, values } = spec.query(eventId);
  const client = await pool.connect();
  const rows = client.query(new QueryStream(text, values, { batchSize: ROWS_PER_FETCH, highWaterMark: ROWS_PER_FETCH }));
  const csv = csvWriter(spec.columns);
  pipeline(rows, csv, (error) => {
    client.release(error ?? undefined);
    if (error) log.warn({ err: error, export: spec.file, eventId }, 'export stopped before its end');
  });
  return csv;
};
