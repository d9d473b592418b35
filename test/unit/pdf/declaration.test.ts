import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDict, PDFDocument, PDFName, PDFArray, PDFRef } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDeclarationPdf, buildReceiptPdf, DocumentInputError, FIELD_LIMITS, type DeclarationPdf, type PdfAssets } from '../../../shared/pdf';
import {
  canonicalJson,
  generateDeviceSigningKey,
  readPdfEvidence,
  sha256Hex,
  utf8,
  verifyDeclaration,
  type DeclarationInput,
  type DeviceSigningKey,
  type KnownDeviceKeys,
} from '../../../shared/declaration';
import { loadPdfAssets, sampleDeclaration, signaturePng, STATEMENT } from './fixtures';

const ARTIFACTS = join(import.meta.dirname, '../../../artifacts/pdf');
const tmp = mkdtempSync(join(tmpdir(), 'sila-pdf-'));

/**
 * Normalisation for comparing extracted text with field values:
 *  - poppler wraps right-to-left lines and left-to-right runs in bidi embedding marks
 *    (U+202A..U+202E); removed;
 *  - whitespace is removed entirely: `-layout` pads columns and table cells with spaces, and a
 *    value may legitimately wrap across lines of its cell;
 *  - round brackets are removed: poppler's reorderText() puts a neutral character that sits
 *    visually left of a left-to-right run at the start of that run, so "(Al Noor Trading Co.)" in
 *    an Arabic line extracts as "( )Al Noor Trading Co." although it is drawn correctly (checked in
 *    the PNG). Every letter and digit must still be present and in logical order.
 */
function norm(s: string): string {
  return s.replace(/[\u202a-\u202e\u200e\u200f\u200d]/g, '').replace(/[()]/g, '').replace(/\s+/g, '');
}

/**
 * Values that fit on one line must be found contiguous (after `norm`). A value that wraps inside its
 * table cell (longer than 60 characters: here the request description) must have all its words, each
 * contiguous, in logical order: `-layout` prints the cell's label on the same text line, between the value's first
 * and second line, and plain mode may emit a short last line of a cell as its own block.
 */
function missingValues(extracted: string, values: string[]): string[] {
  const all = norm(extracted);
  return values.filter((v) => {
    if (all.includes(norm(v))) return false;
    if (v.length <= 60) return true;
    let at = 0;
    for (const w of v.split(/\s+/).map(norm)) {
      at = all.indexOf(w, at);
      if (at < 0) return true;
      at += w.length;
    }
    return false;
  });
}

function pdftotext(file: string, layout: boolean): string {
  return execFileSync('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

let assets: PdfAssets;
let device: DeviceSigningKey;
let known: KnownDeviceKeys;
let signed: DeclarationPdf;
let input: DeclarationInput;
let signedFile: string;

beforeAll(async () => {
  assets = loadPdfAssets();
  device = await generateDeviceSigningKey();
  known = { [device.keyId]: device.publicKeySpki };
  input = sampleDeclaration();
  signed = await buildDeclarationPdf(input, { variant: 'signed', signaturePng: signaturePng(), device }, assets);
  signedFile = join(tmp, 'declaration.pdf');
  writeFileSync(signedFile, signed.pdf);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, 'declaration-signed.pdf'), signed.pdf);
});

function fieldValues(d: DeclarationInput): string[] {
  const b = d.data.beneficiary;
  return [
    d.reference,
    d.association.name,
    ...(d.association.licenceNumber ? [d.association.licenceNumber] : []),
    b.fullName,
    b.nationalId,
    b.mobile,
    b.email ?? '',
    b.iban ?? '',
    b.employer ?? '',
    b.address ?? '',
    b.dateOfBirth ?? '',
    d.data.household.monthlyIncome ?? '',
    ...d.data.household.members.flatMap((m) => [m.name, m.relation, m.nationalId ?? '']),
    d.data.request.type,
    d.data.request.description,
    d.data.service.name,
    d.data.channel.name,
    ...d.data.documents.flatMap((x) => [x.name, x.note ?? '']),
    d.applicant.name,
    d.employee.name,
    d.employee.role,
    d.place,
    '6 رمضان 1446 هـ',
    '6 مارس 2025 م',
    'صفحة 1 من 2',
    'صفحة 2 من 2',
  ].filter((v) => v !== '');
}

describe('declaration PDF: text', () => {
  it('extracts every field value in logical order with pdftotext (-layout and plain)', () => {
    for (const layout of [true, false]) {
      expect(missingValues(pdftotext(signedFile, layout), fieldValues(input)), `layout=${layout}`).toEqual([]);
    }
  });

  it('extracts the statement paragraph in logical order', () => {
    for (const layout of [false, true]) expect(norm(pdftotext(signedFile, layout))).toContain(norm(STATEMENT));
  });

  it('keeps left-to-right values in their own order (not reversed) on the page', () => {
    const raw = pdftotext(signedFile, false);
    expect(raw).toContain('+966 50 123 4567');
    expect(raw).toContain('SA03 8000 0000 6080 1016 7519');
    expect(raw).toContain('mohammed.laafi@example.com');
    expect(raw).toContain('Al Noor Trading Co.');
    expect(raw).toContain('محمّد بن عبدالله لافي العتيبي');
  });

  it('extracts words with short vowels and shadda exactly (no tolerance)', () => {
    const raw = pdftotext(signedFile, false);
    for (const word of ['محمّد', 'قُدِّم', 'يُستكمل', 'لاحقًا', 'صُرف', 'وُقّع', 'مسؤولية']) expect(raw).toContain(word);
    // Amiri draws "إ" as two glyphs (alef + hamza below): one carries the letter, the other U+200D,
    // which copy/paste keeps as an invisible joiner; only that character is ignored here.
    expect(raw.replace(/\u200d/g, '')).toContain('إلكترونيًا');
  });

  it('sets Arabic metadata, language, reading direction and a subset font', async () => {
    const info = execFileSync('pdfinfo', [signedFile], { encoding: 'utf8' });
    expect(info).toContain('Title:           إقرار بصحة البيانات — DEC-1447-000123');
    expect(info).toContain('Author:          جمعية أناة البيت للإسكان التنموي');
    expect(info).toContain(`sha256:${signed.snapshotSha256}`);
    expect(info).toMatch(/Pages:\s+2/);
    const doc = await PDFDocument.load(signed.pdf);
    expect(String(doc.catalog.lookup(PDFName.of('Lang')))).toContain('ar-SA');
    expect(doc.catalog.getViewerPreferences()?.getReadingDirection()).toBe('R2L');
    const fonts = execFileSync('pdffonts', [signedFile], { encoding: 'utf8' });
    expect(fonts).toMatch(/[A-Z]{6}\+Amiri-Regular\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    expect(signed.pdf.length).toBeLessThan(120_000);
  });

  it('renders page 1 and 2 to PNG for a visual check (artifacts/pdf/)', () => {
    execFileSync('pdftoppm', ['-png', '-r', '80', signedFile, join(ARTIFACTS, 'declaration-signed')]);
    expect(existsSync(join(ARTIFACTS, 'declaration-signed-1.png'))).toBe(true);
    // poppler renders without errors (empty stderr)
    const out = execFileSync('pdftoppm', ['-png', '-r', '30', '-f', '1', '-l', '1', signedFile, join(tmp, 'p')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('');
  });
});

describe('declaration PDF: tamper evidence', () => {
  it('attaches the canonical snapshot byte for byte; its hash is in the metadata and the QR payload', async () => {
    const ev = await readPdfEvidence(signed.pdf);
    expect(ev.attachment?.bytes).toEqual(signed.snapshotBytes);
    expect(new TextDecoder().decode(ev.attachment?.bytes)).toBe(canonicalJson(signed.snapshot));
    expect(await sha256Hex(ev.attachment?.bytes ?? new Uint8Array())).toBe(ev.metadataSha256);
    expect(ev.qrPayload).toBe(signed.qrPayload);
    // and with poppler's own tool
    execFileSync('pdfdetach', ['-saveall', '-o', tmp, signedFile]);
    const detached = readFileSync(join(tmp, 'declaration-DEC-1447-000123.json'));
    expect(new Uint8Array(detached)).toEqual(signed.snapshotBytes);
    expect(signed.snapshot.data).toEqual(JSON.parse(canonicalJson(input.data)));
  });

  it('verifies as authentic and current against unchanged data', async () => {
    const r = await verifyDeclaration({ pdf: signed.pdf }, input.data, known);
    expect(r.status).toBe('authentic_current');
    const q = await verifyDeclaration({ qrPayload: signed.qrPayload }, input.data, known);
    expect(q.status).toBe('authentic_current');
  });

  it('reports stale when a field of the record changed since, naming the field', async () => {
    const current = structuredClone(input.data);
    current.beneficiary.mobile = '+966 55 999 0000';
    const r = await verifyDeclaration({ pdf: signed.pdf }, current, known);
    expect(r.status).toBe('authentic_stale');
    expect(r.changedFields).toEqual(['beneficiary.mobile']);
    expect(r.reason.ar).toContain('إقرارًا جديدًا');
    expect((await verifyDeclaration({ qrPayload: signed.qrPayload }, current, known)).status).toBe('authentic_stale');
  });

  it('detects a forged QR payload (hash swapped, signature kept)', async () => {
    const other = structuredClone(input.data);
    other.household.membersCount = 9;
    const parts = signed.qrPayload.split('.');
    const forgedHash = Buffer.from(await sha256Hex(utf8(canonicalJson(other))), 'hex').toString('base64url');
    parts[4] = forgedHash;
    const r = await verifyDeclaration({ qrPayload: parts.join('.') }, other, known);
    expect(r.status).toBe('altered');
    expect(r.reason.en).toMatch(/signature/);
    expect((await verifyDeclaration({ qrPayload: 'SILA1.garbage' }, input.data, known)).status).toBe('altered');
  });

  it('detects a PDF whose attached data was edited', async () => {
    const doc = await PDFDocument.load(signed.pdf);
    const names = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('EmbeddedFiles'), PDFDict).lookup(PDFName.of('Names'), PDFArray);
    const spec = names.lookup(1, PDFDict);
    const ef = spec.lookup(PDFName.of('EF'), PDFDict);
    const ref = ef.get(PDFName.of('F'));
    expect(ref).toBeInstanceOf(PDFRef);
    const edited = structuredClone(signed.snapshot);
    edited.data.beneficiary.iban = 'SA44 2000 0001 2345 6789 1234';
    doc.context.assign(ref as PDFRef, doc.context.flateStream(utf8(canonicalJson(edited)), { Type: 'EmbeddedFile', Subtype: 'application/json' }));
    const tampered = await doc.save();
    const r = await verifyDeclaration({ pdf: tampered }, edited.data, known);
    expect(r.status).toBe('altered');
    // also when the attacker updates the hash in the metadata: the signed QR payload still disagrees
    const r2 = await verifyDeclaration({ pdf: tampered }, input.data, known);
    expect(r2.status).toBe('altered');
  });

  it('reports an unknown device, and altered when the key on file does not match', async () => {
    const r = await verifyDeclaration({ pdf: signed.pdf }, input.data, {});
    expect(r.status).toBe('unknown_device');
    expect(r.deviceKeyId).toBe(device.keyId);
    const impostor = await generateDeviceSigningKey();
    const wrongKey = await verifyDeclaration({ pdf: signed.pdf }, input.data, { [device.keyId]: impostor.publicKeySpki });
    expect(wrongKey.status).toBe('altered');
  });
});

describe('blank declaration and receipt', () => {
  it('prints the blank declaration with the data and empty signature boxes', async () => {
    const blank = await buildDeclarationPdf(input, { variant: 'blank', device }, assets);
    const file = join(tmp, 'blank.pdf');
    writeFileSync(file, blank.pdf);
    writeFileSync(join(ARTIFACTS, 'declaration-blank.pdf'), blank.pdf);
    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(ARTIFACTS, 'declaration-blank')]);
    expect(missingValues(pdftotext(file, true), fieldValues(input))).toEqual([]);
    const text = norm(pdftotext(file, false));
    expect(blank.snapshot.signature).toEqual({ kind: 'wet' });
    expect(text).not.toContain(norm('وُقّع إلكترونيًا'));
  });

  it('prints the receipt with dates, next steps and contacts', async () => {
    const a = input.association;
    const pdf = await buildReceiptPdf(
      { reference: 'REQ-1447-000321', association: a, beneficiaryName: input.data.beneficiary.fullName, service: 'الإسكان التنموي', submittedAt: '2025-03-06T09:30:00Z', earliestReplyAt: '2025-03-20T09:30:00Z' },
      assets,
    );
    const file = join(tmp, 'receipt.pdf');
    writeFileSync(file, pdf);
    writeFileSync(join(ARTIFACTS, 'receipt.pdf'), pdf);
    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(ARTIFACTS, 'receipt')]);
    const text = norm(pdftotext(file, true));
    for (const v of ['REQ-1447-000321', 'إيصال استلام طلب', '6 رمضان 1446 هـ', '20 رمضان 1446 هـ', '20 مارس 2025 م', a.phone ?? '', a.email ?? '', 'لا تقل عن 14 يومًا', 'صفحة 1 من 1']) {
      expect(text, v).toContain(norm(v));
    }
  });

  it('refuses a reply date sooner than 14 days', async () => {
    await expect(
      buildReceiptPdf({ reference: 'REQ-1', association: input.association, beneficiaryName: 'سعد', service: 'خدمة', submittedAt: '2025-03-06T09:30:00Z', earliestReplyAt: '2025-03-10T09:30:00Z' }, assets),
    ).rejects.toMatchObject({ field: 'earliestReplyAt' });
  });
});

describe('bad input', () => {
  const expectError = async (mutate: (d: DeclarationInput) => void, field: string, problem: string, variant: 'signed' | 'blank' = 'signed'): Promise<DocumentInputError> => {
    const d = sampleDeclaration();
    mutate(d);
    const err = await buildDeclarationPdf(d, { variant, signaturePng: signaturePng(), device }, assets).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DocumentInputError);
    const e = err as DocumentInputError;
    expect(e.field).toBe(field);
    expect(e.problem).toBe(problem);
    expect(e.messageAr).toContain(field);
    expect(e.messageAr).toMatch(/[\u0600-\u06ff]/);
    expect(e.messageEn).toContain(field);
    return e;
  };

  it('refuses a signed declaration without a signature', async () => {
    const err = await buildDeclarationPdf(sampleDeclaration(), { variant: 'signed', device }, assets).catch((e: unknown) => e);
    expect(err).toMatchObject({ field: 'signature', problem: 'missing_signature' });
    expect((err as DocumentInputError).messageAr).toContain('التوقيع');
  });

  it('refuses a damaged signature image without returning a PDF', async () => {
    // (pdf-lib's PNG decoder never returns on this truncated file: it must not get there)
    for (const broken of [signaturePng().slice(0, 60), signaturePng().slice(0, -12), Uint8Array.from(signaturePng(), (b, i) => (i === 50 ? b ^ 1 : b))]) {
      const err = await buildDeclarationPdf(sampleDeclaration(), { variant: 'signed', signaturePng: broken, device }, assets).catch((e: unknown) => e);
      expect(err).toMatchObject({ field: 'signature', problem: 'invalid' });
    }
  });

  it('refuses an over-long field', async () => {
    await expectError((d) => (d.data.beneficiary.fullName = 'م'.repeat(FIELD_LIMITS.name + 1)), 'data.beneficiary.fullName', 'too_long');
    await expectError((d) => (d.data.request.description = 'وصف '.repeat(600)), 'data.request.description', 'too_long');
  });

  it('refuses characters the font cannot draw and control characters', async () => {
    const e = await expectError((d) => (d.data.beneficiary.address = 'الرياض 🏠'), 'data.beneficiary.address', 'unsupported_character');
    expect(e.messageEn).toContain('U+1F3E0');
    await expectError((d) => (d.data.household.members[1]!.name = 'لافي\u0007'), 'data.household.members[1].name', 'control_character');
    await expectError((d) => (d.applicant.name = 'سطر\nثان'), 'applicant.name', 'control_character');
  });

  it('refuses a profile without a declaration statement', async () => {
    await expectError((d) => (d.statement = undefined), 'statement.text', 'missing_statement', 'blank');
    await expectError((d) => (d.statement = { text: '   ' }), 'statement.text', 'missing_statement', 'blank');
  });

  it("prints a real policy profile's declaration statement (shared/policy/profiles)", async () => {
    const profile = JSON.parse(readFileSync(join(import.meta.dirname, '../../../shared/policy/profiles/anat-al-bayt.json'), 'utf8')) as {
      version: number;
      association: { nameAr: string; licenceNumber: string };
      declaration: { textAr: string };
    };
    const d = sampleDeclaration();
    d.association = { name: profile.association.nameAr, licenceNumber: profile.association.licenceNumber };
    d.statement = { text: profile.declaration.textAr, policyVersion: String(profile.version) };
    const r = await buildDeclarationPdf(d, { variant: 'blank', device }, assets);
    const file = join(tmp, 'profile.pdf');
    writeFileSync(file, r.pdf);
    expect(norm(pdftotext(file, true))).toContain(norm(profile.declaration.textAr));
    expect(r.snapshot.statement.text).toBe(profile.declaration.textAr);
  });

  it('strips bidi control marks instead of refusing them', async () => {
    const d = sampleDeclaration();
    d.place = '\u200fمكة المكرمة\u200f';
    const r = await buildDeclarationPdf(d, { variant: 'blank', device }, assets);
    expect(r.pdf.length).toBeGreaterThan(1000);
  });
});

describe('QR code and long data', () => {
  it('prints a QR code that scans back to the signed payload and verifies', async () => {
    const { default: jsQR } = await import('jsqr');
    const base = join(tmp, 'qr');
    execFileSync('pdftoppm', ['-r', '150', '-f', '1', '-l', '1', '-x', '0', '-y', '0', '-W', '400', '-H', '400', signedFile, base]);
    const ppm = readFileSync(`${base}-1.ppm`);
    // P6 header: "P6\n<w> <h>\n255\n"
    const header = ppm.subarray(0, 20).toString('latin1').split(/\s+/);
    const w = Number(header[1]);
    const h = Number(header[2]);
    const offset = ppm.length - w * h * 3;
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      rgba[i * 4] = ppm[offset + i * 3] ?? 0;
      rgba[i * 4 + 1] = ppm[offset + i * 3 + 1] ?? 0;
      rgba[i * 4 + 2] = ppm[offset + i * 3 + 2] ?? 0;
      rgba[i * 4 + 3] = 255;
    }
    const code = jsQR(rgba, w, h);
    expect(code?.data).toBe(signed.qrPayload);
    expect((await verifyDeclaration({ qrPayload: code?.data ?? '' }, input.data, known)).status).toBe('authentic_current');
  });

  it('flows long data onto more pages with consistent page numbers', async () => {
    const d = sampleDeclaration();
    d.data.household.members = Array.from({ length: 30 }, (_, i) => ({ name: `فرد رقم ${i + 1} بن محمّد لافي`, relation: 'ابن', nationalId: String(1000000000 + i * 7919), age: i + 1 }));
    d.data.household.membersCount = 32;
    const r = await buildDeclarationPdf(d, { variant: 'signed', signaturePng: signaturePng(), device }, assets);
    const file = join(tmp, 'long.pdf');
    writeFileSync(file, r.pdf);
    writeFileSync(join(ARTIFACTS, 'declaration-long.pdf'), r.pdf);
    execFileSync('pdftoppm', ['-png', '-r', '80', file, join(ARTIFACTS, 'declaration-long')]);
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))?.[1]);
    expect(pages).toBeGreaterThanOrEqual(3);
    const text = norm(pdftotext(file, true));
    for (let p = 1; p <= pages; p++) expect(text).toContain(norm(`صفحة ${p} من ${pages}`));
    for (const m of d.data.household.members) expect(text).toContain(norm(m.name));
    // the table header is repeated on each page the table continues on
    const perPage = execFileSync('pdftotext', ['-layout', '-f', '2', '-l', '2', file, '-'], { encoding: 'utf8' });
    expect(norm(perPage)).toContain(norm('صلة القرابة'));
  });
});

describe('association without a licence number in its policy (Yusr)', () => {
  it('prints no licence line rather than a placeholder', async () => {
    const d = sampleDeclaration();
    const { licenceNumber: _omitted, ...association } = d.association;
    const built = await buildDeclarationPdf({ ...d, association }, { variant: 'blank', device }, assets);
    const file = join(tmp, 'declaration-no-licence.pdf');
    writeFileSync(file, built.pdf);
    const text = pdftotext(file, false);
    expect(norm(text)).toContain(norm(d.association.name));
    expect(text).not.toContain('غير الربحي رقم');
  });
});
