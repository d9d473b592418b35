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
  internal: () =>
    new HqError(
      500,
      'INTERNAL',
      'Internal error in the HQ service.',
      'حدث خطأ داخلي في الخادم المركزي. بياناتك محفوظة على جهازك؛ أعد المحاولة لاحقًا، وإن تكرر الخطأ فتواصل مع مدير النظام.',
    ),
};
