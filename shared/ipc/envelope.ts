/**
 * The result envelope every IPC call returns. The main process never throws across IPC:
 * a handler's value becomes `{ ok: true, value }`, any failure `{ ok: false, error }` with a
 * stable machine-readable `code` (the renderer maps it to its message catalogue) and an Arabic
 * `message` that tells the user what to do next. Stack traces never cross the boundary.
 */
import { z } from 'zod';

/** Every error code the shell can return. */
export const ipcErrorCodes = [
  'forbidden_sender', // the call did not come from the app's own page (app://sila)
  'invalid_request', // the payload did not match the channel's request schema
  'invalid_response', // the handler produced something the contract does not allow (a bug)
  'internal', // an unexpected failure in the main process
  'no_window', // the calling page has no window (e.g. closed while the call was in flight)
  'secure_storage_unavailable', // the OS key store (safeStorage) is not usable on this machine
  'decrypt_failed', // the OS key store could not decrypt the given value
  'save_failed', // writing the chosen file failed
  'print_failed', // the print job failed (not: the user cancelled)
  'url_not_allowed', // openExternal got something that is not an http(s) URL
] as const;
export type IpcErrorCode = (typeof ipcErrorCodes)[number];

export const ipcErrorSchema = z.object({
  code: z.enum(ipcErrorCodes),
  message: z.string(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: IpcErrorCode, message?: string): IpcResult<T> {
  return { ok: false, error: { code, message: message ?? ipcErrorMessages[code] } };
}

/** Zod schema of the envelope around a value schema (used to validate what crosses IPC). */
export function ipcResultSchema<V extends z.ZodType>(value: V) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: ipcErrorSchema }),
  ]);
}

/** Default Arabic messages (what happened, then what to do next). */
export const ipcErrorMessages: Readonly<Record<IpcErrorCode, string>> = {
  forbidden_sender:
    'رُفض الطلب لأنه لم يصدر من واجهة صلة نفسها. أعد تشغيل التطبيق، وإن تكرر ذلك فأبلغ مسؤول النظام.',
  invalid_request:
    'البيانات المرسلة إلى التطبيق غير صالحة. أعد المحاولة، وإن تكرر الخطأ فأبلغ مسؤول النظام.',
  invalid_response:
    'أعاد التطبيق نتيجة غير متوقعة. أعد المحاولة، وإن تكرر الخطأ فأبلغ مسؤول النظام.',
  internal: 'حدث خطأ غير متوقع في التطبيق. أعد المحاولة، وإن تكرر فأعد تشغيل صلة.',
  no_window: 'أُغلقت النافذة قبل إتمام العملية. افتح صلة من جديد ثم أعد المحاولة.',
  secure_storage_unavailable:
    'حافظة المفاتيح الآمنة في نظام التشغيل غير متاحة على هذا الجهاز، فلن يُحفظ مفتاح الدخول عليه. سجّل الدخول بكلمة المرور، واطلب من مسؤول النظام تفعيل حافظة المفاتيح (مثل GNOME Keyring أو KWallet).',
  decrypt_failed:
    'تعذّر فتح المفتاح المحفوظ على هذا الجهاز. سجّل الدخول بكلمة المرور ليُحفظ المفتاح من جديد.',
  save_failed:
    'تعذّر حفظ الملف في المكان المختار. اختر مجلدًا لديك صلاحية الكتابة فيه ومساحة كافية ثم أعد المحاولة.',
  print_failed:
    'تعذّرت الطباعة. تأكد من توصيل الطابعة وتشغيلها ثم أعد المحاولة، أو احفظ الملف بصيغة PDF واطبعه لاحقًا.',
  url_not_allowed: 'لا يمكن فتح هذا الرابط لأنه ليس رابط ويب (http أو https) صالحًا.',
};
