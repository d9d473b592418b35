/** Errors the HQ returns, always as `{ error: { code, message, messageAr, details? } }`. */
import type { ErrorBody, SyncErrorCode } from '../shared/sync/protocol';

export class HqError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: SyncErrorCode,
    message: string,
    readonly messageAr: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HqError';
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message, messageAr: this.messageAr } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

export const errors = {
  unknownCollection: (name: string) =>
    new HqError(
      404,
      'UNKNOWN_COLLECTION',
      `Unknown collection '${name}'. The app and the HQ may be different versions.`,
      `لا يعرف الخادم المركزي نوع السجلات «${name}». قد يكون إصدار التطبيق مختلفًا عن إصدار الخادم؛ حدّث التطبيق أو تواصل مع مدير النظام.`,
      { collection: name },
    ),
  notFound: (method: string, url: string) =>
    new HqError(
      404,
      'NOT_FOUND',
      `No route ${method} ${url}.`,
      'العنوان المطلوب غير موجود على الخادم المركزي. تحقّق من عنوان الخادم في الإعدادات.',
    ),
  malformed: (message: string, details?: unknown) =>
    new HqError(
      400,
      'MALFORMED_REQUEST',
      message,
      'وصل إلى الخادم المركزي طلب غير صالح، ولم يُحفظ منه شيء. حدّث التطبيق ثم أعد المحاولة، وإن تكرر الخطأ فتواصل مع مدير النظام.',
      details,
    ),
  invalidDocument: (details: { index: number; documentId: string | null; issues: { path: string; message: string }[] }) => {
    const first = details.issues[0];
    const where = first ? ` (${first.path || 'document'}: ${first.message})` : '';
    return new HqError(
      400,
      'INVALID_DOCUMENT',
      `Document ${details.documentId ?? `#${details.index}`} is invalid${where}; nothing of this batch was stored.`,
      `السجل ${details.documentId ?? `رقم ${details.index + 1}`} غير مكتمل أو فيه قيمة غير صحيحة${first ? ` (${first.path || 'السجل'}: ${first.message})` : ''}، ولم يُحفظ شيء من هذه الدفعة. صحّح السجل ثم أعد المزامنة.`,
      details,
    );
  },
  payloadTooLarge: (limit: number) =>
    new HqError(
      413,
      'PAYLOAD_TOO_LARGE',
      `Request body larger than ${limit} bytes.`,
      'حجم البيانات المرسلة أكبر من المسموح. أعد المزامنة لتُرسل على دفعات أصغر، وإن تكرر الخطأ فتواصل مع مدير النظام.',
      { limitBytes: limit },
    ),
  unsupportedMediaType: () =>
    new HqError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the body as application/json.',
      'صيغة البيانات المرسلة غير مدعومة. حدّث التطبيق ثم أعد المحاولة.',
    ),
  forbiddenOrigin: (origin: string) =>
    new HqError(
      403,
      'FORBIDDEN_ORIGIN',
      `Origin '${origin}' is not allowed to call this HQ.`,
      'هذه الواجهة غير مسموح لها بالاتصال بالخادم المركزي. استخدم تطبيق صلة الرسمي أو اطلب من مدير النظام إضافة العنوان.',
      { origin },
    ),
  notReady: () =>
    new HqError(
      503,
      'NOT_READY',
      'The HQ database is not reachable.',
      'قاعدة بيانات الخادم المركزي غير متاحة الآن. بياناتك محفوظة على جهازك وستُزامن تلقائيًا عند عودة الخادم.',
    ),
  timeout: () =>
    new HqError(
      503,
      'TIMEOUT',
      'The HQ took too long to answer.',
      'تأخر الخادم المركزي في الرد. بياناتك محفوظة على جهازك وستُعاد المحاولة تلقائيًا.',
    ),
  unauthenticated: (why: string) =>
    new HqError(
      401,
      'UNAUTHENTICATED',
      `Sign in first (${why}).`,
      'انتهت جلستك أو لم تسجّل الدخول. سجّل الدخول من جديد؛ بياناتك محفوظة على جهازك.',
    ),
  tokenExpired: () =>
    new HqError(
      401,
      'TOKEN_EXPIRED',
      'The access token has expired; refresh it.',
      'انتهت صلاحية الجلسة. سيجدّدها التطبيق تلقائيًا، وإن لم يفعل فسجّل الدخول من جديد.',
    ),
  invalidCredentials: () =>
    new HqError(
      401,
      'INVALID_CREDENTIALS',
      'Wrong username or password.',
      'اسم المستخدم أو كلمة المرور غير صحيحة. تحقّق منهما وأعد المحاولة، أو اطلب من مدير النظام إعادة تعيين كلمة المرور.',
    ),
  rateLimited: (retryAfterSeconds: number) =>
    new HqError(
      429,
      'RATE_LIMITED',
      `Too many failed sign-ins; try again in ${retryAfterSeconds} s.`,
      `محاولات دخول خاطئة كثيرة. انتظر ${retryAfterSeconds} ثانية ثم أعد المحاولة، أو اطلب من مدير النظام إعادة تعيين كلمة المرور.`,
      { retryAfterSeconds },
    ),
  forbidden: (message: string, messageAr: string, details?: unknown) => new HqError(403, 'FORBIDDEN', message, messageAr, details),
  deviceRevoked: (deviceId: string) =>
    new HqError(
      403,
      'DEVICE_REVOKED',
      `Device ${deviceId} has been revoked by an administrator; wipe its local data.`,
      'أوقف مدير النظام هذا الجهاز، وستُحذف بيانات صلة منه. إن كان هذا خطأ فتواصل مع مدير النظام لتسجيل الجهاز من جديد.',
      { deviceId, wipe: true },
    ),
  deviceKeyMismatch: (deviceId: string) =>
    new HqError(
      403,
      'DEVICE_KEY_MISMATCH',
      `Device ${deviceId} is registered with a different public key.`,
      'هذا الجهاز مسجّل في المركز بمفتاح مختلف. تواصل مع مدير النظام لإعادة تسجيل الجهاز.',
      { deviceId },
    ),
  /** A pull from before the tombstone purge horizon (hq/store.ts checkPurgeHorizon). */
  resyncRequired: (collection: string, checkpointSeq: number, horizonSeq: number) =>
    new HqError(
      410,
      'RESYNC_REQUIRED',
      `The checkpoint ${checkpointSeq} of ${collection} is older than the tombstone purge horizon ${horizonSeq}: deletions may have been missed. Pull this collection again from the start (no checkpoint).`,
      'انقطع هذا الجهاز عن المركز مدة أطول من مدة حفظ السجلات المحذوفة، فسيعيد التطبيق تنزيل هذه السجلات من المركز من البداية تلقائيًا. لا تُغلق التطبيق حتى تكتمل المزامنة؛ ما لم يُرسل من عملك محفوظ على جهازك.',
      { collection, checkpointSeq, horizonSeq },
    ),
  alreadyExists: (what: string, id: string) =>
    new HqError(409, 'ALREADY_EXISTS', `${what} '${id}' already exists.`, `«${id}» موجود من قبل. اختر معرّفًا آخر أو عدّل السجل الموجود.`, { id }),
  internal: () =>
    new HqError(
      500,
      'INTERNAL',
      'Internal error in the HQ service.',
      'حدث خطأ داخلي في الخادم المركزي. بياناتك محفوظة على جهازك؛ أعد المحاولة لاحقًا، وإن تكرر الخطأ فتواصل مع مدير النظام.',
    ),
};
