/**
 * Printing an evaluation QR code: a new one-time link (a random token; only its SHA-256 is kept)
 * added to the request's latest delivery through the one write path. The delivery syncs to HQ
 * like any record, so a code printed offline works on the beneficiary's phone once this laptop
 * has synced; HQ's public page (hq/evaluation-links.ts) accepts it once, until it expires.
 */
import type { RecordActor } from '../../data/records';
import type { SilaDatabase } from '../../data/database';
import type { RequestFile } from '../requests/contract';
import { deliveriesNewestFirst } from './delivery';
import { issueEvaluationLink, withEvaluationLink } from './evaluation';
import { writeRecord } from './write';

export type AddLinkResult = { ok: true; token: string } | { ok: false; messageAr: string; messageEn: string };

export async function addEvaluationLink(db: SilaDatabase, actor: RecordActor, file: RequestFile, now: Date): Promise<AddLinkResult> {
  const delivery = deliveriesNewestFirst(file.deliveries)[0];
  if (!delivery) {
    return {
      ok: false,
      messageAr: 'لا توجد خدمة مقدمة مسجّلة لهذا الطلب على هذا الجهاز، ورمز التقييم يُربط بها. سجّل الخدمة المقدمة أولًا ثم اطبع الرمز.',
      messageEn: 'No service delivery is recorded for this request on this laptop, and the evaluation code is attached to one. Record the delivery first, then print the code.',
    };
  }
  const { token, link } = await issueEvaluationLink(file.profile.id, now);
  const saved = await writeRecord(db, actor, 'service_deliveries', withEvaluationLink(delivery, link), () => now);
  if (!saved.ok) return { ok: false, messageAr: saved.messageAr, messageEn: saved.messageEn };
  return { ok: true, token };
}
