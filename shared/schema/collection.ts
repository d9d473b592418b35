/**
 * One source of truth per record type.
 *
 * A collection is defined once, as a zod object plus RxDB metadata. From that single
 * definition come: the TypeScript type (`DocOf<typeof def>`), the RxDB JSON schema
 * (`toRxJsonSchema`) used by the laptop's store, and the validator (`validateDocument`)
 * that the HQ runs on every pushed row and the client runs on every pulled row.
 */
import { z } from 'zod';

/** Roles of the people who use Sila. */
export const roles = [
  'field_delegate', // مندوب ميداني
  'branch_staff', // موظف الفرع
  'social_researcher', // الباحث الاجتماعي
  'committee_member', // عضو لجنة البحث
  'hq_admin', // مدير النظام في المركز الرئيس
] as const;
export type Role = (typeof roles)[number];

export interface CollectionDef<S extends z.ZodObject = z.ZodObject> {
  /** RxDB collection name (lower snake case, also the HQ table key). */
  readonly name: string;
  /** Schema version; bump with a migration strategy in the renderer. */
  readonly version: number;
  readonly description: string;
  readonly schema: S;
  /** Primary key field. Always `id`. */
  readonly primaryKey: 'id';
  /** RxDB indexes. Every indexed field must be required and strings need maxLength. */
  readonly indexes: ReadonlyArray<string | readonly string[]>;
  /** Top-level fields encrypted at rest on the laptop (cannot be queried or indexed). */
  readonly encrypted: readonly string[];
  /** Roles allowed to write documents of this collection (the HQ enforces it). */
  readonly writers: readonly Role[];
  /** 'branch': documents carry a branchId and are only visible to that branch's users. */
  readonly scope: 'branch' | 'global';
  /** Append-only collections refuse updates and deletes once written. */
  readonly appendOnly?: boolean;
}

export function defineCollection<S extends z.ZodObject>(def: CollectionDef<S>): CollectionDef<S> {
  for (const field of def.encrypted) {
    const flat = def.indexes.flatMap((i) => (typeof i === 'string' ? [i] : [...i]));
    if (flat.includes(field)) {
      throw new Error(`${def.name}: encrypted field '${field}' cannot be indexed`);
    }
  }
  return def;
}

export type DocOf<D extends CollectionDef> = z.infer<D['schema']>;

type JsonSchema = Record<string, unknown>;

/** The RxDB JSON schema for a collection definition. */
export function toRxJsonSchema(def: CollectionDef): JsonSchema {
  const json = z.toJSONSchema(def.schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  delete json.$schema;
  const schema: JsonSchema = {
    title: def.name,
    description: def.description,
    version: def.version,
    primaryKey: def.primaryKey,
    type: 'object',
    properties: json.properties,
    required: json.required ?? [],
    indexes: def.indexes.map((i) => (typeof i === 'string' ? i : [...i])),
  };
  if (def.encrypted.length > 0) schema.encrypted = [...def.encrypted];
  return schema;
}

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. `household.0.nationalId`. */
  path: string;
  message: string;
}

export type ValidationResult<T> =
  | { ok: true; value: T }
  | { ok: false; issues: ValidationIssue[] };

/** Validate one document (without RxDB's underscore meta fields) against its definition. */
export function validateDocument<D extends CollectionDef>(
  def: D,
  doc: unknown,
): ValidationResult<DocOf<D>> {
  let input = doc;
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) copy[k] = v;
    input = copy;
  }
  const parsed = def.schema.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as DocOf<D> };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}
