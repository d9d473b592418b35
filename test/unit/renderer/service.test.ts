import { describe, expect, it } from 'vitest';
import { validateDocument, satisfactionEvaluations, serviceDeliveries } from '../../../shared/schema';
import {
  buildEvaluation,
  evaluationLinkUrl,
  issueEvaluationLink,
  saudiDayStartIso,
  withEvaluationLink,
  type EvaluationContext,
} from '../../../renderer/src/features/service/evaluation';
import {
  evaluationLinkRefusal,
  evaluationQuestions,
  evaluationTokenPattern,
  hashEvaluationToken,
  newEvaluationToken,
  overallQuestion,
  scoreWords,
  evaluationPrinciple,
  anonymousOption,
  commentField,
  MAX_EVALUATION_LINKS,
} from '../../../shared/casefile';
import type { SatisfactionEvaluation, ServiceDelivery, SupportRequest } from '../../../shared/schema';
import { evaluationsToApply } from '../../../renderer/src/features/service/applyEvaluations';
import { buildDelivery, isoToSaudiLocal, saudiLocalToIso } from '../../../renderer/src/features/service/delivery';
import arService from '../../../renderer/src/features/service/locales/ar.json';
import enService from '../../../renderer/src/features/service/locales/en.json';

const now = new Date('2026-03-10T13:47:21.000Z'); // 16:47 in Riyadh
const ctx: EvaluationContext = {
  id: 'eval1',
  branchId: 'main',
  serviceId: 'consultations',
  requestId: 'req1',
  beneficiaryId: 'ben1',
  deliveryId: 'del1',
  channel: 'laptop_handover',
  updatedBy: 'staff1',
  now,
};

describe('satisfaction evaluation', () => {
  it('links a named evaluation to the request, beneficiary and delivery, with the exact time', () => {
    const r = buildEvaluation({ overall: 4, answers: { respect: 5, fit: 3 }, comment: ' شكرًا ', anonymous: false }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.evaluation).toMatchObject({ requestId: 'req1', beneficiaryId: 'ben1', deliveryId: 'del1', overall: 4, comment: 'شكرًا', submittedAt: now.toISOString(), channelId: 'laptop_handover' });
    expect(r.evaluation.answers).toEqual([
      { questionId: 'respect', score: 5 },
      { questionId: 'fit', score: 3 },
    ]);
    expect(validateDocument(satisfactionEvaluations, r.evaluation).ok).toBe(true);
  });

  it('keeps an anonymous evaluation free of any link to the person, and of the time of day', () => {
    const r = buildEvaluation({ overall: 2, answers: {}, comment: '', anonymous: true }, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.evaluation.requestId).toBeUndefined();
    expect(r.evaluation.beneficiaryId).toBeUndefined();
    expect(r.evaluation.deliveryId).toBeUndefined();
    expect(r.evaluation.comment).toBeUndefined();
    // Midnight in Riyadh = 21:00 UTC the day before.
    expect(r.evaluation.submittedAt).toBe('2026-03-09T21:00:00.000Z');
    expect(r.evaluation.createdAt).toBe(r.evaluation.submittedAt);
    expect(r.evaluation.updatedAt).toBe(r.evaluation.submittedAt);
  });

  it('asks for the overall rating in Arabic and refuses an over-long comment', () => {
    const r = buildEvaluation({ overall: null, answers: {}, comment: 'x'.repeat(2001), anonymous: false }, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual(['comment', 'overall']);
    expect(r.problems.find((p) => p.field === 'overall')!.messageAr).toMatch(/اختر تقييمك العام/);
  });

  it('takes the start of the Saudi day across the UTC midnight', () => {
    expect(saudiDayStartIso(new Date('2026-03-09T22:30:00Z'))).toBe('2026-03-09T21:00:00.000Z');
    expect(saudiDayStartIso(new Date('2026-03-09T20:59:59Z'))).toBe('2026-03-08T21:00:00.000Z');
  });
});

describe('one form everywhere', () => {
  it('the laptop form (service catalogues) words the questions exactly as HQ\'s public page (shared/casefile)', () => {
    for (const [catalogue, lang] of [[arService, 'ar'], [enService, 'en']] as const) {
      expect(catalogue.overallQuestion).toBe(overallQuestion[lang]);
      expect(Object.keys(catalogue.question)).toEqual(evaluationQuestions.map((q) => q.id));
      for (const q of evaluationQuestions) expect(catalogue.question[q.id]).toBe(q[lang]);
      for (const s of [1, 2, 3, 4, 5] as const) expect(catalogue.scoreWord[s]).toBe(scoreWords[s][lang]);
      expect(catalogue.principle).toBe(evaluationPrinciple[lang]);
      expect(catalogue.anonymousLabel).toBe(anonymousOption.label[lang]);
      expect(catalogue.anonymousHint).toBe(anonymousOption.hint[lang]);
      expect(catalogue.commentLabel).toBe(commentField.label[lang]);
      expect(catalogue.commentHint).toBe(commentField.hint[lang]);
    }
  });
});

describe('one-time evaluation links', () => {
  const delivery: ServiceDelivery = {
    id: 'del1',
    branchId: 'main',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    updatedBy: 'staff1',
    requestId: 'req1',
    beneficiaryId: 'ben1',
    serviceId: 'consultations',
    deliveredAt: now.toISOString(),
    deliveredBy: 'staff1',
    mode: 'office',
  };

  it('makes unguessable tokens', () => {
    const tokens = new Set(Array.from({ length: 200 }, () => newEvaluationToken()));
    expect(tokens.size).toBe(200);
    for (const t of tokens) expect(t).toMatch(evaluationTokenPattern);
  });

  it('prints HQ\'s public page address with the token, whatever the HQ address ends with', () => {
    const token = newEvaluationToken();
    expect(evaluationLinkUrl('https://hq.example.org.sa/', token)).toBe(`https://hq.example.org.sa/e/${token}`);
    expect(evaluationLinkUrl(' http://127.0.0.1:8787 ', token)).toBe(`http://127.0.0.1:8787/e/${token}`);
  });

  it('stores only the token\'s SHA-256 on the delivery, valid for 90 days, and the record stays valid', async () => {
    const { token, link } = await issueEvaluationLink('yusr', now);
    expect(link.tokenHash).toBe(await hashEvaluationToken(token));
    expect(link.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(link.expiresAt) - Date.parse(link.issuedAt)).toBe(90 * 86_400_000);
    const updated = withEvaluationLink(delivery, link);
    expect(JSON.stringify(updated)).not.toContain(token);
    const checked = validateDocument(serviceDeliveries, updated);
    expect(checked.ok).toBe(true);
    // A link valid for longer than 90 days, or a hash that is not one, is refused by the schema.
    const tooLong = { ...link, expiresAt: new Date(now.getTime() + 91 * 86_400_000).toISOString() };
    expect(validateDocument(serviceDeliveries, { ...delivery, evaluationLinks: [tooLong] }).ok).toBe(false);
    expect(validateDocument(serviceDeliveries, { ...delivery, evaluationLinks: [{ ...link, tokenHash: token }] }).ok).toBe(false);
  });

  it('keeps unexpired links (at most 20) when another is printed', async () => {
    let d = delivery;
    const old = await issueEvaluationLink('yusr', new Date(now.getTime() - 100 * 86_400_000));
    d = { ...d, evaluationLinks: [old.link] };
    for (let i = 0; i < 25; i++) d = withEvaluationLink(d, (await issueEvaluationLink('yusr', new Date(now.getTime() + i * 1000))).link);
    expect(d.evaluationLinks).toHaveLength(MAX_EVALUATION_LINKS);
    expect(d.evaluationLinks!.some((l) => l.tokenHash === old.link.tokenHash)).toBe(false);
    expect(validateDocument(serviceDeliveries, d).ok).toBe(true);
  });

  it('refuses an unknown, used or expired link', async () => {
    const { link } = await issueEvaluationLink('yusr', now);
    expect(evaluationLinkRefusal(link, false, now)).toBeNull();
    expect(evaluationLinkRefusal(undefined, false, now)).toBe('unknown');
    expect(evaluationLinkRefusal(link, true, now)).toBe('used');
    expect(evaluationLinkRefusal(link, false, new Date(now.getTime() + 90 * 86_400_000))).toBe('expired');
  });
});

describe('service delivery', () => {
  const base = { id: 'del2', branchId: 'main', requestId: 'req1', beneficiaryId: 'ben1', serviceId: 'consultations', deliveredBy: 'staff1', now };

  it('reads the form time as Saudi time and numbers sessions after the previous ones', () => {
    expect(saudiLocalToIso('2026-03-10T09:30')).toBe('2026-03-10T06:30:00.000Z');
    expect(isoToSaudiLocal(now)).toBe('2026-03-10T16:47');
    const first = buildDelivery({ deliveredAt: '2026-03-10T09:30', mode: 'office', notes: 'جلسة استشارة' }, { ...base, previous: [] });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.delivery.sessionNumber).toBe(1);
    expect(validateDocument(serviceDeliveries, first.delivery).ok).toBe(true);
    const second = buildDelivery({ deliveredAt: '2026-03-10T10:30', mode: 'remote', notes: 'متابعة' }, { ...base, previous: [first.delivery] });
    expect(second.ok && second.delivery.sessionNumber).toBe(2);
  });

  it('shows Arabic messages per field for a missing time, a future time and empty notes', () => {
    const r = buildDelivery({ deliveredAt: '', mode: 'office', notes: '  ' }, { ...base, previous: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.field).sort()).toEqual(['deliveredAt', 'notes']);
    const future = buildDelivery({ deliveredAt: '2026-03-11T09:00', mode: 'field', notes: 'x' }, { ...base, previous: [] });
    expect(future.ok ? null : future.problems[0]!.messageAr).toMatch(/المستقبل/);
    expect(saudiLocalToIso('2026-02-30T09:00')).toBeNull();
  });
});

describe('evaluations received from HQ move their request on', () => {
  const req = (id: string, state: SupportRequest['state'], branchId = 'main') => ({ id, branchId, state }) as unknown as SupportRequest;
  const ev = (id: string, requestId: string | undefined, submittedAt: string, anonymous = false) =>
    ({ id, requestId, submittedAt, anonymous }) as unknown as SatisfactionEvaluation;

  it('only delivered requests of the actor\'s branches with a linked evaluation; anonymous ones change nothing', () => {
    const requests = [req('r1', 'service_delivered'), req('r2', 'service_delivered'), req('r3', 'evaluated'), req('r4', 'service_delivered', 'north'), req('r5', 'registered')];
    const evaluations = [
      ev('e1b', 'r1', '2026-03-11T10:00:00.000Z'),
      ev('e1a', 'r1', '2026-03-10T10:00:00.000Z'),
      ev('e2', undefined, '2026-03-10T21:00:00.000Z', true),
      ev('e3', 'r3', '2026-03-10T10:00:00.000Z'),
      ev('e4', 'r4', '2026-03-10T10:00:00.000Z'),
      ev('e5', 'r5', '2026-03-10T10:00:00.000Z'),
    ];
    const pending = evaluationsToApply(requests, evaluations, ['main']);
    expect(pending.map((p) => [p.request.id, p.evaluation.id])).toEqual([['r1', 'e1a']]);
  });
});
