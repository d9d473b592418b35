/**
 * Service delivery records (تقديم الخدمة): what was delivered, when, by whom, how, with notes.
 * Repeatable: a service given in several sessions has one record per session.
 */
import { deliveryModes, serviceDeliveries, validateDocument, type ServiceDelivery } from '../../../../shared/schema';

export type DeliveryMode = (typeof deliveryModes)[number];
export { deliveryModes };

export interface DeliveryInput {
  /** 'YYYY-MM-DDTHH:mm' from a datetime-local field (Saudi time). */
  deliveredAt: string;
  mode: DeliveryMode;
  notes: string;
}

export interface DeliveryContext {
  id: string;
  branchId: string;
  requestId: string;
  beneficiaryId: string;
  serviceId: string;
  /** The employee or delegate who delivered it. */
  deliveredBy: string;
  /** Deliveries already recorded for the request (the session number follows them). */
  previous: readonly ServiceDelivery[];
  now: Date;
}

export type DeliveryField = 'deliveredAt' | 'mode' | 'notes' | 'record';
export interface DeliveryProblem {
  field: DeliveryField;
  messageAr: string;
  messageEn: string;
}

export type DeliveryBuild = { ok: true; delivery: ServiceDelivery } | { ok: false; problems: DeliveryProblem[] };

/** A datetime-local value read as Saudi time (UTC+3), or null. */
export function saudiLocalToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h - 3, mi);
  const back = new Date(ms + 3 * 3_600_000);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return new Date(ms).toISOString();
}

/** An instant as a datetime-local value in Saudi time. */
export function isoToSaudiLocal(at: Date): string {
  return new Date(at.getTime() + 3 * 3_600_000).toISOString().slice(0, 16);
}

export function buildDelivery(input: DeliveryInput, ctx: DeliveryContext): DeliveryBuild {
  const problems: DeliveryProblem[] = [];
  const deliveredAt = saudiLocalToIso(input.deliveredAt);
  if (!deliveredAt) {
    problems.push({
      field: 'deliveredAt',
      messageAr: 'أدخل تاريخ تقديم الخدمة ووقته كاملين (اليوم والساعة).',
      messageEn: 'Enter the full date and time the service was delivered.',
    });
  } else if (Date.parse(deliveredAt) > ctx.now.getTime() + 5 * 60_000) {
    problems.push({
      field: 'deliveredAt',
      messageAr: 'وقت تقديم الخدمة في المستقبل. سجّل الخدمة بعد تقديمها بالوقت الفعلي.',
      messageEn: 'The delivery time is in the future. Record the service after it is delivered, with the actual time.',
    });
  }
  if (!(deliveryModes as readonly string[]).includes(input.mode)) {
    problems.push({ field: 'mode', messageAr: 'اختر طريقة تقديم الخدمة.', messageEn: 'Choose how the service was delivered.' });
  }
  const notes = input.notes.trim();
  if (!notes) {
    problems.push({
      field: 'notes',
      messageAr: 'اكتب ما قُدِّم للمستفيد (مثل: جلسة استشارة، تسليم مساعدة) مع أي ملاحظة.',
      messageEn: 'Write what was delivered (e.g. a consultation session, an aid handover) and any notes.',
    });
  } else if (notes.length > 4000) {
    problems.push({
      field: 'notes',
      messageAr: `الملاحظات أطول من المسموح (${notes.length} من ٤٠٠٠ حرف). اختصرها.`,
      messageEn: `The notes are too long (${notes.length} of 4000 characters). Shorten them.`,
    });
  }
  if (problems.length > 0 || !deliveredAt) return { ok: false, problems };
  const sessionNumber = ctx.previous.reduce((n, d) => Math.max(n, d.sessionNumber ?? 0), 0) + 1;
  const now = ctx.now.toISOString();
  const checked = validateDocument(serviceDeliveries, {
    id: ctx.id,
    branchId: ctx.branchId,
    createdAt: now,
    updatedAt: now,
    updatedBy: ctx.deliveredBy,
    requestId: ctx.requestId,
    beneficiaryId: ctx.beneficiaryId,
    serviceId: ctx.serviceId,
    deliveredAt,
    deliveredBy: ctx.deliveredBy,
    mode: input.mode,
    sessionNumber,
    notes,
  });
  if (!checked.ok) {
    return {
      ok: false,
      problems: checked.issues.map((i) => ({
        field: (['deliveredAt', 'mode', 'notes'] as const).find((f) => f === i.path) ?? 'record',
        messageAr: i.message,
        messageEn: `The delivery could not be saved (${i.path}). Check the entry and save again.`,
      })),
    };
  }
  return { ok: true, delivery: checked.value };
}

/** Deliveries of a request, newest first. */
export function deliveriesNewestFirst(deliveries: readonly ServiceDelivery[]): ServiceDelivery[] {
  return [...deliveries].sort((a, b) => Date.parse(b.deliveredAt) - Date.parse(a.deliveredAt));
}
