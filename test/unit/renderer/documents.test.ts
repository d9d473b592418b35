/**
 * Issue 7 item 4 — the pure helpers of the documents step: which files may become a scan (by
 * magic bytes and size), quarter-turn and crop arithmetic, Hijri/Gregorian date input, and the
 * mapping of the form to a `documents` record and its verification result.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkScanFile,
  MAX_SCAN_BYTES,
  sha256Hex,
  sniffScanType,
} from '../../../renderer/src/features/documents/scanFile';
import {
  clampCrop,
  dragCrop,
  fullCrop,
  isFullCrop,
  MIN_CROP,
  rotatePoint,
  rotatedSize,
  rotationTransform,
  turn,
  type CropHandle,
  type QuarterTurn,
} from '../../../renderer/src/features/documents/imageGeometry';
import {
  dateToInputText,
  interpretDateInput,
  otherCalendarDate,
  switchDateCalendar,
} from '../../../renderer/src/features/documents/dateInput';
import {
  blockingIssues,
  emptyDraft,
  expiryReferenceInstant,
  expiryStatus,
  prepareDocument,
  recordVerification,
  type DocumentDraft,
} from '../../../renderer/src/features/documents/documentRecord';
import { cameraProblemOf } from '../../../renderer/src/features/documents/imageEdit';
import { generateNationalId } from '../../../shared/identity/nationalId';
import { documentConsistencyChecks, requiredDocumentsChecklist } from '../../../shared/casefile';
import { policyProfilesById } from '../../../shared/policy';
import type { Beneficiary } from '../../../shared/schema';

/** Complete little files of each type (the store refuses a file cut off before its end marker). */
const PNG = [
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
  0x60, 0x82,
];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 16, 0xff, 0xd9];
const WEBP = [0x52, 0x49, 0x46, 0x46, 6, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50];
const PDF = [...'%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n'].map((c) => c.charCodeAt(0));

describe('scan files are recognised by their bytes', () => {
  it('recognises PNG, JPEG, WebP and PDF signatures', () => {
    expect(sniffScanType(new Uint8Array(PNG))).toBe('image/png');
    expect(sniffScanType(new Uint8Array(JPEG))).toBe('image/jpeg');
    expect(sniffScanType(new Uint8Array(WEBP))).toBe('image/webp');
    expect(sniffScanType(new Uint8Array(PDF))).toBe('application/pdf');
    for (const f of [PNG, JPEG, WEBP, PDF])
      expect(checkScanFile('f', new Uint8Array(f)).ok).toBe(true);
  });

  it('refuses other files whatever their name says', () => {
    const exe = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]); // MZ (a Windows program)
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 20, 0]);
    const gif = new Uint8Array([...'GIF89a'].map((c) => c.charCodeAt(0)));
    const riffWave = new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x41, 0x56, 0x45]);
    for (const [name, bytes] of [
      ['scan.png', exe],
      ['id.jpg', zip],
      ['card.webp', gif],
      ['x.webp', riffWave],
    ] as const) {
      const r = checkScanFile(name, bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe('unsupported_type');
        expect(r.messageAr).toContain(name);
        expect(r.messageAr).toMatch(/PNG أو JPEG أو WebP/);
      }
    }
    expect(sniffScanType(new Uint8Array(PNG.slice(0, 7)))).toBeNull(); // truncated signature
  });

  it('refuses a file cut off before its end (an interrupted copy)', () => {
    const cut = checkScanFile('half.jpg', new Uint8Array(JPEG.slice(0, 5)));
    expect(cut.ok === false && cut.code).toBe('truncated');
    expect(cut.ok === false && cut.messageAr).toMatch(/غير مكتمل/);
  });

  it('accepts a file by its content even with a misleading extension', () => {
    const r = checkScanFile('photo.pdf', new Uint8Array(JPEG));
    expect(r).toEqual({ ok: true, mimeType: 'image/jpeg', sizeBytes: JPEG.length });
  });

  it('refuses empty files and files over 10 MB with an Arabic message saying what to do', () => {
    const empty = checkScanFile('a.png', new Uint8Array(0));
    expect(empty.ok === false && empty.code).toBe('empty');
    const big = new Uint8Array(MAX_SCAN_BYTES + 1);
    big.set(PNG);
    big.set(PNG.slice(-12), big.length - 12);
    const r = checkScanFile('big.png', big);
    expect(r.ok === false && r.code).toBe('too_large');
    expect(r.ok === false && r.messageAr).toMatch(/١٠ ميغابايت/);
    const exact = new Uint8Array(MAX_SCAN_BYTES);
    exact.set(PNG);
    exact.set(PNG.slice(-12), exact.length - 12);
    expect(checkScanFile('limit.png', exact).ok).toBe(true);
  });

  it('fingerprints the bytes with SHA-256', async () => {
    expect(await sha256Hex(new Uint8Array([...'abc'].map((c) => c.charCodeAt(0))))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('rotation and crop arithmetic', () => {
  it('turns in quarter turns both ways', () => {
    expect(turn(0, 90)).toBe(90);
    expect(turn(270, 90)).toBe(0);
    expect(turn(0, -90)).toBe(270);
    expect(turn(90, -180)).toBe(270);
    expect(turn(180, 720)).toBe(180);
  });

  it('swaps width and height on a quarter turn', () => {
    expect(rotatedSize({ width: 400, height: 300 }, 90)).toEqual({ width: 300, height: 400 });
    expect(rotatedSize({ width: 400, height: 300 }, 180)).toEqual({ width: 400, height: 300 });
  });

  it('maps every source corner into the rotated image, and the canvas transform agrees', () => {
    const rotations: QuarterTurn[] = [0, 90, 180, 270];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.constantFrom(...rotations),
        (w, h, r) => {
          const out = rotatedSize({ width: w, height: h }, r);
          const { tx, ty, radians } = rotationTransform({ width: w, height: h }, r);
          for (const [x, y] of [
            [0, 0],
            [w - 1, 0],
            [0, h - 1],
            [w - 1, h - 1],
          ] as const) {
            const p = rotatePoint({ width: w, height: h }, r, x, y);
            expect(p.x).toBeGreaterThanOrEqual(0);
            expect(p.y).toBeGreaterThanOrEqual(0);
            expect(p.x).toBeLessThan(out.width);
            expect(p.y).toBeLessThan(out.height);
            // The canvas maps the pixel centre (x+.5, y+.5) through translate(tx,ty)·rotate(θ).
            const cx = x + 0.5;
            const cy = y + 0.5;
            const X = tx + cx * Math.cos(radians) - cy * Math.sin(radians);
            const Y = ty + cx * Math.sin(radians) + cy * Math.cos(radians);
            expect(X).toBeCloseTo(p.x + 0.5, 6);
            expect(Y).toBeCloseTo(p.y + 0.5, 6);
          }
        },
      ),
    );
  });

  it('keeps the crop rectangle inside the image and never smaller than the minimum', () => {
    const bounds = { width: 800, height: 600 };
    const handles: CropHandle[] = ['move', 'nw', 'ne', 'sw', 'se'];
    fc.assert(
      fc.property(
        fc.constantFrom(...handles),
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: -2000, max: 2000 }),
        fc.record({
          x: fc.integer({ min: 0, max: 700 }),
          y: fc.integer({ min: 0, max: 500 }),
          width: fc.integer({ min: 16, max: 100 }),
          height: fc.integer({ min: 16, max: 100 }),
        }),
        (handle, dx, dy, start) => {
          const r = dragCrop(start, handle, dx, dy, bounds);
          expect(r.x).toBeGreaterThanOrEqual(0);
          expect(r.y).toBeGreaterThanOrEqual(0);
          expect(r.x + r.width).toBeLessThanOrEqual(bounds.width);
          expect(r.y + r.height).toBeLessThanOrEqual(bounds.height);
          expect(r.width).toBeGreaterThanOrEqual(MIN_CROP);
          expect(r.height).toBeGreaterThanOrEqual(MIN_CROP);
          if (handle === 'move') expect([r.width, r.height]).toEqual([start.width, start.height]);
        },
      ),
    );
  });

  it('moves only the dragged corner', () => {
    const bounds = { width: 800, height: 600 };
    const start = { x: 100, y: 100, width: 200, height: 100 };
    expect(dragCrop(start, 'se', 50, 20, bounds)).toEqual({
      x: 100,
      y: 100,
      width: 250,
      height: 120,
    });
    expect(dragCrop(start, 'nw', -50, -20, bounds)).toEqual({
      x: 50,
      y: 80,
      width: 250,
      height: 120,
    });
    expect(dragCrop(start, 'ne', 1000, -1000, bounds)).toEqual({
      x: 100,
      y: 0,
      width: 700,
      height: 200,
    });
    // Dragging a corner past the opposite one stops at the minimum size.
    expect(dragCrop(start, 'sw', 500, 0, bounds)).toEqual({
      x: 300 - MIN_CROP,
      y: 100,
      width: MIN_CROP,
      height: 100,
    });
    expect(dragCrop(start, 'move', 10000, 0, bounds)).toEqual({
      x: 600,
      y: 100,
      width: 200,
      height: 100,
    });
  });

  it('clamps and recognises the full image', () => {
    const b = { width: 300, height: 200 };
    expect(isFullCrop(fullCrop(b), b)).toBe(true);
    expect(clampCrop({ x: -5, y: 250, width: 1000, height: 3 }, b)).toEqual({
      x: 0,
      y: 200 - MIN_CROP,
      width: 300,
      height: MIN_CROP,
    });
  });
});

describe('Hijri or Gregorian date input', () => {
  it('reads a Hijri date and shows the Gregorian equivalent live', () => {
    const s = interpretDateInput('06/09/1446', 'hijri');
    expect(s.state).toBe('valid');
    if (s.state === 'valid') {
      expect(s.date).toEqual({ calendar: 'hijri', y: 1446, m: 9, d: 6 });
      expect(s.equivalentEn).toBe('6 March 2025');
      expect(s.equivalentAr).toMatch(/مارس/);
    }
  });

  it('reads Arabic-Indic digits and a Gregorian date, showing the Hijri equivalent', () => {
    const s = interpretDateInput('٠٦/٠٣/٢٠٢٥', 'gregorian');
    expect(s.state === 'valid' && s.date).toEqual({ calendar: 'gregorian', y: 2025, m: 3, d: 6 });
    expect(s.state === 'valid' && s.equivalentEn).toMatch(/Ramadan 1446/);
  });

  it('explains a date that does not exist (30 of a 29-day Hijri month) or cannot be read', () => {
    const empty = interpretDateInput('  ', 'hijri');
    expect(empty.state).toBe('empty');
    const bad = interpretDateInput('2025-03', 'gregorian');
    expect(bad.state === 'invalid' && bad.messageAr).toMatch(/يوم\/شهر\/سنة/);
    // Ramadan 1446 has 29 days in Umm al-Qura.
    const thirty = interpretDateInput('30/09/1446', 'hijri');
    expect(thirty.state).toBe('invalid');
    // A Gregorian year typed in the Hijri calendar.
    expect(interpretDateInput('01/01/2025', 'hijri').state).toBe('invalid');
  });

  it('switching the calendar converts a valid date and keeps anything else as typed', () => {
    expect(switchDateCalendar('06/09/1446', 'hijri', 'gregorian')).toBe('06/03/2025');
    expect(switchDateCalendar('06/03/2025', 'gregorian', 'hijri')).toBe('06/09/1446');
    expect(switchDateCalendar('6/9/14', 'hijri', 'gregorian')).toBe('6/9/14');
    expect(switchDateCalendar('06/09/1446', 'hijri', 'hijri')).toBe('06/09/1446');
    expect(otherCalendarDate({ calendar: 'gregorian', y: 2025, m: 3, d: 6 })).toEqual({
      calendar: 'hijri',
      y: 1446,
      m: 9,
      d: 6,
    });
    expect(dateToInputText({ calendar: 'hijri', y: 1447, m: 1, d: 2 })).toBe('02/01/1447');
  });
});

const profile = policyProfilesById.get('lamasat')!;
const citizenId = generateNationalId('citizen', '23456789');
const beneficiary: Beneficiary = {
  id: 'ben1',
  branchId: 'riyadh',
  createdAt: '2025-01-01T08:00:00.000Z',
  updatedAt: '2025-01-01T08:00:00.000Z',
  updatedBy: 'u1',
  fullName: 'نورة عبدالله القحطاني',
  nationalId: citizenId,
} as Beneficiary;
const request = {
  id: 'req1',
  branchId: 'riyadh',
  beneficiaryId: 'ben1',
  serviceId: 'family_support',
};
const now = new Date('2025-03-10T09:00:00.000Z'); // 10 Ramadan 1446

function ctx(id = 'doc1') {
  return { beneficiary, request, userId: 'employee-1', now, newId: () => id };
}

function draft(patch: Partial<DocumentDraft>): DocumentDraft {
  return { ...emptyDraft('national_id'), ...patch };
}

const scan = {
  attachmentId: 'scan-1',
  mimeType: 'image/png' as const,
  sizeBytes: 1000,
  sha256: 'a'.repeat(64),
};

describe('the document form becomes a documents record', () => {
  it('stores the dates in the calendar they were typed in, with the digits normalised', () => {
    const r = prepareDocument(
      draft({
        number: ` ${citizenId} `,
        issueText: '01/01/1440',
        expiryText: '15/03/2025',
        expiryCalendar: 'gregorian',
      }),
      ctx(),
      undefined,
      scan,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document).toMatchObject({
      id: 'doc1',
      branchId: 'riyadh',
      beneficiaryId: 'ben1',
      requestId: 'req1',
      type: 'national_id',
      number: citizenId,
      issueDate: { calendar: 'hijri', y: 1440, m: 1, d: 1 },
      expiryDate: { calendar: 'gregorian', y: 2025, m: 3, d: 15 },
      verification: { status: 'pending' },
      attachment: scan,
      updatedBy: 'employee-1',
    });
  });

  it('reports each bad field in Arabic and English and builds nothing', () => {
    const r = prepareDocument(
      draft({ typeId: '', issueText: '01/01/1450', expiryText: '30/09/1446' }),
      ctx(),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.typeId?.messageAr).toBe('اختر نوع المستند.');
    expect(r.problems.issueDate?.messageAr).toMatch(/في المستقبل/);
    expect(r.problems.expiryDate?.messageAr).toMatch(/[\u0600-\u06ff]/);
    expect(r.problems.expiryDate?.messageEn).toMatch(/[a-z]/);
  });

  it('refuses an expiry date before the issue date', () => {
    const r = prepareDocument(draft({ issueText: '01/01/1445', expiryText: '01/01/1440' }), ctx());
    expect(r.ok === false && r.problems.expiryDate?.messageAr).toMatch(/قبل تاريخ الإصدار/);
  });

  it('keeps the verification on an unchanged record and asks for a new one when the data changes', () => {
    const first = prepareDocument(draft({ number: citizenId }), ctx(), undefined, scan);
    if (!first.ok) throw new Error('expected ok');
    const verified = recordVerification(
      first.document,
      beneficiary,
      'verified',
      { method: 'original_seen', note: '' },
      { userId: 'employee-1', now, referenceAt: now.toISOString() },
    );
    if (!verified.ok) throw new Error(verified.messageEn);
    const same = prepareDocument(draft({ number: citizenId }), ctx(), verified.document);
    expect(same.ok && same.document.verification.status).toBe('verified');
    const changed = prepareDocument(
      draft({ number: citizenId, expiryText: '01/01/1450' }),
      ctx(),
      verified.document,
    );
    expect(changed.ok && changed.document.verification).toEqual({ status: 'pending' });
    const newScan = prepareDocument(draft({ number: citizenId }), ctx(), verified.document, {
      ...scan,
      sha256: 'b'.repeat(64),
    });
    expect(newScan.ok && newScan.document.verification.status).toBe('pending');
  });
});

describe('verification and expiry as of the submission date', () => {
  it('judges expiry on the submission day, or today before submission', () => {
    expect(expiryReferenceInstant({ submittedAt: '2025-01-05T10:00:00.000+03:00' }, now)).toBe(
      '2025-01-05T10:00:00.000+03:00',
    );
    expect(expiryReferenceInstant({}, now)).toBe(now.toISOString());
    const expiredHijri = { expiryDate: { calendar: 'hijri' as const, y: 1446, m: 9, d: 1 } }; // 1 Mar 2025
    const e = expiryStatus(expiredHijri, now.toISOString());
    expect(e?.expired).toBe(true);
    expect(e?.expired && e.messageAr).toMatch(/انتهت صلاحية المستند/);
    // The same document was valid when the request was submitted in February.
    expect(expiryStatus(expiredHijri, '2025-02-20T09:00:00.000Z')).toEqual({
      expired: false,
      daysRemaining: 9,
    });
    expect(expiryStatus({}, now.toISOString())).toBeNull();
  });

  it('records who verified and when, and whether the document was valid at submission', () => {
    const doc = prepareDocument(
      draft({ number: citizenId, expiryText: '01/09/1446' }),
      ctx(),
      undefined,
      scan,
    );
    if (!doc.ok) throw new Error('expected ok');
    const r = recordVerification(
      doc.document,
      beneficiary,
      'verified',
      { method: 'certified_copy', note: '' },
      { userId: 'employee-7', now, referenceAt: now.toISOString() },
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.document.verification).toEqual({
      status: 'verified',
      method: 'certified_copy',
      verifiedBy: 'employee-7',
      verifiedAt: now.toISOString(),
      validAtSubmission: false,
    });
    // The checklist still shows the expired document as expired, not verified.
    const list = requiredDocumentsChecklist(profile, 'family_support', [r.document], now);
    expect(
      list.ok && list.items.find((i) => i.documentTypeIds.includes('national_id'))?.status,
    ).toBe('expired_at_submission');
  });

  it('refuses to verify a document whose number does not match the beneficiary, and requires a reason to reject', () => {
    const other = generateNationalId('citizen', '98765432');
    const doc = prepareDocument(draft({ number: other }), ctx(), undefined, scan);
    if (!doc.ok) throw new Error('expected ok');
    const issues = documentConsistencyChecks(beneficiary, doc.document);
    expect(blockingIssues(issues).map((i) => i.code)).toEqual(['id_number_mismatch']);
    const verify = recordVerification(
      doc.document,
      beneficiary,
      'verified',
      { method: 'original_seen', note: '' },
      { userId: 'e', now, referenceAt: now.toISOString() },
    );
    expect(verify.ok === false && verify.messageAr).toMatch(/لا يطابق رقم الهوية/);
    const noReason = recordVerification(
      doc.document,
      beneficiary,
      'rejected',
      { method: 'original_seen', note: '  ' },
      { userId: 'e', now, referenceAt: now.toISOString() },
    );
    expect(noReason.ok === false && noReason.messageAr).toMatch(/سبب رفض/);
    const rejected = recordVerification(
      doc.document,
      beneficiary,
      'rejected',
      { method: 'original_seen', note: 'الرقم لا يطابق البطاقة' },
      { userId: 'e', now, referenceAt: now.toISOString() },
    );
    expect(rejected.ok && rejected.document.verification).toMatchObject({
      status: 'rejected',
      note: 'الرقم لا يطابق البطاقة',
      verifiedBy: 'e',
    });
  });

  it('refuses to verify an ID card whose number was not entered', () => {
    const doc = prepareDocument(draft({}), ctx(), undefined, scan);
    if (!doc.ok) throw new Error('expected ok');
    const r = recordVerification(
      doc.document,
      beneficiary,
      'verified',
      { method: 'original_seen', note: '' },
      { userId: 'e', now, referenceAt: now.toISOString() },
    );
    expect(r.ok === false && r.messageAr).toMatch(/اكتب رقم الهوية/);
    // A document type without a number on it (the request form) can be verified.
    const form = prepareDocument(draft({ typeId: 'support_request_form' }), ctx(), undefined, scan);
    if (!form.ok) throw new Error('expected ok');
    expect(
      recordVerification(
        form.document,
        beneficiary,
        'verified',
        { method: 'original_seen', note: '' },
        { userId: 'e', now, referenceAt: now.toISOString() },
      ).ok,
    ).toBe(true);
  });

  it('refuses to verify a document without a scan', () => {
    const doc = prepareDocument(draft({ number: citizenId }), ctx());
    if (!doc.ok) throw new Error('expected ok');
    const r = recordVerification(
      doc.document,
      beneficiary,
      'verified',
      { method: 'original_seen', note: '' },
      { userId: 'e', now, referenceAt: now.toISOString() },
    );
    expect(r.ok === false && r.messageAr).toMatch(/أرفق صورة المستند/);
  });
});

describe('camera failures are classified for the message', () => {
  it('maps getUserMedia errors', () => {
    expect(cameraProblemOf(new DOMException('x', 'NotAllowedError'))).toBe('denied');
    expect(cameraProblemOf(new DOMException('x', 'NotFoundError'))).toBe('no_camera');
    expect(cameraProblemOf(new DOMException('x', 'NotReadableError'))).toBe('busy');
    expect(cameraProblemOf(new TypeError('no mediaDevices'))).toBe('unsupported');
    expect(cameraProblemOf('weird')).toBe('failed');
  });
});
