/**
 * The case file: records → eligibility facts and verdicts, the required-documents checklist
 * (Hijri/Gregorian expiry at submission), document consistency, the declared data and its
 * staleness, the workflow context and stored request after an event, duplicates, reports and CSV.
 * Every fixture is a realistic Arabic record validated by its collection schema.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import {
  beneficiaries,
  committeeDecisions,
  declarations,
  documents as documentsCollection,
  hqConfig,
  interviews as interviewsCollection,
  satisfactionEvaluations,
  serviceDeliveries,
  supportRequests,
  validateDocument,
  type Beneficiary,
  type BeneficiaryDocument,
  type CollectionDef,
  type CommitteeDecision,
  type Declaration,
  type DocOf,
  type HqConfigEntry,
  type Interview,
  type SatisfactionEvaluation,
  type SupportRequest,
} from '../../../shared/schema';
import { getPolicyProfile, type PolicyProfile } from '../../../shared/policy';
import { buildDeclarationPdf } from '../../../shared/pdf';
import { loadPdfAssets } from '../pdf/fixtures';
import { verifyDeclaration } from '../../../shared/declaration';
import { generateNationalId } from '../../../shared/identity';
import { gregorianToHijri, toIsoDate, hijriToGregorian } from '../../../shared/dates';
import {
  buildSnapshot,
  canonicalJson,
  generateDeviceSigningKey,
  hashDeclaredData,
  sealDeclaration,
  type DeviceSigningKey,
} from '../../../shared/declaration';
import {
  UTF8_BOM,
  applyProcedureEvent,
  assessEligibility,
  currentDeclarationDataHash,
  declarationGaps,
  declarationSnapshotFromRecords,
  documentConsistencyChecks,
  duplicateCandidates,
  eligibilityFactsFromRecords,
  isDeclarationStale,
  overdueCommitteeReplies,
  percentile,
  requestsByBranch,
  requestsByChannel,
  requestsByService,
  requestsByStatus,
  requiredDocumentsChecklist,
  satisfactionOverTime,
  timeToDecisionDays,
  receivedAt,
  toCsv,
  transitionContextFromRecords,
  type DeclarationRecords,
  type EligibilityRecords,
} from '../../../shared/casefile';

const ARABIC = /[\u0600-\u06ff]/;

/** Validate a fixture against its collection: a fixture that drifts from the schema fails here. */
function valid<D extends CollectionDef>(def: D, doc: unknown): DocOf<D> {
  const result = validateDocument(def, doc);
  if (!result.ok) throw new Error(`${def.name} fixture invalid: ${JSON.stringify(result.issues)}`);
  return result.value;
}

function profile(id: string): PolicyProfile {
  const p = getPolicyProfile(id);
  if (!p) throw new Error(`no profile ${id}`);
  return p;
}

const CREATED = '2025-03-01T07:00:00.000Z';
const SUBMITTED = '2025-03-06T09:00:00.000Z'; // 06/09/1446 H in Riyadh
const base = (id: string, at = CREATED, by = 'user-delegate-1') => ({
  id,
  branchId: 'branch-makkah',
  createdAt: at,
  updatedAt: at,
  updatedBy: by,
});

const NOURA_ID = generateNationalId('citizen', '04567812');
const AMAL_IQAMA = generateNationalId('resident', '31245678');

function noura(over: Partial<Beneficiary> = {}): Beneficiary {
  return valid(beneficiaries, {
    ...base('ben-noura'),
    fullName: 'نورة بنت سعد القحطاني',
    nameParts: { first: 'نورة', father: 'سعد', family: 'القحطاني' },
    nationalId: NOURA_ID,
    phone: '+966501234567',
    birthDate: { calendar: 'hijri', y: 1408, m: 5, d: 14 },
    gender: 'female',
    nationality: 'SA',
    maritalStatus: 'divorced',
    city: 'مكة المكرمة',
    address: { district: 'العوالي', street: 'الأمير سلطان', postalCode: '24381' },
    household: [
      {
        fullName: 'ريم بنت فهد العتيبي',
        relation: 'daughter',
        gender: 'female',
        birthDate: { calendar: 'gregorian', y: 2014, m: 9, d: 2 },
      },
      {
        fullName: 'عبدالله بن فهد العتيبي',
        relation: 'son',
        gender: 'male',
        birthDate: { calendar: 'gregorian', y: 2017, m: 3, d: 1 },
      },
    ],
    consent: { purposes: ['case_study', 'service_delivery'], givenAt: CREATED },
    ...over,
  });
}

function amal(over: Partial<Beneficiary> = {}): Beneficiary {
  return valid(beneficiaries, {
    ...base('ben-amal'),
    fullName: 'آمال محمود عبدالرحمن',
    nationalId: AMAL_IQAMA,
    phone: '+966551112233',
    gender: 'female',
    nationality: 'EG',
    maritalStatus: 'widowed',
    city: 'جدة',
    ...over,
  });
}

function request(over: Partial<SupportRequest> = {}): SupportRequest {
  return valid(supportRequests, {
    ...base('req-1'),
    beneficiaryId: 'ben-noura',
    serviceId: 'family_support',
    channelId: 'branch_delegates',
    state: 'data_collection',
    summary:
      'تطلب المستفيدة دعمًا شهريًا لأسرتها بعد الطلاق، وتسكن مع ابنتها وابنها في شقة مستأجرة، وتقول: «الإيجار متأخر منذ شهرين».',
    history: [
      {
        from: 'reception',
        to: 'data_collection',
        event: 'begin_data_collection',
        by: 'user-delegate-1',
        role: 'field_delegate',
        at: CREATED,
      },
    ],
    ...over,
  });
}

const verified = (at = '2025-03-02T08:00:00.000Z') => ({
  status: 'verified',
  method: 'original_seen',
  verifiedBy: 'user-delegate-1',
  verifiedAt: at,
});

function doc(id: string, over: Record<string, unknown>): BeneficiaryDocument {
  return valid(documentsCollection, {
    ...base(id),
    beneficiaryId: 'ben-noura',
    verification: { status: 'pending' },
    ...over,
  });
}

const nouraDocs = (): BeneficiaryDocument[] => [
  doc('doc-id', {
    type: 'national_id',
    number: NOURA_ID,
    issuer: 'وكالة الأحوال المدنية',
    expiryDate: { calendar: 'hijri', y: 1450, m: 2, d: 10 },
    verification: verified(),
  }),
  doc('doc-divorce', {
    requestId: 'req-1',
    type: 'marital_status_proof',
    number: 'صك ٤٥٦٧٨٩',
    issuer: 'محكمة الأحوال الشخصية بمكة المكرمة',
    verification: verified(),
  }),
  doc('doc-form', { requestId: 'req-1', type: 'support_request_form', verification: verified() }),
];

function interview(id: string, result: Interview['result'], at: string): Interview {
  return valid(interviewsCollection, {
    ...base(id, at),
    beneficiaryId: 'ben-noura',
    requestId: 'req-1',
    conductedBy: 'user-delegate-1',
    conductedAt: at,
    mode: 'field',
    answers: [
      { questionId: 'need', question: 'ما احتياج الأسرة؟', answer: 'دعم الإيجار ومصاريف المدرسة' },
    ],
    result,
  });
}

// ---------------------------------------------------------------------------------------------

describe('eligibilityFactsFromRecords / assessEligibility', () => {
  const yusr = profile('yusr');

  test('a Saudi divorcee with verified documents and a passed interview: facts and an eligible verdict for skills programmes', () => {
    const req = request({
      serviceId: 'skills_programmes',
      channelId: 'website',
      state: 'registered',
    });
    const records: EligibilityRecords = {
      beneficiary: noura(),
      request: req,
      documents: nouraDocs(),
      interviews: [
        interview('int-1', 'not_passed', '2025-03-02T08:00:00.000Z'),
        interview('int-2', 'passed', '2025-03-04T08:00:00.000Z'),
        interview('int-3', 'not_assessed', '2025-03-05T08:00:00.000Z'),
      ],
      profile: yusr,
      asOf: SUBMITTED,
    };
    const facts = eligibilityFactsFromRecords(records);
    expect(facts.beneficiary).toEqual({
      nationality: 'saudi',
      gender: 'female',
      maritalStatus: 'divorced',
    });
    expect(facts.interview).toBe('passed');
    expect(facts.electronicRegistrationDone).toBe(true);
    expect(facts.serviceDelivered).toBe(false);
    expect(facts.documents).toEqual(
      expect.arrayContaining([
        { typeId: 'national_id', verified: true },
        { typeId: 'marital_status_proof', verified: true },
      ]),
    );
    const assessed = assessEligibility(records);
    if (!assessed.ok) throw new Error(assessed.messageEn);
    expect(assessed.result.verdict).toBe('eligible');
    expect(assessed.result.pendingObligationIds).toEqual(['skills.evaluation']);
  });

  test('nationality comes from the ID number when not entered; the latest assessed interview decides', () => {
    const b = noura({ nationality: undefined });
    const facts = eligibilityFactsFromRecords({
      beneficiary: b,
      request: request({ serviceId: 'skills_programmes' }),
      documents: [],
      interviews: [
        interview('int-1', 'passed', '2025-03-02T08:00:00.000Z'),
        interview('int-2', 'not_passed', '2025-03-04T08:00:00.000Z'),
      ],
      profile: yusr,
      asOf: SUBMITTED,
    });
    expect(facts.beneficiary?.nationality).toBe('saudi');
    expect(facts.interview).toBe('failed');
    expect(facts.electronicRegistrationDone).toBeUndefined();
    const assessed = assessEligibility({
      beneficiary: b,
      request: request({ serviceId: 'skills_programmes' }),
      documents: [],
      interviews: [interview('int-2', 'not_passed', '2025-03-04T08:00:00.000Z')],
      profile: yusr,
      asOf: SUBMITTED,
    });
    if (!assessed.ok) throw new Error(assessed.messageEn);
    expect(assessed.result.verdict).toBe('not_eligible');
    expect(assessed.result.failedConditionIds).toContain('skills.interview');
  });

  test('a resident whose Hijri iqama expired before submission is caught: not eligible, with the reason', () => {
    const dayBefore = gregorianToHijri({ y: 2025, m: 3, d: 5 });
    const b = amal();
    const req = request({
      beneficiaryId: 'ben-amal',
      serviceId: 'family_consultations',
      submittedAt: SUBMITTED,
      state: 'submitted_to_committee',
      earliestReplyDate: '2025-03-20',
      declarationId: 'dec-1',
      declarationHash: 'a'.repeat(64),
    });
    const iqama = doc('doc-iqama', {
      beneficiaryId: 'ben-amal',
      type: 'iqama',
      number: AMAL_IQAMA,
      expiryDate: { calendar: 'hijri', ...dayBefore },
      verification: verified(),
    });
    const records: EligibilityRecords = {
      beneficiary: b,
      request: req,
      documents: [iqama],
      profile: yusr,
      asOf: '2025-04-01T09:00:00.000Z',
    };
    const facts = eligibilityFactsFromRecords(records);
    expect(facts.beneficiary).toMatchObject({
      nationality: 'non_saudi',
      residenceStatus: 'lawful',
      iqamaValid: false,
    });
    expect(facts.documents).toEqual([{ typeId: 'iqama', verified: false }]);
    const assessed = assessEligibility(records);
    if (!assessed.ok) throw new Error(assessed.messageEn);
    expect(assessed.result.verdict).toBe('not_eligible');
    expect(assessed.result.failedConditionIds).toEqual(['consultations.nationality']);
    const why = assessed.result.results.find((r) => r.id === 'consultations.nationality');
    expect(why?.explanationAr).toContain('منتهية');

    // The same iqama expiring on the submission day itself is still valid (through the end of the day).
    const sameDay = doc('doc-iqama', {
      beneficiaryId: 'ben-amal',
      type: 'iqama',
      number: AMAL_IQAMA,
      expiryDate: { calendar: 'hijri', y: 1446, m: 9, d: 6 },
      verification: verified(),
    });
    const ok = eligibilityFactsFromRecords({ ...records, documents: [sameDay] });
    expect(ok.beneficiary?.iqamaValid).toBe(true);
    const verdict = assessEligibility({ ...records, documents: [sameDay] });
    if (!verdict.ok) throw new Error(verdict.messageEn);
    expect(verdict.result.results.find((r) => r.id === 'consultations.nationality')?.status).toBe(
      'pass',
    );
  });

  test('a resident without a verified iqama is unknown, not failed; rejected documents are not presented', () => {
    const rejected = doc('doc-iqama', {
      beneficiaryId: 'ben-amal',
      type: 'iqama',
      verification: {
        status: 'rejected',
        verifiedBy: 'user-delegate-1',
        verifiedAt: CREATED,
        note: 'الصورة غير واضحة',
      },
    });
    const facts = eligibilityFactsFromRecords({
      beneficiary: amal(),
      request: request({ beneficiaryId: 'ben-amal', serviceId: 'family_consultations' }),
      documents: [rejected],
      profile: yusr,
      asOf: SUBMITTED,
    });
    expect(facts.beneficiary).toEqual({
      nationality: 'non_saudi',
      gender: 'female',
      maritalStatus: 'widowed',
    });
    expect(facts.documents).toEqual([]);
  });

  test('delivery and evaluation: delivered without an evaluation is explicit, a linked evaluation counts', () => {
    const req = request({ serviceId: 'family_consultations', state: 'service_delivered' });
    const delivery = valid(serviceDeliveries, {
      ...base('del-1', '2025-04-01T09:00:00.000Z'),
      requestId: 'req-1',
      beneficiaryId: 'ben-noura',
      serviceId: 'family_consultations',
      deliveredAt: '2025-04-01T09:00:00.000Z',
      deliveredBy: 'user-staff-1',
      mode: 'office',
      sessionNumber: 1,
    });
    const records: EligibilityRecords = {
      beneficiary: noura(),
      request: req,
      documents: nouraDocs(),
      deliveries: [delivery],
      profile: yusr,
      asOf: '2025-04-02T09:00:00.000Z',
    };
    expect(eligibilityFactsFromRecords(records)).toMatchObject({
      serviceDelivered: true,
      evaluationSubmitted: false,
      electronicRegistrationDone: true,
    });
    const evaluation = valid(satisfactionEvaluations, {
      ...base('eval-1', '2025-04-02T09:00:00.000Z'),
      serviceId: 'family_consultations',
      anonymous: false,
      requestId: 'req-1',
      beneficiaryId: 'ben-noura',
      deliveryId: 'del-1',
      submittedAt: '2025-04-02T09:00:00.000Z',
      overall: 5,
      answers: [],
    });
    expect(
      eligibilityFactsFromRecords({ ...records, evaluations: [evaluation] }).evaluationSubmitted,
    ).toBe(true);
    // An anonymous evaluation cannot be linked; the procedure's record_evaluation step is the evidence.
    expect(
      eligibilityFactsFromRecords({ ...records, request: { ...req, state: 'evaluated' } })
        .evaluationSubmitted,
    ).toBe(true);
  });

  test('Shaml self-referral: referral and counterpart come from the case details (counterpart iqama judged by date)', () => {
    const req = request({ serviceId: 'shaml_centre' });
    const counterpartExpired = gregorianToHijri({ y: 2024, m: 12, d: 1 });
    const records: EligibilityRecords = {
      beneficiary: noura(),
      request: req,
      documents: [],
      profile: yusr,
      asOf: SUBMITTED,
      caseDetails: {
        referral: { source: 'self' },
        counterpart: {
          nationality: 'non_saudi',
          residenceStatus: 'lawful',
          iqamaExpiry: { calendar: 'hijri', ...counterpartExpired },
        },
        executionRequestComplete: true,
      },
    };
    const facts = eligibilityFactsFromRecords(records);
    expect(facts.counterpartParty).toEqual({
      nationality: 'non_saudi',
      residenceStatus: 'lawful',
      iqamaValid: false,
    });
    expect(facts.referral).toEqual({ source: 'self' });
    const assessed = assessEligibility(records);
    if (!assessed.ok) throw new Error(assessed.messageEn);
    expect(assessed.result.verdict).toBe('not_eligible');

    const renewed = assessEligibility({
      ...records,
      caseDetails: { ...records.caseDetails, counterpart: { nationality: 'saudi' } },
    });
    if (!renewed.ok) throw new Error(renewed.messageEn);
    expect(renewed.result.verdict).toBe('eligible');
  });

  test('a service not in the profile is a failure with an Arabic next step', () => {
    const assessed = assessEligibility({
      beneficiary: noura(),
      request: request({ serviceId: 'housing_support' }),
      documents: [],
      profile: yusr,
      asOf: SUBMITTED,
    });
    expect(assessed.ok).toBe(false);
    if (assessed.ok) return;
    expect(assessed.code).toBe('service_not_in_profile');
    expect(assessed.messageAr).toMatch(ARABIC);
  });
});

// ---------------------------------------------------------------------------------------------

describe('requiredDocumentsChecklist', () => {
  const lamasat = profile('lamasat');

  test('each requirement with its status and bilingual label: verified, presented-unverified, missing', () => {
    const docs = [
      nouraDocs()[0]!,
      doc('doc-divorce', { requestId: 'req-1', type: 'marital_status_proof' }),
    ];
    const list = requiredDocumentsChecklist(lamasat, 'family_support', docs, SUBMITTED);
    if (!list.ok) throw new Error(list.messageEn);
    expect(list.items.map((i) => [i.documentTypeIds.join('|'), i.status])).toEqual([
      ['national_id|iqama', 'verified'],
      ['marital_status_proof', 'presented_unverified'],
      ['support_request_form', 'missing'],
    ]);
    expect(list.items[0]).toMatchObject({
      labelAr: 'الهوية الوطنية أو الإقامة',
      presentedTypeId: 'national_id',
      documentId: 'doc-id',
    });
    expect(list.items[0]!.labelEn).toMatch(/ or /);
    expect(list.items[0]!.daysRemaining).toBeGreaterThan(1000);
    for (const item of list.items) expect(item.reasonAr).toMatch(ARABIC);
    expect(list.items[2]!.reasonAr).toContain('لم يُقدَّم');
    expect(list.complete).toBe(false);

    const full = requiredDocumentsChecklist(lamasat, 'family_support', nouraDocs(), SUBMITTED);
    expect(full.ok && full.complete).toBe(true);
  });

  test('an iqama expired at submission (Hijri expiry) is flagged with the date and days', () => {
    const expiry = gregorianToHijri({ y: 2025, m: 2, d: 24 }); // 10 days before submission
    const iqama = doc('doc-iqama', {
      type: 'iqama',
      number: AMAL_IQAMA,
      expiryDate: { calendar: 'hijri', ...expiry },
      verification: verified(),
    });
    const list = requiredDocumentsChecklist(lamasat, 'family_support', [iqama], SUBMITTED);
    if (!list.ok) throw new Error(list.messageEn);
    expect(list.items[0]).toMatchObject({
      status: 'expired_at_submission',
      presentedTypeId: 'iqama',
    });
    expect(list.items[0]!.reasonAr).toContain('انتهت صلاحية');
    expect(list.items[0]!.reasonEn).toContain('10 days before submission');
  });

  test('the submission day is the Saudi civil day: 22:30 UTC on 6 March is already 7 March in Makkah', () => {
    const gregorianExpiry = doc('doc-id', {
      type: 'national_id',
      number: NOURA_ID,
      expiryDate: { calendar: 'gregorian', y: 2025, m: 3, d: 6 },
      verification: verified(),
    });
    const morning = requiredDocumentsChecklist(
      lamasat,
      'family_support',
      [gregorianExpiry],
      '2025-03-06T20:59:00.000Z',
    );
    const night = requiredDocumentsChecklist(
      lamasat,
      'family_support',
      [gregorianExpiry],
      '2025-03-06T22:30:00.000Z',
    );
    expect(morning.ok && morning.items[0]!.status).toBe('verified');
    expect(morning.ok && morning.items[0]!.daysRemaining).toBe(0);
    expect(night.ok && night.items[0]!.status).toBe('expired_at_submission');
  });

  test('a valid alternative beats an expired or rejected one; a rejected document carries its note', () => {
    const expired = doc('doc-old', {
      type: 'national_id',
      number: NOURA_ID,
      expiryDate: { calendar: 'gregorian', y: 2024, m: 1, d: 1 },
      verification: verified(),
    });
    const rejected = doc('doc-form', {
      type: 'support_request_form',
      verification: {
        status: 'rejected',
        verifiedBy: 'user-delegate-1',
        verifiedAt: CREATED,
        note: 'النموذج غير موقّع',
      },
    });
    const renewed = doc('doc-new', {
      type: 'national_id',
      number: NOURA_ID,
      expiryDate: { calendar: 'hijri', y: 1451, m: 1, d: 1 },
    });
    const list = requiredDocumentsChecklist(
      lamasat,
      'family_support',
      [expired, rejected, renewed],
      SUBMITTED,
    );
    if (!list.ok) throw new Error(list.messageEn);
    expect(list.items[0]).toMatchObject({ status: 'presented_unverified', documentId: 'doc-new' });
    expect(list.items[2]).toMatchObject({ status: 'rejected' });
    expect(list.items[2]!.reasonAr).toContain('النموذج غير موقّع');
    // The verifier's own judgement that the document was not valid at submission is respected.
    const judged = doc('doc-x', {
      type: 'marital_status_proof',
      verification: { ...verified(), validAtSubmission: false },
    });
    const l2 = requiredDocumentsChecklist(lamasat, 'family_support', [judged], SUBMITTED);
    expect(l2.ok && l2.items[1]!.status).toBe('expired_at_submission');
  });

  test('unknown service → failure', () => {
    const list = requiredDocumentsChecklist(lamasat, 'skills_programmes', [], SUBMITTED);
    expect(list.ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('documentConsistencyChecks', () => {
  const idDoc = (number: string, type = 'national_id') =>
    doc('doc-id', { type, number, verification: { status: 'pending' } });

  test('the same number typed in Arabic-Indic digits with spaces is consistent', () => {
    const arabicDigits = NOURA_ID.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
    const spaced = `${arabicDigits.slice(0, 4)} ${arabicDigits.slice(4)}`;
    expect(documentConsistencyChecks(noura(), idDoc(spaced))).toEqual([]);
  });

  test('a mismatched ID number is flagged (and an invalid one explained)', () => {
    const other = generateNationalId('citizen', '04567813');
    const issues = documentConsistencyChecks(noura(), idDoc(other));
    expect(issues.map((i) => i.code)).toEqual(['id_number_mismatch']);
    expect(issues[0]!.severity).toBe('mismatch');
    expect(issues[0]!.messageAr).toMatch(ARABIC);
    // One wrong digit always breaks the check digit.
    const typo = NOURA_ID.slice(0, 9) + String((Number(NOURA_ID[9]) + 1) % 10);
    const codes = documentConsistencyChecks(noura(), idDoc(typo)).map((i) => i.code);
    expect(codes).toEqual(['id_number_invalid', 'id_number_mismatch']);
  });

  test('an iqama recorded for a citizen, and a document of another beneficiary, are flagged', () => {
    const issues = documentConsistencyChecks(noura(), idDoc(NOURA_ID, 'iqama'));
    expect(issues.map((i) => i.code)).toEqual(['document_type_mismatch']);
    const foreign = doc('doc-z', { beneficiaryId: 'ben-amal', type: 'marital_status_proof' });
    expect(documentConsistencyChecks(noura(), foreign).map((i) => i.code)).toEqual([
      'document_of_other_beneficiary',
    ]);
  });

  test('names compare after Arabic normalisation; a shorter name is a warning, another name a mismatch', () => {
    const d = idDoc(NOURA_ID);
    expect(documentConsistencyChecks(noura(), d, { fullName: 'نوره سعد القحطانى' })).toEqual([]);
    const partial = documentConsistencyChecks(noura({ fullName: 'نورة القحطاني' }), d, {
      fullName: 'نورة بنت سعد بن محمد القحطاني',
    });
    expect(partial.map((i) => [i.code, i.severity])).toEqual([['name_partial_match', 'warning']]);
    const other = documentConsistencyChecks(noura(), d, { fullName: 'هيفاء بنت سعد القحطاني' });
    expect(other.map((i) => [i.code, i.severity])).toEqual([['name_mismatch', 'mismatch']]);
  });

  test('birth dates compare as days across calendars', () => {
    const b = noura();
    const same = hijriToGregorian({ y: 1408, m: 5, d: 14 });
    expect(
      documentConsistencyChecks(b, idDoc(NOURA_ID), {
        birthDate: { calendar: 'gregorian', ...same },
      }),
    ).toEqual([]);
    const issues = documentConsistencyChecks(b, idDoc(NOURA_ID), {
      birthDate: { calendar: 'hijri', y: 1408, m: 5, d: 15 },
    });
    expect(issues.map((i) => i.code)).toEqual(['birth_date_mismatch']);
    expect(issues[0]!.messageAr).toContain('١٤٠٨');
  });
});

// ---------------------------------------------------------------------------------------------

describe('declarationSnapshotFromRecords / isDeclarationStale', () => {
  const lamasat = profile('lamasat');
  let device: DeviceSigningKey;
  beforeAll(async () => {
    device = await generateDeviceSigningKey();
  });

  const records = (over: Partial<DeclarationRecords> = {}): DeclarationRecords => ({
    beneficiary: noura(),
    request: request(),
    documents: nouraDocs(),
    profile: lamasat,
    ...over,
  });

  async function signedDeclaration(r: DeclarationRecords): Promise<Declaration> {
    const data = declarationSnapshotFromRecords(r);
    const snapshot = buildSnapshot(
      {
        reference: 'DEC-1446-000042',
        declaredAt: SUBMITTED,
        association: {
          name: lamasat.association.nameAr,
          licenceNumber: lamasat.association.licenceNumber ?? '0000000000',
        },
        statement: { text: lamasat.declaration.textAr, policyVersion: String(lamasat.version) },
        data,
        applicant: { name: r.beneficiary.fullName, relationToBeneficiary: 'المستفيدة نفسها' },
        employee: { name: 'خالد إبراهيم الزهراني', role: 'مندوب المكتب الفرعي' },
        place: 'مكة المكرمة',
      },
      { kind: 'wet' },
      device.keyId,
    );
    const sealed = await sealDeclaration(snapshot, device);
    return valid(declarations, {
      ...base('dec-1', SUBMITTED),
      requestId: r.request.id,
      beneficiaryId: r.beneficiary.id,
      reference: snapshot.reference,
      declaredAt: SUBMITTED,
      snapshotJson: canonicalJson(snapshot),
      snapshotSha256: sealed.snapshotSha256,
      dataSha256: sealed.dataSha256,
      qrPayload: sealed.qrPayload,
      deviceKeyId: device.keyId,
      signature: { kind: 'wet', scanAttachmentId: 'att-scan-1' },
      witnessedBy: 'user-delegate-1',
    });
  }

  test('the declared data: beneficiary, household, request, service and channel labels, documents', () => {
    const data = declarationSnapshotFromRecords(records({ documents: nouraDocs().slice(0, 2) }));
    expect(data.beneficiary).toEqual({
      fullName: 'نورة بنت سعد القحطاني',
      nationalId: NOURA_ID,
      nationality: 'سعودي',
      dateOfBirth: toIsoDate(hijriToGregorian({ y: 1408, m: 5, d: 14 })),
      maritalStatus: 'مطلقة',
      mobile: '0501234567',
      address: 'مكة المكرمة، حي العوالي، شارع الأمير سلطان، الرمز البريدي 24381',
    });
    expect(data.household).toEqual({
      membersCount: 3,
      members: [
        { name: 'ريم بنت فهد العتيبي', relation: 'ابنة', age: 10 },
        // Eighth birthday on the day the request was created.
        { name: 'عبدالله بن فهد العتيبي', relation: 'ابن', age: 8 },
      ],
    });
    expect(data.service.name).toBe('دعم المطلقات والأرامل وذويهم');
    expect(data.channel.name).toBe(
      lamasat.channels.find((c) => c.id === 'branch_delegates')!.labelAr,
    );
    expect(data.request.description).toContain('«الإيجار متأخر منذ شهرين»');
    expect(data.documents).toEqual([
      { name: 'الهوية الوطنية', presented: true, verified: true },
      { name: 'ما يثبت الحالة الاجتماعية', presented: true, verified: true },
      { name: 'طلب دعم مستفيد (موقّع)', presented: false, verified: false },
    ]);
  });

  test('the same records in another order give the same hash; documents of another request are left out', async () => {
    const docs = nouraDocs();
    const otherRequestDoc = doc('doc-other', {
      requestId: 'req-2',
      type: 'support_request_form',
      verification: verified(),
    });
    const a = await currentDeclarationDataHash(records({ documents: docs }));
    const b = await currentDeclarationDataHash(
      records({ documents: [otherRequestDoc, ...docs].reverse() }),
    );
    expect(b).toBe(a);
    expect(a).toBe(await hashDeclaredData(declarationSnapshotFromRecords(records())));
  });

  test('a stale declaration is detected after a phone edit, with the changed field', async () => {
    const r = records();
    const declaration = await signedDeclaration(r);
    const fresh = await isDeclarationStale(declaration, r);
    expect(fresh).toMatchObject({ stale: false, changedFields: [], snapshotIntact: true });
    expect(fresh.currentDataSha256).toBe(declaration.dataSha256);

    const edited = records({
      beneficiary: noura({ phone: '+966559876543', updatedAt: '2025-03-07T10:00:00.000Z' }),
    });
    const stale = await isDeclarationStale(declaration, edited);
    expect(stale.stale).toBe(true);
    expect(stale.changedFields).toEqual(['beneficiary.mobile']);
    expect(stale.messageAr).toContain('إقرارًا جديدًا');

    // Changes outside the declared data (consent, record timestamps) do not make it stale.
    const untouched = records({
      beneficiary: noura({
        updatedAt: '2025-03-08T10:00:00.000Z',
        consent: { purposes: ['case_study'], givenAt: CREATED },
      }),
    });
    expect((await isDeclarationStale(declaration, untouched)).stale).toBe(false);

    // A document verified after signing changes what was declared.
    const later = nouraDocs().map((d) =>
      d.id === 'doc-form' ? { ...d, verification: { status: 'pending' as const } } : d,
    );
    const before = await signedDeclaration(records({ documents: later }));
    expect((await isDeclarationStale(before, r)).changedFields).toEqual(['documents[1].verified']); // profile order: ID, iqama, form, proof;
  });

  test('the declared data from records builds a real declaration PDF that verifies against the records', async () => {
    const r = records();
    const pdf = await buildDeclarationPdf(
      {
        reference: 'DEC-1446-000043',
        declaredAt: SUBMITTED,
        association: {
          name: lamasat.association.nameAr,
          licenceNumber: lamasat.association.licenceNumber ?? '0000000000',
        },
        statement: { text: lamasat.declaration.textAr, policyVersion: String(lamasat.version) },
        data: declarationSnapshotFromRecords(r),
        applicant: { name: r.beneficiary.fullName },
        employee: { name: 'خالد إبراهيم الزهراني', role: 'مندوب المكتب الفرعي' },
        place: 'مكة المكرمة',
      },
      { variant: 'blank', device },
      loadPdfAssets(),
    );
    expect(pdf.dataSha256).toBe(await currentDeclarationDataHash(r));
    const keys = { [device.keyId]: device.publicKeySpki };
    const now = await verifyDeclaration({ pdf: pdf.pdf }, declarationSnapshotFromRecords(r), keys);
    expect(now.status).toBe('authentic_current');
    const edited = declarationSnapshotFromRecords(
      records({ beneficiary: noura({ phone: '+966559876543' }) }),
    );
    const later = await verifyDeclaration({ pdf: pdf.pdf }, edited, keys);
    expect(later).toMatchObject({
      status: 'authentic_stale',
      changedFields: ['beneficiary.mobile'],
    });
  }, 30_000);

  test('a tampered stored snapshot is reported', async () => {
    const r = records();
    const declaration = await signedDeclaration(r);
    const tampered = {
      ...declaration,
      snapshotJson: declaration.snapshotJson.replace('0501234567', '0500000000'),
    };
    const result = await isDeclarationStale(tampered, r);
    expect(result.snapshotIntact).toBe(false);
    expect(result.stale).toBe(false);
    expect(result.messageAr).toMatch(ARABIC);
  });

  test('gaps before a declaration can be printed', () => {
    const gaps = declarationGaps(
      records({ beneficiary: noura({ phone: undefined }), request: request({ summary: '  ' }) }),
    );
    expect(gaps.map((g) => g.field)).toEqual(['beneficiary.mobile', 'request.description']);
    expect(declarationGaps(records())).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('transitionContextFromRecords / applyProcedureEvent', () => {
  const lamasat = profile('lamasat');
  const delegate = { userId: 'user-delegate-1', role: 'field_delegate' as const };
  const committee = { userId: 'user-committee-1', role: 'committee_member' as const };
  const rest = () => ({ beneficiary: noura(), documents: nouraDocs(), profile: lamasat });

  test('the context: required types (alternatives resolved), labels, documents, reply days, data hash', async () => {
    const r: DeclarationRecords = { ...rest(), request: request() };
    const ctx = await transitionContextFromRecords(r, delegate, SUBMITTED);
    expect(ctx.requiredDocumentTypes).toEqual([
      'national_id',
      'marital_status_proof',
      'support_request_form',
    ]);
    expect(ctx.minimumReplyDays).toBe(14);
    expect(ctx.documents).toHaveLength(3);
    expect(ctx.currentDataHash).toBe(await currentDeclarationDataHash(r));
    expect(ctx.actor).toEqual(delegate);
    const none = await transitionContextFromRecords({ ...r, documents: [] }, delegate, SUBMITTED);
    expect(none.requiredDocumentTypes).toEqual([
      'national_id',
      'marital_status_proof',
      'support_request_form',
    ]);
    expect(none.documentTypeLabels?.['national_id']?.ar).toBe('الهوية الوطنية أو الإقامة');
  });

  test('sign, submit, decide: stored documents valid, history appended, updatedAt/updatedBy set', async () => {
    let req = request();
    const hash = await currentDeclarationDataHash({ ...rest(), request: req });
    const signed = await applyProcedureEvent(
      req,
      { type: 'sign_declaration', declarationId: 'dec-1', declarationHash: hash },
      rest(),
      delegate,
      '2025-03-05T10:00:00.000Z',
    );
    if (!signed.ok) throw new Error(signed.messageEn);
    req = signed.request;
    expect(req).toMatchObject({
      state: 'declaration_signed',
      declarationHash: hash,
      updatedBy: 'user-delegate-1',
      updatedAt: '2025-03-05T10:00:00.000Z',
    });

    const submitted = await applyProcedureEvent(
      req,
      { type: 'submit_to_committee' },
      rest(),
      delegate,
      new Date(SUBMITTED),
    );
    if (!submitted.ok) throw new Error(submitted.messageEn);
    req = submitted.request;
    expect(req).toMatchObject({
      state: 'submitted_to_committee',
      submittedAt: SUBMITTED,
      earliestReplyDate: '2025-03-20',
    });
    expect(req.history.map((h) => h.event)).toEqual([
      'begin_data_collection',
      'sign_declaration',
      'submit_to_committee',
    ]);
    expect(validateDocument(supportRequests, req).ok).toBe(true);

    const early = await applyProcedureEvent(
      req,
      { type: 'accept', decisionId: 'dcs-1' },
      rest(),
      committee,
      '2025-03-10T09:00:00.000Z',
    );
    expect(early.ok === false && early.code).toBe('reply_before_earliest_date');
    const accepted = await applyProcedureEvent(
      req,
      { type: 'accept', decisionId: 'dcs-1' },
      rest(),
      committee,
      '2025-03-20T09:00:00.000Z',
    );
    if (!accepted.ok) throw new Error(accepted.messageEn);
    expect(accepted.request).toMatchObject({
      state: 'accepted',
      decisionId: 'dcs-1',
      updatedBy: 'user-committee-1',
    });
    expect(accepted.entry).toMatchObject({
      from: 'submitted_to_committee',
      to: 'accepted',
      role: 'committee_member',
    });
  });

  test('submission is refused after a phone edit (stale declaration) and with an expired iqama', async () => {
    const req = request();
    const hash = await currentDeclarationDataHash({ ...rest(), request: req });
    const signed = await applyProcedureEvent(
      req,
      { type: 'sign_declaration', declarationId: 'dec-1', declarationHash: hash },
      rest(),
      delegate,
      '2025-03-05T10:00:00.000Z',
    );
    if (!signed.ok) throw new Error(signed.messageEn);
    const edited = { ...rest(), beneficiary: noura({ phone: '+966559876543' }) };
    const refused = await applyProcedureEvent(
      signed.request,
      { type: 'submit_to_committee' },
      edited,
      delegate,
      SUBMITTED,
    );
    expect(refused.ok === false && refused.code).toBe('declaration_stale');

    // A resident's iqama expired at submission.
    const expiry = gregorianToHijri({ y: 2025, m: 3, d: 1 });
    const a = amal();
    const aReq = request({ id: 'req-9', beneficiaryId: 'ben-amal' });
    const docs = [
      doc('doc-iqama', {
        beneficiaryId: 'ben-amal',
        type: 'iqama',
        number: AMAL_IQAMA,
        expiryDate: { calendar: 'hijri', ...expiry },
        verification: verified(),
      }),
      doc('doc-widow', {
        beneficiaryId: 'ben-amal',
        type: 'marital_status_proof',
        verification: verified(),
      }),
      doc('doc-form', {
        beneficiaryId: 'ben-amal',
        type: 'support_request_form',
        verification: verified(),
      }),
    ];
    const aRest = { beneficiary: a, documents: docs, profile: lamasat };
    const aHash = await currentDeclarationDataHash({ ...aRest, request: aReq });
    const aSigned = await applyProcedureEvent(
      aReq,
      { type: 'sign_declaration', declarationId: 'dec-9', declarationHash: aHash },
      aRest,
      delegate,
      '2025-03-05T10:00:00.000Z',
    );
    if (!aSigned.ok) throw new Error(aSigned.messageEn);
    const expired = await applyProcedureEvent(
      aSigned.request,
      { type: 'submit_to_committee' },
      aRest,
      delegate,
      SUBMITTED,
    );
    expect(expired.ok).toBe(false);
    if (expired.ok) return;
    expect(expired.code).toBe('required_document_expired');
    expect(expired.messageAr).toContain('الإقامة');

    // Removing a document after signing changes the declared data.
    const removed = await applyProcedureEvent(
      aSigned.request,
      { type: 'submit_to_committee' },
      { ...aRest, documents: docs.slice(1) },
      delegate,
      SUBMITTED,
    );
    expect(removed.ok === false && removed.code).toBe('declaration_stale');

    // Declared without an ID or iqama: the missing requirement names both alternatives.
    const noId = { ...aRest, documents: docs.slice(1) };
    const noIdSigned = await applyProcedureEvent(
      aReq,
      {
        type: 'sign_declaration',
        declarationId: 'dec-10',
        declarationHash: await currentDeclarationDataHash({ ...noId, request: aReq }),
      },
      noId,
      delegate,
      '2025-03-05T10:00:00.000Z',
    );
    if (!noIdSigned.ok) throw new Error(noIdSigned.messageEn);
    const missing = await applyProcedureEvent(
      noIdSigned.request,
      { type: 'submit_to_committee' },
      noId,
      delegate,
      SUBMITTED,
    );
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.code).toBe('required_document_missing');
    expect(missing.messageAr).toContain('الهوية الوطنية أو الإقامة');
  });

  test('records of another beneficiary are refused; workflow refusals pass through', async () => {
    const wrong = await applyProcedureEvent(
      request(),
      { type: 'submit_to_committee' },
      { ...rest(), beneficiary: amal() },
      delegate,
      SUBMITTED,
    );
    expect(wrong.ok === false && wrong.code).toBe('request_mismatch');
    const notAllowed = await applyProcedureEvent(
      request(),
      { type: 'register' },
      rest(),
      delegate,
      SUBMITTED,
    );
    expect(notAllowed.ok === false && notAllowed.code).toBe('transition_not_allowed');
    // A service missing from the profile has unknown requirements: no signing or submission.
    const retired = request({ serviceId: 'skills_programmes' });
    const blind = await applyProcedureEvent(
      retired,
      {
        type: 'sign_declaration',
        declarationId: 'dec-1',
        declarationHash: await currentDeclarationDataHash({ ...rest(), request: retired }),
      },
      rest(),
      delegate,
      SUBMITTED,
    );
    expect(blind.ok === false && blind.code).toBe('service_not_in_profile');
    const withdrawn = await applyProcedureEvent(
      retired,
      { type: 'withdraw', reason: 'انتقلت المستفيدة إلى مدينة أخرى' },
      rest(),
      delegate,
      SUBMITTED,
    );
    expect(withdrawn.ok && withdrawn.request.state).toBe('closed');
  });
});

// ---------------------------------------------------------------------------------------------

describe('duplicateCandidates', () => {
  test('same ID first, then same normalised name and birth date across calendars; never itself', () => {
    const birthG = hijriToGregorian({ y: 1408, m: 5, d: 14 });
    const sameId = noura({ id: 'ben-old-1', fullName: 'نوره القحطاني' });
    const sameNameDate = noura({
      id: 'ben-old-2',
      nationalId: generateNationalId('citizen', '99887766'),
      fullName: 'نوره بنت سعد القحطانى',
      birthDate: { calendar: 'gregorian', ...birthG },
    });
    const unrelated = amal();
    const candidates = duplicateCandidates(noura(), [sameNameDate, unrelated, sameId, noura()]);
    expect(candidates.map((c) => [c.existingId, c.reason])).toEqual([
      ['ben-old-1', 'same_national_id'],
      ['ben-old-2', 'same_name_and_birth_date'],
    ]);
    expect(candidates[0]).toMatchObject({
      reasonLabelAr: 'نفس رقم الهوية أو الإقامة',
      existingBranchId: 'branch-makkah',
    });
    expect(candidates[1]!.messageAr).toMatch(ARABIC);
    expect(
      duplicateCandidates({ nationalId: AMAL_IQAMA, fullName: 'آمال محمود' }, [noura()]),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('reports', () => {
  const yusr = profile('yusr');
  const mk = (id: string, over: Partial<SupportRequest>) => request({ id, ...over });

  test('requests by status, channel, service and branch, with Arabic and English labels', () => {
    const requests = [
      mk('r1', {
        state: 'submitted_to_committee',
        channelId: 'phone',
        serviceId: 'family_consultations',
        submittedAt: SUBMITTED,
        declarationId: 'd',
        declarationHash: 'a'.repeat(64),
      }),
      mk('r2', { state: 'data_collection', channelId: 'phone', serviceId: 'skills_programmes' }),
      mk('r3', {
        state: 'data_collection',
        channelId: 'website',
        serviceId: 'skills_programmes',
        branchId: 'branch-jeddah',
      }),
      mk('r4', {
        state: 'closed',
        channelId: 'fax_line',
        serviceId: 'retired_service',
        branchId: 'branch-taif',
      }),
    ];
    const status = requestsByStatus(requests);
    expect(status).toHaveLength(11);
    expect(status.find((s) => s.key === 'data_collection')).toEqual({
      key: 'data_collection',
      labelAr: 'جمع البيانات والتحقق',
      labelEn: 'Data collection and verification',
      count: 2,
    });
    expect(status.reduce((n, s) => n + s.count, 0)).toBe(4);

    const channels = requestsByChannel(requests, yusr);
    expect(channels.map((c) => c.key)).toEqual([...yusr.channels.map((c) => c.id), 'fax_line']);
    expect(channels.find((c) => c.key === 'phone')?.count).toBe(2);
    expect(channels.at(-1)?.labelAr).toContain('غير معرّفة');

    const services = requestsByService(requests, yusr);
    expect(services.find((s) => s.key === 'skills_programmes')).toMatchObject({
      labelAr: 'برامج مهارية للمطلقات والأرامل',
      count: 2,
    });
    expect(services.at(-1)).toMatchObject({ key: 'retired_service', count: 1 });

    const branchEntry = (id: string, name: string, nameEn: string, city: string): HqConfigEntry =>
      valid(hqConfig, {
        id: `cfg-${id}`,
        createdAt: CREATED,
        updatedAt: CREATED,
        updatedBy: 'admin-1',
        kind: 'branch',
        branchId: id,
        branch: { name, nameEn, city, active: true },
      });
    const branches = requestsByBranch(requests, [
      branchEntry('branch-makkah', 'فرع مكة المكرمة', 'Makkah branch', 'مكة المكرمة'),
      branchEntry('branch-jeddah', 'فرع جدة', 'Jeddah branch', 'جدة'),
    ]);
    expect(branches).toEqual([
      { key: 'branch-makkah', labelAr: 'فرع مكة المكرمة', labelEn: 'Makkah branch', count: 2 },
      { key: 'branch-jeddah', labelAr: 'فرع جدة', labelEn: 'Jeddah branch', count: 1 },
      {
        key: 'branch-taif',
        labelAr: 'فرع غير مسجّل (branch-taif)',
        labelEn: 'Unregistered branch (branch-taif)',
        count: 1,
      },
    ]);
  });

  test('overdue committee replies: on or after the earliest reply date, longest first', () => {
    const waiting = (id: string, submittedAt: string, earliest?: string) =>
      mk(id, {
        state: 'submitted_to_committee',
        submittedAt,
        declarationId: 'd',
        declarationHash: 'a'.repeat(64),
        ...(earliest ? { earliestReplyDate: earliest } : {}),
      });
    const requests = [
      waiting('due-today', '2025-03-06T09:00:00.000Z', '2025-03-20'),
      waiting('late', '2025-02-01T09:00:00.000Z', '2025-02-15'),
      waiting('not-yet', '2025-03-15T09:00:00.000Z', '2025-03-29'),
      waiting('computed', '2025-03-01T09:00:00.000Z'),
      mk('decided', {
        state: 'accepted',
        submittedAt: '2025-01-01T09:00:00.000Z',
        earliestReplyDate: '2025-01-15',
      }),
    ];
    const rows = overdueCommitteeReplies(requests, '2025-03-20T08:00:00.000Z');
    expect(rows.map((r) => [r.requestId, r.daysOverdue])).toEqual([
      ['late', 33],
      ['computed', 5],
      ['due-today', 0],
    ]);
    expect(rows[0]).toMatchObject({ daysWaiting: 47, earliestReplyDate: '2025-02-15' });
    expect(rows[1]!.earliestReplyDate).toBe('2025-03-15');
  });

  test('time to decision: median and p90 of Saudi days from reception to the final decision', () => {
    // Each request is received at reception 3 days before it is submitted; the committee decides
    // `days` later. The measure is the beneficiary's whole wait: reception → decision.
    const durations = [14, 15, 16, 18, 20, 21, 25, 30, 40, 60];
    const requests: SupportRequest[] = [];
    const decisions: CommitteeDecision[] = [];
    durations.forEach((days, i) => {
      const received = new Date(Date.UTC(2025, 0, 2, 8));
      const submitted = new Date(Date.UTC(2025, 0, 5, 8));
      requests.push(
        mk(`r${i}`, {
          createdAt: received.toISOString(),
          updatedAt: received.toISOString(),
          history: [
            { from: 'reception', to: 'data_collection', event: 'begin_data_collection', by: 'user-delegate-1', role: 'field_delegate', at: received.toISOString() },
          ],
          state: 'accepted',
          submittedAt: submitted.toISOString(),
          decisionId: `dc${i}`,
        }),
      );
      const decided = new Date(submitted.getTime() + days * 86_400_000 + 3_600_000).toISOString();
      decisions.push(
        valid(committeeDecisions, {
          ...base(`dc${i}`, decided, 'user-committee-1'),
          requestId: `r${i}`,
          beneficiaryId: 'ben-noura',
          serviceId: 'family_consultations',
          decision: i % 3 === 0 ? 'rejected' : 'accepted',
          reasons: i % 3 === 0 ? ['لم تكتمل شروط الخدمة: الإقامة منتهية'] : [],
          membersPresent: [
            { userId: 'user-committee-1', name: 'د. هند الشمري', position: 'رئيسة اللجنة' },
          ],
          decidedAt: decided,
        }),
      );
    });
    // A request for more information is not a final decision; a request never submitted is ignored.
    decisions.push(
      valid(committeeDecisions, {
        ...base('dc-info', '2025-01-06T08:00:00.000Z', 'user-committee-1'),
        requestId: 'r9',
        beneficiaryId: 'ben-noura',
        serviceId: 'family_consultations',
        decision: 'more_information',
        reasons: ['أرفقوا صك الطلاق'],
        membersPresent: [{ userId: 'user-committee-1', name: 'د. هند الشمري' }],
        decidedAt: '2025-01-06T08:00:00.000Z',
      }),
    );
    requests.push(mk('never', { state: 'data_collection' }));
    const summary = timeToDecisionDays(requests, decisions);
    // Three days longer than submission → decision (14 … 60).
    expect(summary).toEqual({ count: 10, medianDays: 23.5, p90Days: 43, minDays: 17, maxDays: 63 });
    expect(timeToDecisionDays([], [])).toEqual({
      count: 0,
      medianDays: null,
      p90Days: null,
      minDays: null,
      maxDays: null,
    });
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });

  test('time to decision starts at reception: the request\'s creation, or an earlier recorded step', () => {
    const decision = (requestId: string, decidedAt: string) =>
      valid(committeeDecisions, {
        ...base(`dc-${requestId}`, decidedAt, 'user-committee-1'),
        requestId,
        beneficiaryId: 'ben-noura',
        serviceId: 'family_consultations',
        decision: 'accepted',
        reasons: [],
        membersPresent: [{ userId: 'user-committee-1', name: 'د. هند الشمري' }],
        decidedAt,
      });
    // Received on 1 March (Riyadh), submitted 6 March, decided 20 March: 19 days, not 14.
    const received = mk('received', { state: 'accepted', createdAt: '2025-03-01T07:00:00.000Z', history: [], submittedAt: SUBMITTED, decisionId: 'dc-received' });
    expect(receivedAt(received)).toBe('2025-03-01T07:00:00.000Z');
    expect(timeToDecisionDays([received], [decision('received', '2025-03-20T08:00:00.000Z')]).medianDays).toBe(19);
    // A request typed in on 3 March for a reception step recorded on 28 February counts from 28 February.
    const late = mk('late', {
      state: 'accepted',
      createdAt: '2025-03-03T07:00:00.000Z',
      history: [{ from: 'reception', to: 'data_collection', event: 'begin_data_collection', by: 'user-delegate-1', role: 'field_delegate', at: '2025-02-28T07:00:00.000Z' }],
      submittedAt: SUBMITTED,
      decisionId: 'dc-late',
    });
    expect(receivedAt(late)).toBe('2025-02-28T07:00:00.000Z');
    expect(timeToDecisionDays([late], [decision('late', '2025-03-20T08:00:00.000Z')]).medianDays).toBe(20);
    // Reception at 23:30 Riyadh time is that Saudi day, not the next.
    const night = mk('night', { state: 'accepted', createdAt: '2025-03-01T20:30:00.000Z', history: [], submittedAt: SUBMITTED, decisionId: 'dc-night' });
    expect(timeToDecisionDays([night], [decision('night', '2025-03-20T08:00:00.000Z')]).medianDays).toBe(19);
  });

  test('satisfaction over time: monthly average and count, months by the Saudi civil day', () => {
    const ev = (
      id: string,
      at: string,
      overall: number,
      serviceId = 'family_consultations',
    ): SatisfactionEvaluation =>
      valid(satisfactionEvaluations, {
        ...base(id, at),
        serviceId,
        anonymous: true,
        submittedAt: at,
        overall,
        answers: [{ questionId: 'respect', score: overall }],
        comment: 'شكرًا لكم، التعامل راقٍ',
      });
    const evaluations = [
      ev('e1', '2025-03-02T09:00:00.000Z', 5),
      ev('e2', '2025-03-15T09:00:00.000Z', 4),
      ev('e3', '2025-03-20T09:00:00.000Z', 4),
      ev('e4', '2025-03-31T22:00:00.000Z', 2), // 1 April in Riyadh
      ev('e5', '2025-02-10T09:00:00.000Z', 3, 'skills_programmes'),
    ];
    const rows = satisfactionOverTime(evaluations, 'month');
    expect(rows).toEqual([
      {
        month: '2025-02',
        labelAr: 'فبراير 2025',
        labelEn: 'February 2025',
        count: 1,
        averageScore: 3,
      },
      {
        month: '2025-03',
        labelAr: 'مارس 2025',
        labelEn: 'March 2025',
        count: 3,
        averageScore: 4.33,
      },
      { month: '2025-04', labelAr: 'أبريل 2025', labelEn: 'April 2025', count: 1, averageScore: 2 },
    ]);
    expect(
      satisfactionOverTime(evaluations, 'month', { serviceId: 'skills_programmes' }).map(
        (r) => r.month,
      ),
    ).toEqual(['2025-02']);
  });
});

// ---------------------------------------------------------------------------------------------

/** RFC 4180 reader, to check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

describe('toCsv', () => {
  test('Arabic text with commas, quotes and newlines round-trips; BOM first; CRLF lines', () => {
    const rows = [
      { name: 'نورة بنت سعد القحطاني', note: 'قالت: "الإيجار متأخر"، ونحتاج, مساعدة', count: 3 },
      { name: 'آمال محمود', note: 'السطر الأول\nالسطر الثاني', count: 0 },
      { name: 'بدون ملاحظات', note: undefined, count: 12.5 },
    ];
    const csv = toCsv(rows, [
      { header: 'الاسم', value: 'name' },
      { header: 'ملاحظة، مختصرة', value: 'note' },
      { header: 'العدد', value: (r) => r.count },
    ]);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"قالت: ""الإيجار متأخر""، ونحتاج, مساعدة"');
    expect(parseCsv(csv.slice(1))).toEqual([
      ['الاسم', 'ملاحظة، مختصرة', 'العدد'],
      ['نورة بنت سعد القحطاني', 'قالت: "الإيجار متأخر"، ونحتاج, مساعدة', '3'],
      ['آمال محمود', 'السطر الأول\nالسطر الثاني', '0'],
      ['بدون ملاحظات', '', '12.5'],
    ]);
    // UTF-8 bytes start with EF BB BF.
    expect([...new TextEncoder().encode(csv).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  test('cells that would run as spreadsheet formulas are neutralised; numbers are not', () => {
    const csv = toCsv(
      [{ v: '=HYPERLINK("http://x")' }, { v: '+966501234567' }, { v: -5 }, { v: '@SUM(A1)' }],
      [{ header: 'v', value: 'v' }],
    );
    expect(parseCsv(csv.slice(1)).map((r) => r[0])).toEqual([
      'v',
      `'=HYPERLINK("http://x")`,
      `'+966501234567`,
      '-5',
      `'@SUM(A1)`,
    ]);
  });

  test('report rows export directly', () => {
    const csv = toCsv(requestsByStatus([request()]), [
      { header: 'الحالة', value: 'labelAr' },
      { header: 'Status', value: 'labelEn' },
      { header: 'العدد', value: 'count' },
    ]);
    const parsed = parseCsv(csv.slice(1));
    expect(parsed).toHaveLength(12);
    expect(parsed[2]).toEqual(['جمع البيانات والتحقق', 'Data collection and verification', '1']);
  });
});
