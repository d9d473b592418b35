import { z } from 'zod';
import { defineCollection, roles } from './collection';
import { id, isoDateTime } from './base';
import { configKey, instant, listOf, oneOf, ref, text, wholeNumber } from './fields';

/** What an HQ configuration document holds. */
export const hqConfigKinds = [
  'policy_profile', // سياسة تنظيم العلاقة مع المستفيدين (versioned, approved by the board)
  'branch', // فرع
  'user', // مستخدم
  'device', // جهاز
] as const;
export type HqConfigKind = (typeof hqConfigKinds)[number];

const payloadOf: Record<HqConfigKind, 'policyProfile' | 'branch' | 'user' | 'device'> = {
  policy_profile: 'policyProfile',
  branch: 'branch',
  user: 'user',
  device: 'device',
};

// إعدادات المركز الرئيس — written by HQ administrators only, read by every device.
export const hqConfigSchema = z
  .object({
    id,
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
    updatedBy: z.string().max(64),
    kind: oneOf(hqConfigKinds, 'نوع الإعداد'),
    /** For branch-specific entries (a user's home branch, a device's branch). */
    branchId: ref('الفرع').optional(),
    /** A policy profile version; the document itself is validated by shared/policy. */
    policyProfile: z
      .object({
        profileId: configKey('السياسة'),
        version: wholeNumber('إصدار السياسة', 1, 100_000),
        status: oneOf(['draft', 'approved', 'retired'] as const, 'حالة السياسة'),
        approvedAt: instant('تاريخ الاعتماد').optional(),
        document: z.record(z.string(), z.unknown(), { error: '«وثيقة السياسة» مطلوبة.' }),
      })
      .optional(),
    branch: z
      .object({
        name: text('اسم الفرع', 200),
        nameEn: text('اسم الفرع بالإنجليزية', 200).optional(),
        city: text('المدينة', 80),
        active: z.boolean({ error: '«نشط» يجب أن يكون نعم أو لا.' }),
      })
      .optional(),
    /** User directory entry: no passwords or keys here, only who someone is and what they may do. */
    user: z
      .object({
        userId: ref('المستخدم'),
        displayName: text('اسم المستخدم', 200),
        role: oneOf(roles, 'الصفة'),
        branchIds: listOf(ref('الفرع'), 'الفروع', 50),
        active: z.boolean({ error: '«نشط» يجب أن يكون نعم أو لا.' }),
      })
      .optional(),
    device: z
      .object({
        deviceId: ref('الجهاز'),
        label: text('اسم الجهاز', 100),
        /** Public key (SPKI, base64url) that signs declarations and audit heads. */
        publicKey: text('المفتاح العام', 1000).optional(),
        enrolledAt: instant('تاريخ التسجيل'),
        revokedAt: instant('تاريخ الإيقاف').optional(),
      })
      .optional(),
  })
  .superRefine((v, ctx) => {
    for (const [kind, field] of Object.entries(payloadOf) as [HqConfigKind, keyof typeof v][]) {
      const present = v[field] !== undefined;
      if (kind === v.kind && !present) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'بيانات الإعداد ناقصة لهذا النوع. أكمل الحقول المطلوبة.' });
      } else if (kind !== v.kind && present) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'هذه البيانات لا تخص نوع الإعداد المختار. احذفها أو غيّر النوع.' });
      }
    }
  });

export const hqConfig = defineCollection({
  name: 'hq_config',
  version: 0,
  description: 'HQ configuration (إعدادات المركز): policy profiles, branches, users, devices',
  schema: hqConfigSchema,
  primaryKey: 'id',
  indexes: [['kind', 'updatedAt']],
  encrypted: [],
  writers: ['hq_admin'],
  scope: 'global',
});

export type HqConfigEntry = z.infer<typeof hqConfigSchema>;
