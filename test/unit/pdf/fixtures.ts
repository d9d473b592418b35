// Node-side loading of the PDF assets (the renderer loads the same files from the app's origin),
// and a declaration whose data mixes Arabic with IDs, phones, e-mail, IBAN and Latin text.
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import type { PdfAssets } from '../../../shared/pdf';
import type { DeclarationInput } from '../../../shared/declaration';

const nm = join(import.meta.dirname, '../../../node_modules');

export function loadPdfAssets(): PdfAssets {
  return {
    harfbuzzWasm: new Uint8Array(readFileSync(join(nm, 'harfbuzzjs/dist/harfbuzz.wasm'))),
    fonts: {
      regular: new Uint8Array(readFileSync(join(nm, '@expo-google-fonts/amiri/400Regular/Amiri_400Regular.ttf'))),
      bold: new Uint8Array(readFileSync(join(nm, '@expo-google-fonts/amiri/700Bold/Amiri_700Bold.ttf'))),
    },
  };
}

export const STATEMENT =
  'أقر أنا الموقع أدناه بأن جميع البيانات المدونة في هذا الإقرار والمستندات المرفقة صحيحة وكاملة، وأنني مسؤول مسؤولية مباشرة عن صحتها، ' +
  'وأتعهد بإبلاغ الجمعية بأي تغيير يطرأ عليها، وأعلم أن للجمعية الحق في إلغاء الطلب واسترداد ما صُرف لي إذا ثبت خلاف ذلك، ' +
  'وأوافق على استخدام بياناتي لغرض دراسة طلبي وتقديم الخدمة وفق نظام حماية البيانات الشخصية.';

export function sampleDeclaration(): DeclarationInput {
  return {
    reference: 'DEC-1447-000123',
    declaredAt: '2025-03-06T09:30:00Z',
    association: { name: 'جمعية أناة البيت للإسكان التنموي', licenceNumber: '1000734200', phone: '+966 11 234 5678', email: 'care@anat-albayt.org.sa', website: 'https://anat-albayt.org.sa', address: 'الرياض، حي النرجس' },
    statement: { text: STATEMENT, policyVersion: '1446-09' },
    data: {
      beneficiary: {
        fullName: 'محمّد بن عبدالله لافي العتيبي',
        nationalId: '1012345678',
        nationality: 'سعودي',
        dateOfBirth: '1988-04-12',
        maritalStatus: 'متزوج',
        mobile: '+966 50 123 4567',
        email: 'mohammed.laafi@example.com',
        iban: 'SA03 8000 0000 6080 1016 7519',
        address: 'مكة المكرمة، حي العوالي، شارع 15',
        employer: 'شركة النور للتجارة (Al Noor Trading Co.)',
      },
      household: {
        membersCount: 5,
        monthlyIncome: '4500 ريال',
        housing: 'شقة مستأجرة',
        members: [
          { name: 'نورة بنت سعد القحطاني', relation: 'زوجة', nationalId: '1098765432', age: 34 },
          { name: 'لافي محمّد العتيبي', relation: 'ابن', nationalId: '1122334455', age: 12 },
          { name: 'سارة محمّد العتيبي', relation: 'ابنة', age: 9 },
          { name: 'عبدالله محمّد العتيبي', relation: 'ابن', age: 6 },
        ],
      },
      request: { type: 'دعم سكني', description: 'طلب مساعدة في سداد إيجار السكن لمدة ستة أشهر بسبب انقطاع الدخل، مع الإحالة إلى برنامج الإسكان التنموي.' },
      service: { name: 'الإسكان التنموي' },
      channel: { name: 'مناديب المكاتب الفرعية' },
      documents: [
        { name: 'صورة الهوية الوطنية', presented: true, verified: true },
        { name: 'عقد الإيجار', presented: true, verified: true, note: 'عقد إيجار رقم 20250112' },
        { name: 'تعريف بالراتب', presented: true, verified: false, note: 'يُستكمل لاحقًا' },
      ],
    },
    applicant: { name: 'محمّد بن عبدالله لافي العتيبي', relationToBeneficiary: 'المستفيد نفسه' },
    employee: { name: 'خالد إبراهيم الزهراني', role: 'مندوب المكتب الفرعي' },
    place: 'مكة المكرمة',
  };
}

/** A small PNG with transparency: a drawn stroke on a transparent background (RGBA). */
export function signaturePng(width = 240, height = 80): Uint8Array {
  const raw = new Uint8Array((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const cy = height / 2 + Math.sin(x / 14) * (height / 4) * Math.cos(x / 50);
      const on = Math.abs(y - cy) < 2.2 && x > 10 && x < width - 10;
      const o = y * (width * 4 + 1) + 1 + x * 4;
      raw[o] = 20;
      raw[o + 1] = 40;
      raw[o + 2] = 120;
      raw[o + 3] = on ? 255 : 0;
    }
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Uint8Array): number => {
    let c = 0xffffffff;
    for (const b of buf) c = (crcTable[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    dv.setUint32(8 + data.length, crc(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const total = parts.reduce((s, p) => s + p.length, 0);
  const png = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    png.set(p, at);
    at += p.length;
  }
  return png;
}
