/**
 * The declaration step's pure helpers (features/declaration/declarationInput.ts): the PDF input
 * built from a request file is accepted by the PDF engine and verifies against the same records;
 * the receipt's earliest reply instant always satisfies the engine's ≥ 14 days rule; the
 * current declaration is the one the request points to.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  currentDeclaration,
  declarationInput,
  receiptInput,
  referenceOf,
} from '../../../renderer/src/features/declaration/declarationInput';
import type { Actor } from '../../../renderer/src/state/actor';
import { declarationSnapshotFromRecords } from '../../../shared/casefile';
import { generateDeviceSigningKey, verifyDeclaration } from '../../../shared/declaration';
import { buildDeclarationPdf, buildReceiptPdf, type PdfAssets } from '../../../shared/pdf';
import { policyProfilesById } from '../../../shared/policy';
import type { Beneficiary, Declaration, SupportRequest } from '../../../shared/schema';
import { loadPdfAssets, signaturePng } from '../pdf/fixtures';
import { samples } from './store-fixtures';

const profile = policyProfilesById.get('yusr')!;
const beneficiary = samples.beneficiaries!.valid as unknown as Beneficiary;
const request = { ...(samples.support_requests!.valid as unknown as SupportRequest), state: 'data_collection' } as SupportRequest;
const employee: Actor = { userId: 'u1', displayName: 'خالد الموظف', role: 'branch_staff', branchIds: ['branch-riyadh'], branchId: 'branch-riyadh', signedIn: true };

let assets: PdfAssets;
beforeAll(() => {
  assets = loadPdfAssets();
});

function pdfText(pdf: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'sila-decl-'));
  const file = join(dir, 'x.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString('utf8');
}

describe('declaration input from the request file', () => {
  it('is accepted by the PDF engine, prints the name and reference, and verifies against the same records', async () => {
    const data = declarationSnapshotFromRecords({ beneficiary, request, documents: [], profile });
    const at = new Date('2025-03-06T10:00:00.000Z');
    const reference = referenceOf('DEC', 'ab_cd-0123456789', at);
    expect(reference).toBe('DEC-2025-ABCD012345');
    const input = declarationInput(data, profile, { applicantName: beneficiary.fullName, relationToBeneficiary: '', place: 'الرياض' }, employee, reference, at);
    expect(input.employee).toEqual({ name: 'خالد الموظف', role: 'موظف الفرع' });
    expect(input.applicant).toEqual({ name: beneficiary.fullName });
    const device = await generateDeviceSigningKey();
    const built = await buildDeclarationPdf(input, { variant: 'signed', signaturePng: signaturePng(), device }, assets);
    const text = pdfText(built.pdf);
    expect(text).toContain(reference);
    expect(text).toContain('القحطاني');
    const verified = await verifyDeclaration({ qrPayload: built.qrPayload }, data, { [device.keyId]: device.publicKeySpki });
    expect(verified.status).toBe('authentic_current');
  });

  it('gives a receipt whose earliest reply is never earlier than the policy period, even for an afternoon submission', async () => {
    // 15:00 Riyadh: the earliest reply *day* starts before exactly 14 × 24 h have passed.
    const submitted = { ...request, state: 'submitted_to_committee', submittedAt: '2025-03-06T12:00:00.000Z', earliestReplyDate: '2025-03-20' } as SupportRequest;
    const input = receiptInput(submitted, profile, beneficiary.fullName)!;
    expect(Date.parse(input.earliestReplyAt) - Date.parse(input.submittedAt)).toBeGreaterThanOrEqual(14 * 86_400_000);
    expect(input.reference).toMatch(/^REQ-2025-[A-Z0-9]+$/);
    const pdf = await buildReceiptPdf(input, assets);
    expect(pdfText(pdf)).toContain(input.reference);
    // Not submitted: no receipt.
    expect(receiptInput({ ...request, submittedAt: undefined, earliestReplyDate: undefined }, profile, beneficiary.fullName)).toBeNull();
  });

  it('takes the declaration the request points to, else the newest one of this request', () => {
    const d = (id: string, declaredAt: string, requestId = request.id) => ({ id, declaredAt, requestId }) as Declaration;
    const list = [d('old', '2025-03-01T10:00:00.000Z'), d('new', '2025-03-05T10:00:00.000Z'), d('other', '2025-03-09T10:00:00.000Z', 'req-x')];
    expect(currentDeclaration({ ...request, declarationId: undefined }, list)?.id).toBe('new');
    expect(currentDeclaration({ ...request, declarationId: 'old' }, list)?.id).toBe('old');
    expect(currentDeclaration({ ...request, declarationId: undefined }, [])).toBeUndefined();
  });
});
