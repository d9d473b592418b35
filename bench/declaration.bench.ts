// Declaration PDF: pdf-lib + HarfBuzz (shared/pdf) versus headless Chromium printing the same
// content from HTML with page.pdf() on an already-open page (same Amiri fonts via @font-face).
// Run: npx tsx bench/declaration.bench.ts   (figures, not pass/fail)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { chromium } from 'playwright-core';
import { buildDeclarationPdf, formatHijriAndGregorian } from '../shared/pdf';
import { generateDeviceSigningKey, type DeclarationInput } from '../shared/declaration';
import { loadPdfAssets, sampleDeclaration, signaturePng } from '../test/unit/pdf/fixtures';

const RUNS = 20;
const WARMUP = 3;

function stats(ms: number[]): { median: number; p90: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { median: at(0.5), p90: at(0.9) };
}

const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function html(d: DeclarationInput, qrPayload: string, png: Uint8Array): string {
  const nm = join(import.meta.dirname, '../node_modules/@expo-google-fonts/amiri');
  const font = (f: string): string => readFileSync(join(nm, f)).toString('base64');
  const qr = QRCode.create(qrPayload, { errorCorrectionLevel: 'M' }).modules;
  let path = '';
  for (let r = 0; r < qr.size; r++) for (let c = 0; c < qr.size; c++) if (qr.get(r, c)) path += `M${c + 2} ${r + 2}h1v1h-1z`;
  const b = d.data.beneficiary;
  const kv = (rows: Array<[string, string]>): string =>
    `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td><bdi>${esc(v)}</bdi></td></tr>`).join('')}</table>`;
  const tbl = (h: string[], rows: string[][]): string =>
    `<table class="t"><tr>${h.map((x) => `<th>${esc(x)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.map((x) => `<td><bdi>${esc(x)}</bdi></td>`).join('')}</tr>`).join('')}</table>`;
  return `<!doctype html><html lang="ar-SA" dir="rtl"><head><meta charset="utf-8"><style>
@font-face{font-family:Amiri;font-weight:400;src:url(data:font/ttf;base64,${font('400Regular/Amiri_400Regular.ttf')})}
@font-face{font-family:Amiri;font-weight:700;src:url(data:font/ttf;base64,${font('700Bold/Amiri_700Bold.ttf')})}
@page{size:A4;margin:40px 40px 58px}
body{font-family:Amiri;font-size:10.5pt;margin:0}
h1{font-size:15pt;color:#1a403a;margin:0}.lic{color:#595959;font-size:10pt}.title{text-align:center;font-size:18pt;font-weight:700;border-bottom:1px solid #1a403a}
h2{background:#eef2f0;font-size:12pt;padding:2px 6px;margin:8px 0 2px}
table{width:100%;border-collapse:collapse}td,th{border:.5pt solid #b3b8b8;padding:3px 4px;text-align:right}
.kv th{width:150pt;background:#f9fafa;color:#595959}.t th{background:#eef2f0}
.qr{float:left;width:88pt}.sig{display:flex;gap:16pt}.sig div{flex:1;border:.5pt solid #999;height:118pt;padding:4pt}
</style></head><body>
<svg class="qr" viewBox="0 0 ${qr.size + 4} ${qr.size + 4}"><rect width="100%" height="100%" fill="#fff"/><path d="${path}"/></svg>
<h1>${esc(d.association.name)}</h1><div class="lic">ترخيص المركز الوطني لتنمية القطاع غير الربحي رقم ${esc(d.association.licenceNumber ?? "")}</div>
<div class="title">إقرار بصحة البيانات</div>
${kv([['الرقم المرجعي', d.reference], ['التاريخ', formatHijriAndGregorian(new Date(d.declaredAt))], ['المكان', d.place]])}
<h2>بيانات المستفيد</h2>${kv([['الاسم الكامل', b.fullName], ['رقم الهوية / الإقامة', b.nationalId], ['الجنسية', b.nationality ?? ''], ['تاريخ الميلاد', b.dateOfBirth ?? ''], ['الحالة الاجتماعية', b.maritalStatus ?? ''], ['رقم الجوال', b.mobile], ['البريد الإلكتروني', b.email ?? ''], ['رقم الحساب البنكي (IBAN)', b.iban ?? ''], ['العنوان', b.address ?? ''], ['جهة العمل / مصدر الدخل', b.employer ?? '']])}
<h2>بيانات الأسرة</h2>${kv([['عدد أفراد الأسرة', String(d.data.household.membersCount)], ['الدخل الشهري', d.data.household.monthlyIncome ?? ''], ['السكن', d.data.household.housing ?? '']])}
${tbl(['م', 'الاسم', 'صلة القرابة', 'رقم الهوية', 'العمر'], d.data.household.members.map((m, i) => [String(i + 1), m.name, m.relation, m.nationalId ?? '—', String(m.age ?? '—')]))}
<h2>بيانات الطلب</h2>${kv([['نوع الطلب', d.data.request.type], ['وصف الطلب', d.data.request.description], ['الخدمة', d.data.service.name], ['قناة التواصل', d.data.channel.name]])}
<h2>المستندات المقدمة والتحقق منها</h2>${tbl(['م', 'المستند', 'قُدِّم', 'تم التحقق', 'ملاحظة'], d.data.documents.map((x, i) => [String(i + 1), x.name, x.presented ? 'نعم' : 'لا', x.verified ? 'نعم' : 'لا', x.note ?? '—']))}
<h2>الإقرار</h2><p style="font-size:11.5pt">${esc(d.statement?.text ?? '')}</p>
<div class="sig"><div><b>مقدم الطلب</b><br>الاسم: ${esc(d.applicant.name)}<br>الصفة: ${esc(d.applicant.relationToBeneficiary ?? '')}<br>التوقيع: <img style="height:48pt" src="data:image/png;base64,${Buffer.from(png).toString('base64')}"></div>
<div><b>الموظف المستلم</b><br>الاسم: ${esc(d.employee.name)}<br>الوظيفة: ${esc(d.employee.role)}<br>التوقيع:<br>(وُقّع إلكترونيًا على جهاز الجمعية)</div></div>
</body></html>`;
}

async function main(): Promise<void> {
  const assets = loadPdfAssets();
  const device = await generateDeviceSigningKey();
  const input = sampleDeclaration();
  const png = signaturePng();

  let ours: Uint8Array = new Uint8Array();
  for (let i = 0; i < WARMUP; i++) ours = (await buildDeclarationPdf(input, { variant: 'signed', signaturePng: png, device }, assets)).pdf;
  const oursMs: number[] = [];
  let qrPayload = '';
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await buildDeclarationPdf(input, { variant: 'signed', signaturePng: png, device }, assets);
    oursMs.push(performance.now() - t);
    ours = r.pdf;
    qrPayload = r.qrPayload;
  }

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  let chrome: Uint8Array = new Uint8Array();
  const chromeMs: number[] = [];
  try {
    const page = await browser.newPage();
    await page.setContent(html(input, qrPayload, png), { waitUntil: 'load' });
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    const print = async (): Promise<Uint8Array> => new Uint8Array(await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true }));
    for (let i = 0; i < WARMUP; i++) chrome = await print();
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      chrome = await print();
      chromeMs.push(performance.now() - t);
    }
  } finally {
    await browser.close();
  }

  // Both outputs are kept for a side-by-side look (artifacts/ is not committed).
  const out = join(import.meta.dirname, '../artifacts/pdf');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'bench-ours.pdf'), ours);
  writeFileSync(join(out, 'bench-chromium.pdf'), chrome);

  const o = stats(oursMs);
  const c = stats(chromeMs);
  const f = (v: number): string => v.toFixed(1).padStart(7);
  console.log(`declaration PDF, ${RUNS} warm runs each (after ${WARMUP} warm-up runs)`);
  console.log(`                        median ms   p90 ms    bytes`);
  console.log(`pdf-lib + HarfBuzz       ${f(o.median)}  ${f(o.p90)}  ${String(ours.length).padStart(7)}`);
  console.log(`Chromium page.pdf()      ${f(c.median)}  ${f(c.p90)}  ${String(chrome.length).padStart(7)}`);
  console.log(`ratio (Chromium / ours)  speed ×${(c.median / o.median).toFixed(2)}  size ×${(chrome.length / ours.length).toFixed(2)}`);
}

await main();
