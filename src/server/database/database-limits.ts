/** The caps on every lab's database, whoever's code queries it; learner code has tighter ones of its own (sandbox-limits.ts). */
export interface DatabaseLimits {
  /** A query that runs longer is stopped (its process is killed and a fresh one started) and fails with a clear error. */
  databaseQueryMs: number;
  /** Rows a lab's database holds in all its tables; the write that would pass it is undone. Also the rows one query returns. */
  labDatabaseRows: number;
  /** Bytes a lab's database file may grow to; SQLite refuses the write past it (SQLITE_FULL). */
  labDatabaseBytes: number;
  /** Bytes (characters of text, bytes of blobs) one query's answer may hold; a larger answer fails. */
  databaseAnswerBytes: number;
  /** Queries one lab may have waiting for the database at once; one more fails at once. */
  databaseQueuePerLab: number;
  /** Bytes (SQL and parameters) one lab's waiting queries may hold in the host; the query past it fails at once. */
  databaseQueueBytesPerLab: number;
  /** Bytes every lab's waiting queries may hold in the host together; the query past it fails at once. */
  databaseQueueBytes: number;
}

export const defaultDatabaseLimits: DatabaseLimits = {
  databaseQueryMs: 1000,
  // The Retries chaos test stores 1,000 messages; a lesson's lab never needs ten times that.
  labDatabaseRows: 10_000,
  labDatabaseBytes: 4 * 1024 * 1024,
  databaseAnswerBytes: 1024 * 1024,
  databaseQueuePerLab: 1000,
  // 1,000 waiting queries of a 60 KB message each would be 60 MB per lab in the host's heap; a lesson's
  // lab keeps a few small writes waiting, and a megabyte is a hundred queries of its largest messages.
  databaseQueueBytesPerLab: 1024 * 1024,
  databaseQueueBytes: 16 * 1024 * 1024,
};

export const databaseLimitVariables: Record<keyof DatabaseLimits, string> = {
  databaseQueryMs: "PLAYGROUND_DATABASE_QUERY_MS",
  labDatabaseRows: "PLAYGROUND_DATABASE_ROWS",
  labDatabaseBytes: "PLAYGROUND_DATABASE_BYTES",
  databaseAnswerBytes: "PLAYGROUND_DATABASE_ANSWER_BYTES",
  databaseQueuePerLab: "PLAYGROUND_DATABASE_QUEUE",
  databaseQueueBytesPerLab: "PLAYGROUND_DATABASE_QUEUE_BYTES",
  databaseQueueBytes: "PLAYGROUND_DATABASE_QUEUE_TOTAL_BYTES",
};
