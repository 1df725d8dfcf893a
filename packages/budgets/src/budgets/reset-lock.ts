/**
 * The advisory lock that keeps the budget reset job and the spend writer apart: the writer holds
 * it shared for each batch (batches still run side by side), the reset job exclusively while it
 * recomputes a new window's spend from the logs, so no batch commits between its sum and its
 * update. An arbitrary constant, unique to this use in the database.
 */
export const RESET_LOCK_ID = 7_305_000_113;
