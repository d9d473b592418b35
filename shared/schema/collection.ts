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
  const problems = collectionDefinitionProblems(def);
  if (problems.length > 0) throw new Error(`${def.name}: ${problems.join('; ')}`);
  return def;
}

/** Top-level names RxDB reserves for RxDocument members (dev-mode error SC17). */
const RESERVED_FIELD_NAMES = new Set([
  'collection', 'primary', 'primaryPath', 'revision', 'deleted', 'get', 'populate', 'update',
  'modify', 'patch', 'remove', 'close', 'synced', 'toJSON', 'toMutableJSON', 'getLatest',
]);

/** The rules RxDB (and its Dexie storage) enforce, checked when a collection is defined. */
function collectionDefinitionProblems(def: CollectionDef): string[] {
  const problems: string[] = [];
  const json = toRxJsonSchema(def);
  const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set(json.required as string[]);
  const indexed = [...new Set(def.indexes.flatMap((i) => (typeof i === 'string' ? [i] : [...i])))];
  for (const field of def.encrypted) {
    if (indexed.includes(field)) problems.push(`encrypted field '${field}' cannot be indexed`);
    if (!(field in properties)) problems.push(`encrypted field '${field}' is not in the schema`);
    if (field === def.primaryKey) problems.push(`the primary key cannot be encrypted`);
  }
  for (const field of indexed) {
    const prop = properties[field];
    if (!prop) {
      problems.push(`indexed field '${field}' is not a top-level field of the schema`);
      continue;
    }
    if (!required.has(field)) problems.push(`indexed field '${field}' must be required`);
    if (prop.type === 'string' && typeof prop.maxLength !== 'number') problems.push(`indexed string '${field}' needs a maxLength`);
    if ((prop.type === 'number' || prop.type === 'integer') && (prop.minimum === undefined || prop.maximum === undefined || prop.multipleOf === undefined)) {
      problems.push(`indexed number '${field}' needs minimum, maximum and multipleOf`);
    }
    if (!['string', 'number', 'integer', 'boolean'].includes(String(prop.type))) problems.push(`indexed field '${field}' must be a string, number or boolean`);
  }
  for (const field of Object.keys(properties)) {
    if (RESERVED_FIELD_NAMES.has(field)) problems.push(`field name '${field}' is reserved by RxDB`);
    if (!/^[a-zA-Z](?:[a-zA-Z0-9_]*[a-zA-Z0-9])?$/.test(field)) problems.push(`field name '${field}' is not allowed by RxDB`);
  }
  if (!required.has(def.primaryKey)) problems.push(`primary key '${def.primaryKey}' must be required`);
  if (def.scope === 'branch' && !required.has('branchId')) problems.push(`branch-scoped collections need a required branchId`);
  if (def.writers.length === 0) problems.push('at least one writer role is needed');
  return problems;
}

export type DocOf<D extends CollectionDef> = z.infer<D['schema']>;

type JsonSchema = Record<string, unknown>;

/** Give string enums a maxLength (their longest value): RxDB needs one on every indexed string. */
function boundEnumStrings(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(boundEnumStrings);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = boundEnumStrings(v);
  if (out.type === 'string' && Array.isArray(out.enum) && out.maxLength === undefined) {
    out.maxLength = Math.max(...out.enum.map((v) => String(v).length));
  }
  return out;
}

/**
 * The RxDB JSON schema for a collection definition.
 *
 * Properties describe the input (what a form may give); `required` lists the fields present in
 * every stored document (zod's output), so a top-level field with a zod default (e.g. an empty
 * `idHash`) is required and can be indexed: RxDB fills top-level `default` values on insert.
 */
export function toRxJsonSchema(def: CollectionDef): JsonSchema {
  const json = z.toJSONSchema(def.schema, { target: 'draft-7', io: 'input' }) as JsonSchema;
  const output = z.toJSONSchema(def.schema, { target: 'draft-7', io: 'output' }) as JsonSchema;
  delete json.$schema;
  const schema: JsonSchema = {
    title: def.name,
    description: def.description,
    version: def.version,
    primaryKey: def.primaryKey,
    type: 'object',
    properties: boundEnumStrings(json.properties),
    required: output.required ?? json.required ?? [],
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

/**
 * Arabic wording for issues whose schema gave no message of its own (zod's defaults are English).
 * Field builders in ./fields carry specific messages; this covers the rest (nested objects,
 * wrong JSON types from a buggy or hostile client).
 */
function arabicFallbackMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'هذا الحقل مطلوب.' : 'نوع القيمة غير صحيح لهذا الحقل.';
    case 'too_big':
      return 'القيمة أكبر أو أطول من المسموح.';
    case 'too_small':
      return 'القيمة أصغر أو أقصر من المسموح.';
    case 'invalid_format':
      return 'صيغة القيمة غير صحيحة.';
    case 'invalid_value':
      return 'القيمة غير مسموح بها. اختر من القائمة.';
    case 'unrecognized_keys':
      return 'حقول غير معروفة في السجل.';
    case 'not_multiple_of':
      return 'يجب أن تكون القيمة عددًا صحيحًا.';
    default:
      return 'قيمة غير صالحة.';
  }
}

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
  const parsed = def.schema.safeParse(input, { error: arabicFallbackMessage });
  if (parsed.success) return { ok: true, value: parsed.data as DocOf<D> };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  };
}
