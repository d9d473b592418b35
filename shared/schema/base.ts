import { z } from 'zod';

/** Fields every synced record carries. Timestamps are ISO-8601 strings (client clock, display only). */
export const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'معرّف غير صالح');
export const isoDateTime = z.string().max(40).regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/, 'تاريخ ووقت غير صالح');

export const baseFields = {
  id,
  /** The branch that owns the record (branch-scoped collections). */
  branchId: z.string().min(1).max(64),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  /** User id of the last writer. */
  updatedBy: z.string().max(64),
};
