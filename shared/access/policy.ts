/**
 * Who may pull and write what (الصلاحيات): ONE table, collection × role.
 *
 * The HQ enforces it on every pull and every pushed row; the laptop uses it to hide actions
 * the user cannot take. The schema's `writers` (shared/schema) says which roles may ever write
 * a collection; this table is the authority and may be stricter (a unit test checks that it
 * never grants a role the schema does not list, and that it covers every collection).
 *
 * Rules encoded here:
 *   - branch users (everyone but hq_admin) read and write only their own branches' documents;
 *   - committee members write committee decisions only;
 *   - only hq_admin writes the configuration (hq_config), which everybody reads;
 *   - declarations, committee decisions and audit entries are append-only: updates and
 *     deletes are refused for everyone, HQ admins included;
 *   - audit entries are written by every device but read only at HQ.
 */
import { collections, roles, type Role } from '../schema';

export type ReadScope = 'none' | 'own_branches' | 'all';
export type WriteRights = 'none' | 'insert' | 'insert_update' | 'insert_update_delete';
export type AccessAction = 'pull' | 'insert' | 'update' | 'delete';

export interface RoleAccess {
  readonly read: ReadScope;
  readonly write: WriteRights;
}

export interface CollectionAccess {
  /** Arabic name used in messages. */
  readonly labelAr: string;
  /** Updates and deletes refused for everyone. */
  readonly appendOnly: boolean;
  readonly roles: Readonly<Record<Role, RoleAccess>>;
}

const R = (read: ReadScope, write: WriteRights): RoleAccess => ({ read, write });
const OWN = 'own_branches';

//                                        field_delegate            branch_staff                          social_researcher          committee_member        hq_admin
export const ACCESS_TABLE = {
  beneficiaries: {
    labelAr: 'المستفيدين',
    appendOnly: false,
    roles: { field_delegate: R(OWN, 'insert_update'), branch_staff: R(OWN, 'insert_update_delete'), social_researcher: R(OWN, 'insert_update'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  support_requests: {
    labelAr: 'طلبات الدعم',
    appendOnly: false,
    roles: { field_delegate: R(OWN, 'insert_update'), branch_staff: R(OWN, 'insert_update_delete'), social_researcher: R(OWN, 'insert_update'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  interviews: {
    labelAr: 'المقابلات',
    appendOnly: false,
    roles: { field_delegate: R(OWN, 'insert_update'), branch_staff: R(OWN, 'insert_update'), social_researcher: R(OWN, 'insert_update'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  documents: {
    labelAr: 'المستندات',
    appendOnly: false,
    roles: { field_delegate: R(OWN, 'insert_update_delete'), branch_staff: R(OWN, 'insert_update_delete'), social_researcher: R(OWN, 'none'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  declarations: {
    labelAr: 'الإقرارات',
    appendOnly: true,
    roles: { field_delegate: R(OWN, 'insert'), branch_staff: R(OWN, 'insert'), social_researcher: R(OWN, 'none'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  committee_decisions: {
    labelAr: 'قرارات لجنة البحث',
    appendOnly: true,
    roles: { field_delegate: R(OWN, 'none'), branch_staff: R(OWN, 'none'), social_researcher: R(OWN, 'none'), committee_member: R(OWN, 'insert'), hq_admin: R('all', 'none') },
  },
  service_deliveries: {
    labelAr: 'تقديم الخدمات',
    appendOnly: false,
    roles: { field_delegate: R(OWN, 'insert_update'), branch_staff: R(OWN, 'insert_update'), social_researcher: R(OWN, 'none'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  satisfaction_evaluations: {
    labelAr: 'تقييمات رضا المستفيدين',
    appendOnly: false,
    // the beneficiary's own voice: recorded once, never edited by staff
    roles: { field_delegate: R(OWN, 'insert'), branch_staff: R(OWN, 'insert'), social_researcher: R(OWN, 'none'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  contact_logs: {
    labelAr: 'سجل التواصل',
    appendOnly: false,
    roles: { field_delegate: R(OWN, 'insert_update'), branch_staff: R(OWN, 'insert_update'), social_researcher: R(OWN, 'insert_update'), committee_member: R(OWN, 'none'), hq_admin: R('all', 'none') },
  },
  audit_entries: {
    labelAr: 'سجل التدقيق',
    appendOnly: true,
    roles: { field_delegate: R('none', 'insert'), branch_staff: R('none', 'insert'), social_researcher: R('none', 'insert'), committee_member: R('none', 'insert'), hq_admin: R('all', 'insert') },
  },
  hq_config: {
    labelAr: 'إعدادات المركز',
    appendOnly: false,
    roles: { field_delegate: R('all', 'none'), branch_staff: R('all', 'none'), social_researcher: R('all', 'none'), committee_member: R('all', 'none'), hq_admin: R('all', 'insert_update_delete') },
  },
  sync_conflicts: {
    labelAr: 'تعارضات المزامنة',
    appendOnly: false,
    // written by the laptop that detected the conflict; resolving one is an update
    roles: { field_delegate: R(OWN, 'insert_update'), branch_staff: R(OWN, 'insert_update'), social_researcher: R(OWN, 'insert_update'), committee_member: R(OWN, 'insert_update'), hq_admin: R('all', 'none') },
  },
} as const satisfies Readonly<Record<string, CollectionAccess>>;

export type AccessCollectionName = keyof typeof ACCESS_TABLE;

export interface AccessUser {
  readonly role: Role | string;
  /** Branches the user works for (ignored for read scope 'all'). */
  readonly branchIds: readonly string[];
}

export type AccessDenialReason =
  | 'unknown_collection'
  | 'unknown_role'
  | 'no_read_access'
  | 'no_write_access'
  | 'append_only'
  | 'branch_required'
  | 'other_branch';

export type AccessDecision =
  | {
      readonly allowed: true;
      /** For a pull without a document: the branches to filter by, or 'all'. */
      readonly branchScope: 'all' | readonly string[];
    }
  | { readonly allowed: false; readonly reason: AccessDenialReason; readonly messageAr: string; readonly messageEn: string };

const ROLE_AR: Readonly<Record<Role, string>> = {
  field_delegate: 'المندوب الميداني',
  branch_staff: 'موظف الفرع',
  social_researcher: 'الباحث الاجتماعي',
  committee_member: 'عضو لجنة البحث',
  hq_admin: 'مدير النظام',
};

const ACTION_AR: Readonly<Record<AccessAction, string>> = {
  pull: 'الاطلاع على',
  insert: 'إضافة',
  update: 'تعديل',
  delete: 'حذف',
};

const ASK_ADMIN_AR = 'إن كنت تحتاج هذه الصلاحية فاطلبها من مدير النظام في المركز الرئيس.';

function deny(reason: AccessDenialReason, messageAr: string, messageEn: string): AccessDecision {
  return { allowed: false, reason, messageAr, messageEn };
}

const WRITE_LEVEL: Readonly<Record<WriteRights, number>> = { none: 0, insert: 1, insert_update: 2, insert_update_delete: 3 };
const ACTION_LEVEL: Readonly<Record<Exclude<AccessAction, 'pull'>, number>> = { insert: 1, update: 2, delete: 3 };

function isRole(role: string): role is Role {
  return (roles as readonly string[]).includes(role);
}

function accessOf(collection: string): CollectionAccess | undefined {
  return Object.prototype.hasOwnProperty.call(ACCESS_TABLE, collection)
    ? (ACCESS_TABLE as Readonly<Record<string, CollectionAccess>>)[collection]
    : undefined;
}

/** Whether the collection's documents belong to a branch (from the schema registry). */
function isBranchScoped(collection: string): boolean {
  return collections.find((c) => c.name === collection)?.scope !== 'global';
}

/**
 * May `user` perform `action` on `collection` (optionally on a document of a given branch)?
 * For an update that might move a document between branches, use `canUpdate` (it checks the
 * stored and the new branch).
 */
export function can(user: AccessUser, action: AccessAction, collection: string, doc?: { readonly branchId?: string }): AccessDecision {
  const table = accessOf(collection);
  if (!table) {
    return deny('unknown_collection', 'نوع السجل غير معروف لهذا الإصدار. حدّث التطبيق ثم أعد المحاولة.', 'Unknown record type for this version. Update the app and try again.');
  }
  if (!isRole(user.role)) {
    return deny('unknown_role', 'صفة المستخدم غير معروفة. تواصل مع مدير النظام لضبط صفتك.', "The user's role is unknown. Ask the HQ administrator to set your role.");
  }
  const role = user.role;
  const access = table.roles[role];
  const what = `${ACTION_AR[action]} ${table.labelAr}`;
  const who = ROLE_AR[role];

  if (action !== 'pull' && action !== 'insert' && table.appendOnly) {
    return deny(
      'append_only',
      `لا يمكن ${what}: هذه السجلات لا تُعدَّل ولا تُحذف بعد حفظها. لتصحيح خطأ أنشئ سجلًا جديدًا.`,
      `Records of ${collection} cannot be changed or deleted once saved. To correct a mistake, create a new one.`,
    );
  }

  if (action === 'pull') {
    if (access.read === 'none') {
      return deny('no_read_access', `لا تسمح صفة «${who}» بـ${what}. ${ASK_ADMIN_AR}`, `Your role may not read ${collection}. Ask the HQ administrator if you need it.`);
    }
  } else if (WRITE_LEVEL[access.write] < ACTION_LEVEL[action]) {
    return deny('no_write_access', `لا تسمح صفة «${who}» بـ${what}. ${ASK_ADMIN_AR}`, `Your role may not ${action} ${collection}. Ask the HQ administrator if you need it.`);
  }

  // Branch: hq_admin-style 'all' read scope reaches every branch; everyone else only their own.
  if (!isBranchScoped(collection) || access.read === 'all') return { allowed: true, branchScope: 'all' };
  const own = user.branchIds;
  if (doc === undefined) {
    if (action === 'pull') return { allowed: true, branchScope: [...own] };
    return deny('branch_required', 'لم يُحدَّد الفرع الذي يتبع له السجل. اختر الفرع ثم احفظ من جديد.', 'The record has no branch. Choose the branch, then save again.');
  }
  if (typeof doc.branchId !== 'string' || doc.branchId.length === 0) {
    return deny('branch_required', 'لم يُحدَّد الفرع الذي يتبع له السجل. اختر الفرع ثم احفظ من جديد.', 'The record has no branch. Choose the branch, then save again.');
  }
  if (!own.includes(doc.branchId)) {
    return deny(
      'other_branch',
      `لا يمكن ${what} لفرع لست مسجلًا فيه. إن نُقلت إلى هذا الفرع فاطلب من مدير النظام إضافته إلى حسابك.`,
      `This record belongs to a branch you are not assigned to. Ask the HQ administrator to add the branch to your account.`,
    );
  }
  return { allowed: true, branchScope: [...own] };
}

/** An update must be allowed for the stored document and for its new state (no moving a record into or out of someone else's branch). */
export function canUpdate(
  user: AccessUser,
  collection: string,
  stored: { readonly branchId?: string },
  next: { readonly branchId?: string },
): AccessDecision {
  const before = can(user, 'update', collection, stored);
  if (!before.allowed) return before;
  return can(user, 'update', collection, next);
}

/** The collections a role can pull (for setting up the laptop's replications). */
export function pullableCollections(role: Role): AccessCollectionName[] {
  return (Object.keys(ACCESS_TABLE) as AccessCollectionName[]).filter((c) => ACCESS_TABLE[c].roles[role].read !== 'none');
}
