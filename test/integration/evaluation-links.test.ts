/**
 * Issue 7 §8: the evaluation QR code's one-time link, against a real HQ on PGlite and on
 * PostgreSQL, with a real replicating laptop (RxDB in a child process). The laptop stores only the
 * token's hash on a service delivery; once that syncs, HQ's public page opens for the token, takes
 * one evaluation (Arabic messages next to the fields, typed answers kept), and the evaluation
 * syncs back to the laptop. A used, expired, forged or malformed token is refused in Arabic;
 * the anonymous option drops every link to the person; the page sends strict security headers
 * and is rate-limited per address.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startHq, type RunningHq } from '../../hq/server';
import { issueEvaluationLink, newEvaluationToken } from '../../shared/casefile/evaluation';
import { policyProfilesById } from '../../shared/policy';
import { satisfactionEvaluations, validateDocument } from '../../shared/schema';
import { createBackend, Laptop, PASSWORD, pullAll, seedAccounts, testHqOptions, USERS, waitFor, type Backend } from './support/harness';

const profile = policyProfilesById.get('yusr')!;
const service = profile.services[0]!;
const DAY = 86_400_000;

function delivery(id: string, links: unknown[], at = new Date()) {
  const t = at.toISOString();
  return {
    id,
    branchId: 'branch-riyadh',
    createdAt: t,
    updatedAt: t,
    updatedBy: 'staff-1',
    requestId: `req-${id}`,
    beneficiaryId: `ben-${id}`,
    serviceId: service.id,
    deliveredAt: t,
    deliveredBy: 'staff-1',
    mode: 'office',
    notes: 'جلسة استشارة أسرية — ملاحظات خاصة بالمستفيدة',
    evaluationLinks: links,
  };
}

async function page(url: string, init: { method?: string; form?: Record<string, string | string[]>; origin?: string } = {}) {
  const body = init.form
    ? new URLSearchParams(Object.entries(init.form).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])))
    : undefined;
  const res = await fetch(url, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers: { ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...(init.origin ? { origin: init.origin } : {}) },
    body,
    redirect: 'manual',
  });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

describe.each(['pglite', 'postgres'] as const)('evaluation links on %s', (backendName) => {
  let backend: Backend;
  let hq: RunningHq | null = null;
  let laptop: Laptop | null = null;

  beforeAll(async () => {
    backend = await createBackend(backendName);
  });
  afterEach(async () => {
    await laptop?.stop();
    laptop = null;
    await hq?.close();
    hq = null;
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  test('valid once, then used; expired; forged; anonymous; synced both ways; headers and rate limit', async () => {
    hq = await startHq({ port: 0, ...testHqOptions(backend), publicEvaluation: { rateLimit: { max: 40, windowSeconds: 600 } } });
    await seedAccounts(hq.url);
    const { url } = hq;
    laptop = await Laptop.start('A', url, { username: USERS.staffA.username, password: PASSWORD });
    await laptop.call('waitForStream');

    const now = new Date();
    const valid = await issueEvaluationLink(profile.id, now);
    const expired = await issueEvaluationLink(profile.id, new Date(now.getTime() - 100 * DAY));
    const anonymous = await issueEvaluationLink(profile.id, now);

    // Printed offline: HQ does not know the link until the delivery syncs.
    const before = await page(`${url}/e/${valid.token}`);
    expect(before.status).toBe(404);
    expect(before.html).toMatch(/بعد مزامنة جهاز الفرع/);

    await laptop.call('insert', { collection: 'service_deliveries', doc: delivery('del-1', [valid.link, expired.link]) });
    await waitFor(async () => (await pullAll(url, 'service_deliveries')).some((d) => d.id === 'del-1'), 20_000, 'delivery at HQ');
    // The token itself never left the laptop: HQ holds its hash only.
    expect(JSON.stringify(await pullAll(url, 'service_deliveries'))).not.toContain(valid.token);

    // Valid: the form, in Arabic, right to left, naming only the association and the service.
    const form = await page(`${url}/e/${valid.token}`);
    expect(form.status).toBe(200);
    expect(form.html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(form.html).toContain(profile.association.nameAr);
    expect(form.html).toContain(service.nameAr);
    expect(form.html).toContain('ما مدى رضاك عن الخدمة بشكل عام؟');
    expect(form.html).toContain('أريد التقييم دون ذكر اسمي');
    for (const secret of ['ben-del-1', 'req-del-1', 'ملاحظات خاصة', 'staff-1']) expect(form.html).not.toContain(secret);
    const csp = form.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/form-action 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/script-src|unsafe-inline/);
    expect(form.headers.get('cache-control')).toBe('no-store');
    expect(form.headers.get('referrer-policy')).toBe('no-referrer');
    expect(form.headers.get('x-frame-options')).toBe('DENY');
    expect(form.headers.get('x-content-type-options')).toBe('nosniff');
    expect(form.headers.get('access-control-allow-origin')).toBeNull();
    const english = await page(`${url}/e/${valid.token}?lang=en`);
    expect(english.html).toMatch(/<html lang="en" dir="ltr">/);
    expect(english.html).toContain(service.nameEn);

    // Bad input: Arabic messages next to the fields, what was typed kept, nothing stored.
    const comment = 'الموظفة كانت متعاونة <b>جدًا</b>';
    const missing = await page(`${url}/e/${valid.token}`, { form: { comment, respect: '4' }, origin: url });
    expect(missing.status).toBe(422);
    expect(missing.html).toMatch(/اختر تقييمك العام للخدمة/);
    expect(missing.html).toContain('الموظفة كانت متعاونة &lt;b&gt;جدًا&lt;/b&gt;');
    expect(missing.html).toMatch(/name="respect" value="4" checked/);
    const outOfRange = await page(`${url}/e/${valid.token}`, { form: { overall: '7', fit: '0' } });
    expect(outOfRange.status).toBe(422);
    const twice = await page(`${url}/e/${valid.token}`, { form: { overall: ['5', '1'] } });
    expect(twice.status).toBe(422);
    const tooLong = await page(`${url}/e/${valid.token}`, { form: { overall: '4', comment: 'ا'.repeat(2001) } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.html).toMatch(/الملاحظات أطول من المسموح/);
    expect((await pullAll(url, 'satisfaction_evaluations')).length).toBe(0);

    // Sent (from the page itself: a phone browser sends HQ's own origin).
    const sent = await page(`${url}/e/${valid.token}`, { form: { overall: '5', respect: '5', clarity: '4', comment: 'شكرًا لكم', unknownField: 'x' }, origin: url });
    expect(sent.status).toBe(200);
    expect(sent.html).toMatch(/شكرًا لك، وصل تقييمك/);

    // Reused: refused, by GET and by POST; still one evaluation.
    const reused = await page(`${url}/e/${valid.token}`);
    expect(reused.status).toBe(410);
    expect(reused.html).toMatch(/استُخدم رابط التقييم هذا من قبل/);
    expect((await page(`${url}/e/${valid.token}`, { form: { overall: '1' } })).status).toBe(410);

    // Expired.
    const old = await page(`${url}/e/${expired.token}`);
    expect(old.status).toBe(410);
    expect(old.html).toMatch(/انتهت صلاحية رابط التقييم/);
    expect((await page(`${url}/e/${expired.token}`, { form: { overall: '3' } })).status).toBe(410);

    // Forged: a random token, a one-character change, the stored hash itself, junk paths.
    const flipped = valid.token.slice(0, -1) + (valid.token.endsWith('A') ? 'B' : 'A');
    for (const forged of [newEvaluationToken(), flipped, valid.link.tokenHash, '..%2F..%2Fetc', `${valid.token}/x`]) {
      const r = await page(`${url}/e/${forged}`);
      expect(r.status, forged).toBe(404);
      expect(r.html).toMatch(/رابط التقييم غير معروف/);
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    }
    expect((await page(`${url}/e/${newEvaluationToken()}`, { form: { overall: '5' } })).status).toBe(404);

    // The evaluation is at HQ and syncs back to the laptop, linked to the request and delivery.
    const atHq = (await pullAll(url, 'satisfaction_evaluations')) as Record<string, unknown>[];
    expect(atHq).toHaveLength(1);
    const named = atHq[0]!;
    expect(validateDocument(satisfactionEvaluations, named).ok).toBe(true);
    expect(named).toMatchObject({ branchId: 'branch-riyadh', serviceId: service.id, anonymous: false, channelId: 'qr_link', requestId: 'req-del-1', beneficiaryId: 'ben-del-1', deliveryId: 'del-1', overall: 5, comment: 'شكرًا لكم' });
    expect(named.answers).toEqual([
      { questionId: 'respect', score: 5 },
      { questionId: 'clarity', score: 4 },
    ]);
    const onLaptop = await laptop.call<Record<string, unknown>>('waitFor', { collection: 'satisfaction_evaluations', id: String(named.id), field: 'overall', value: 5, timeoutMs: 20_000 });
    expect(onLaptop).toMatchObject({ requestId: 'req-del-1', channelId: 'qr_link' });

    // Anonymous: a code printed later on the same delivery; nothing links the evaluation to the person, only the day is kept.
    await laptop.call('patch', { collection: 'service_deliveries', id: 'del-1', patch: { evaluationLinks: [valid.link, expired.link, anonymous.link] } });
    const linksAtHq = async (id: string) => ((await pullAll(url, 'service_deliveries')).find((d) => d.id === id) ?? null) as { evaluationLinks?: unknown[]; _deleted?: boolean } | null;
    await waitFor(async () => (await linksAtHq('del-1'))?.evaluationLinks?.length === 3, 20_000, 'second link at HQ');
    const anon = await page(`${url}/e/${anonymous.token}`, { form: { overall: '2', fit: '1', anonymous: '1' } });
    expect(anon.status).toBe(200);
    const anonDoc = ((await pullAll(url, 'satisfaction_evaluations')) as Record<string, unknown>[]).find((e) => e.id !== named.id)!;
    expect(anonDoc).toMatchObject({ anonymous: true, overall: 2, channelId: 'qr_link', branchId: 'branch-riyadh', serviceId: service.id });
    for (const link of ['requestId', 'beneficiaryId', 'deliveryId']) expect(anonDoc[link]).toBeUndefined();
    expect(String(anonDoc.submittedAt)).toMatch(/T21:00:00\.000Z$/); // midnight in Riyadh
    expect(anonDoc.createdAt).toBe(anonDoc.submittedAt);
    await laptop.call('waitForCount', { collection: 'satisfaction_evaluations', count: 2, timeoutMs: 20_000 });

    // Rate limit: many requests from one address are refused for a while, in Arabic.
    let limited: Awaited<ReturnType<typeof page>> | null = null;
    for (let i = 0; i < 60 && !limited; i++) {
      const r = await page(`${url}/e/${newEvaluationToken()}`);
      if (r.status === 429) limited = r;
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited!.html).toMatch(/انتظر بضع دقائق/);
    // The sync API is not affected by the page's limit.
    expect((await pullAll(url, 'satisfaction_evaluations')).length).toBe(2);
  }, 180_000);
});
