/**
 * HQ's public evaluation page (صفحة تقييم الخدمة), opened on the beneficiary's phone from a
 * printed QR code: plain server-rendered HTML, Arabic and right-to-left first (English on request),
 * no script at all, one inline style sheet allowed by its hash in the Content-Security-Policy.
 * The questions and their wording are shared/casefile's, the same as the laptop's form. Nothing
 * about the person is shown: only the association's and the service's names.
 */
import { createHash } from 'node:crypto';
import {
  anonymousOption,
  commentField,
  evaluationLinkMessages,
  evaluationPrinciple,
  evaluationQuestions,
  MAX_COMMENT_LENGTH,
  overallQuestion,
  scores,
  scoreWords,
  type EvaluationInput,
  type EvaluationProblem,
} from '../shared/casefile/evaluation';

export type PageLang = 'ar' | 'en';

const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:"Noto Naskh Arabic","Noto Sans Arabic","Segoe UI",Tahoma,"Geeza Pro",Arial,sans-serif;font-size:18px;line-height:1.6;color:#1b1f24;background:#f3f6f6}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{padding:.5rem 0 1rem}
.assoc{margin:0;font-size:.95rem;color:#3d4a52}
h1{margin:.25rem 0 0;font-size:1.45rem;line-height:1.4}
.lang{float:inline-end;font-size:.95rem;color:#0b6b5f}
.note{background:#e3f4f1;border-inline-start:4px solid #0b8a7a;padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem}
.problem{background:#fdecec;border-inline-start:4px solid #c92a2a;padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem;color:#7d1212}
fieldset{border:1px solid #cfd8dc;border-radius:.75rem;background:#fff;margin:0 0 1rem;padding:.75rem 1rem 1rem}
fieldset.invalid{border-color:#c92a2a;border-width:2px}
legend{font-weight:700;padding:0 .25rem;font-size:1.05rem}
.req{color:#c92a2a}
.scale{display:grid;grid-template-columns:repeat(5,1fr);gap:.4rem;margin-top:.5rem}
.scale label{display:flex;flex-direction:column;align-items:center;justify-content:flex-start;gap:.2rem;min-height:4.6rem;padding:.5rem .2rem;border:2px solid #cfd8dc;border-radius:.6rem;text-align:center;font-size:.8rem;line-height:1.25;cursor:pointer;background:#fafcfc}
.scale input{width:1.5rem;height:1.5rem;margin:0;accent-color:#0b8a7a}
.scale .n{font-size:1.15rem;font-weight:700}
.scale label:has(input:checked){border-color:#0b8a7a;background:#e3f4f1}
.scale label:has(input:focus-visible){outline:3px solid #1c5fd6;outline-offset:2px}
.field-error{color:#b01f1f;font-weight:600;margin:.4rem 0 0}
label.block{display:block;font-weight:700;margin-bottom:.25rem}
.hint{display:block;font-size:.9rem;color:#4a5860;margin-bottom:.4rem}
textarea{width:100%;min-height:7rem;font:inherit;padding:.6rem;border:2px solid #cfd8dc;border-radius:.6rem;background:#fff}
textarea:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #1c5fd6;outline-offset:2px}
.check{display:flex;gap:.6rem;align-items:flex-start;font-weight:700}
.check input{width:1.6rem;height:1.6rem;flex:none;margin-top:.2rem;accent-color:#0b8a7a}
.check .hint{font-weight:400}
button{display:block;width:100%;margin:1.25rem 0 2rem;padding:1rem;font:inherit;font-size:1.15rem;font-weight:700;color:#fff;background:#0b7a6c;border:0;border-radius:.75rem;cursor:pointer}
.done{text-align:center;padding:2.5rem 1rem}
.done .mark{font-size:3rem;color:#0b8a7a;line-height:1}
footer{font-size:.85rem;color:#5b6770;text-align:center;padding:1rem 0 2rem}
@media (max-width:360px){.scale{gap:.25rem}.scale label{font-size:.7rem}}
`;

/** The CSP value: the inline style sheet above by its hash; no scripts, no other sources. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Security headers for every public page (no caching: a page names a one-time link). */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const words = {
  title: { ar: 'تقييم الخدمة', en: 'Service evaluation' },
  heading: { ar: 'قيّم خدمة «{service}»', en: 'Evaluate the service “{service}”' },
  headingNoService: { ar: 'قيّم الخدمة التي قُدّمت لك', en: 'Evaluate the service you received' },
  send: { ar: 'إرسال التقييم', en: 'Send the evaluation' },
  required: { ar: '(مطلوب)', en: '(required)' },
  fixErrors: { ar: 'لم يُرسل التقييم. صحّح ما هو مشار إليه أدناه ثم أرسل؛ إجاباتك محفوظة في الصفحة.', en: 'The evaluation was not sent. Correct what is marked below, then send; your answers are kept on the page.' },
  thanksTitle: { ar: 'شكرًا لك، وصل تقييمك', en: 'Thank you, your evaluation has arrived' },
  thanksBody: { ar: 'رأيك يساعدنا على تحسين خدماتنا. يمكنك إغلاق هذه الصفحة.', en: 'Your opinion helps us improve our services. You can close this page.' },
  cannotTitle: { ar: 'لا يمكن فتح التقييم', en: 'The evaluation cannot be opened' },
  otherLang: { ar: 'English', en: 'العربية' },
  footer: { ar: 'صفحة تقييم آمنة لا تطلب اسمك ولا تعرض بياناتك.', en: 'A secure evaluation page: it does not ask for your name or show your data.' },
} as const;

export interface PageContext {
  lang: PageLang;
  /** The page's own path (the form posts back to it), e.g. `/e/<token>`. */
  action: string;
  associationName?: string;
  serviceName?: string;
}

function other(lang: PageLang): PageLang {
  return lang === 'ar' ? 'en' : 'ar';
}

function shell(ctx: PageContext, title: string, body: string): string {
  const { lang } = ctx;
  const switchTo = other(lang);
  const switchHref = `${ctx.action}${switchTo === 'en' ? '?lang=en' : ''}`;
  return `<!doctype html>
<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<a class="lang" href="${escapeHtml(switchHref)}" lang="${switchTo}" hreflang="${switchTo}">${words.otherLang[lang]}</a>
${ctx.associationName ? `<p class="assoc">${escapeHtml(ctx.associationName)}</p>` : ''}
${body}
</main>
<footer>${words.footer[lang]}</footer>
</body>
</html>
`;
}

function scale(name: string, label: string, value: number | undefined | null, lang: PageLang, error: string | undefined, required: boolean): string {
  const legendId = `${name}-legend`;
  const errorId = `${name}-error`;
  const options = scores
    .map(
      (s) =>
        `<label><input type="radio" name="${name}" value="${s}"${value === s ? ' checked' : ''}${required && s === 1 ? ' required' : ''}><span class="n">${new Intl.NumberFormat(lang === 'ar' ? 'ar-u-nu-arab' : 'en').format(s)}</span><span>${escapeHtml(scoreWords[s][lang])}</span></label>`,
    )
    .join('');
  return `<fieldset${error ? ' class="invalid"' : ''} aria-labelledby="${legendId}"${error ? ` aria-describedby="${errorId}"` : ''} data-question="${name}">
<legend id="${legendId}">${escapeHtml(label)}${required ? ` <span class="req">${words.required[lang]}</span>` : ''}</legend>
<div class="scale">${options}</div>
${error ? `<p class="field-error" id="${errorId}" role="alert">${escapeHtml(error)}</p>` : ''}
</fieldset>`;
}

/** The form, with what was typed kept and each problem next to its field. */
export function formPage(ctx: PageContext, input: EvaluationInput, problems: readonly EvaluationProblem[] = []): string {
  const { lang } = ctx;
  const problemOf = (field: EvaluationProblem['field']) => {
    const p = problems.find((x) => x.field === field);
    return p ? (lang === 'ar' ? p.messageAr : p.messageEn) : undefined;
  };
  const record = problems.filter((p) => p.field === 'record');
  const heading = ctx.serviceName ? words.heading[lang].replace('{service}', ctx.serviceName) : words.headingNoService[lang];
  const commentError = problemOf('comment');
  const body = `<h1>${escapeHtml(heading)}</h1>
</header>
<p class="note">${escapeHtml(evaluationPrinciple[lang])}</p>
${problems.length > 0 ? `<p class="problem" role="alert" data-testid="form-problems">${escapeHtml(words.fixErrors[lang])}</p>` : ''}
${record.map((p) => `<p class="problem">${escapeHtml(lang === 'ar' ? p.messageAr : p.messageEn)}</p>`).join('')}
<form method="post" action="${escapeHtml(ctx.action)}${lang === 'en' ? '?lang=en' : ''}" accept-charset="utf-8" novalidate>
${scale('overall', overallQuestion[lang], input.overall, lang, problemOf('overall'), true)}
${evaluationQuestions.map((q) => scale(q.id, q[lang], input.answers[q.id], lang, undefined, false)).join('\n')}
<fieldset>
<label class="block" for="comment">${escapeHtml(commentField.label[lang])}</label>
<span class="hint" id="comment-hint">${escapeHtml(commentField.hint[lang])}</span>
<textarea id="comment" name="comment" maxlength="${MAX_COMMENT_LENGTH}" aria-describedby="comment-hint${commentError ? ' comment-error' : ''}"${commentError ? ' aria-invalid="true"' : ''}>${escapeHtml(input.comment)}</textarea>
${commentError ? `<p class="field-error" id="comment-error" role="alert">${escapeHtml(commentError)}</p>` : ''}
</fieldset>
<fieldset>
<label class="check"><input type="checkbox" name="anonymous" value="1"${input.anonymous ? ' checked' : ''} aria-describedby="anonymous-hint"><span>${escapeHtml(anonymousOption.label[lang])}<span class="hint" id="anonymous-hint">${escapeHtml(anonymousOption.hint[lang])}</span></span></label>
</fieldset>
<button type="submit">${words.send[lang]}</button>
</form>`;
  return shell(ctx, words.title[lang], body);
}

export function thanksPage(ctx: PageContext): string {
  const { lang } = ctx;
  return shell(
    ctx,
    words.thanksTitle[lang],
    `</header>
<section class="done" data-testid="evaluation-thanks">
<div class="mark" aria-hidden="true">✓</div>
<h1>${words.thanksTitle[lang]}</h1>
<p>${words.thanksBody[lang]}</p>
</section>`,
  );
}

export type RefusalKind = keyof typeof evaluationLinkMessages;

export function refusalPage(ctx: PageContext, kind: RefusalKind): string {
  const { lang } = ctx;
  return shell(
    ctx,
    words.cannotTitle[lang],
    `<h1>${words.cannotTitle[lang]}</h1>
</header>
<p class="problem" role="alert" data-refusal="${kind}">${escapeHtml(evaluationLinkMessages[kind][lang])}</p>`,
  );
}
