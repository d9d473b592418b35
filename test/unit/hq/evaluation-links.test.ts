/**
 * The public evaluation page's pieces that need no database: reading the posted form strictly,
 * escaping what is echoed back, masking the token in logs, the per-address limit, and the page's
 * Content-Security-Policy matching its one inline style sheet.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskEvaluationToken, publicRouteLogLevel, readForm, WindowLimiter, isPublicEvaluationPath } from '../../../hq/evaluation-links';
import { escapeHtml, formPage, PAGE_CSP, refusalPage, thanksPage } from '../../../hq/evaluation-page';
import { newEvaluationToken } from '../../../shared/casefile';

const form = (pairs: [string, string][]) => readForm(new URLSearchParams(pairs));

describe('reading the posted form', () => {
  it('takes scores 1–5, the comment and the anonymous choice; ignores unknown fields', () => {
    const r = form([
      ['overall', '4'],
      ['respect', '5'],
      ['fit', ''],
      ['comment', 'شكرًا\r\nجزيلًا'],
      ['anonymous', '1'],
      ['isAdmin', 'true'],
    ]);
    expect(r.problems).toEqual([]);
    expect(r.input).toEqual({ overall: 4, answers: { respect: 5 }, comment: 'شكرًا\nجزيلًا', anonymous: true });
  });

  it('refuses what no form sends: out-of-range, fractional or repeated scores', () => {
    expect(form([['overall', '7']]).problems.map((p) => p.field)).toEqual(['overall']);
    expect(form([['overall', '2.5']]).input.overall).toBeNull();
    expect(form([['overall', '5'], ['overall', '1']]).problems.map((p) => p.field)).toEqual(['overall']);
    const bad = form([['overall', '3'], ['clarity', '0']]);
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]!.messageAr).toMatch(/من ١ إلى ٥/);
  });

  it('drops control characters from the comment and caps what it keeps', () => {
    expect(form([['comment', 'a\u0000b\u0007c\td']]).input.comment).toBe('abc\td');
    expect(form([['comment', 'ا'.repeat(10_000)]]).input.comment.length).toBe(4000);
  });
});

describe('the page', () => {
  it('escapes everything echoed back', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    const html = formPage({ lang: 'ar', action: '/e/tok', serviceName: '<img src=x>' }, { overall: null, answers: {}, comment: '</textarea><script>', anonymous: false });
    expect(html).not.toContain('<img src=x>');
    expect(html).not.toContain('</textarea><script>');
    expect(html).not.toMatch(/<script/i);
  });

  it('allows exactly its inline style sheet and nothing else', () => {
    for (const html of [formPage({ lang: 'en', action: '/e/t' }, { overall: 3, answers: {}, comment: '', anonymous: true }), thanksPage({ lang: 'ar', action: '/e/t' }), refusalPage({ lang: 'ar', action: '/e/t' }, 'used')]) {
      const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
      expect(styles).toHaveLength(1);
      expect(PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(styles[0]!).digest('base64')}'`);
      expect(html).not.toMatch(/\sstyle="/);
    }
  });
});

describe('logs and limits', () => {
  it('never logs the token', () => {
    const token = newEvaluationToken();
    expect(maskEvaluationToken(`/e/${token}`)).toBe('/e/…');
    expect(maskEvaluationToken(`/e/${token}?lang=en`)).toBe('/e/…?lang=en');
    expect(maskEvaluationToken('/sync/beneficiaries/pull?seq=3')).toBe('/sync/beneficiaries/pull?seq=3');
    expect(isPublicEvaluationPath('/e')).toBe(true);
    expect(isPublicEvaluationPath('/export')).toBe(false);
    // Per-request lines (address and time) are below these routes' level, whatever HQ's level.
    expect(publicRouteLogLevel('info')).toBe('warn');
    expect(publicRouteLogLevel('debug')).toBe('warn');
    expect(publicRouteLogLevel('error')).toBe('error');
    expect(publicRouteLogLevel('silent')).toBe('silent');
  });

  it('limits requests per address within a window, then lets them through again', () => {
    let t = 0;
    const limiter = new WindowLimiter(3, 60_000, () => t);
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')]).toEqual([null, null, null]);
    expect(limiter.hit('a')).toBe(60);
    expect(limiter.hit('b')).toBeNull();
    t = 59_000;
    expect(limiter.hit('a')).toBe(1);
    t = 60_000;
    expect(limiter.hit('a')).toBeNull();
  });
});
