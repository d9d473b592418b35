import { describe, expect, test } from 'vitest';
import { getPolicyProfile, type PolicyService } from '../../../shared/policy';
import {
  evaluateEligibility,
  REDIRECT_TO_1919,
  walkConditions,
  type Condition,
  type EligibilityFacts,
  type EligibilityResult,
} from '../../../shared/eligibility';

const yusr = getPolicyProfile('yusr')!;
const service = (id: string): PolicyService => {
  const s = yusr.services.find((x) => x.id === id);
  if (!s) throw new Error(`no service ${id}`);
  return s;
};
const statusOf = (r: EligibilityResult, id: string) => r.results.find((x) => x.id === id)?.status;

const saudiMan: EligibilityFacts['beneficiary'] = { nationality: 'saudi', gender: 'male', maritalStatus: 'married' };
const saudiWoman: EligibilityFacts['beneficiary'] = { nationality: 'saudi', gender: 'female', maritalStatus: 'divorced' };
const residentWoman: EligibilityFacts['beneficiary'] = { nationality: 'non_saudi', residenceStatus: 'lawful', iqamaValid: true, gender: 'female', maritalStatus: 'widowed' };

describe('Yusr service 1: family consultations (clause ١)', () => {
  const s = service('family_consultations');

  test('a registered Saudi man qualifies; the evaluation is a pending post-service obligation, not a blocker', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiMan, electronicRegistrationDone: true });
    expect(r.verdict).toBe('eligible');
    expect(r.failedConditionIds).toEqual([]);
    expect(r.unknownConditionIds).toEqual([]);
    expect(r.pendingObligationIds).toEqual(['consultations.evaluation']);
    expect(statusOf(r, 'consultations.evaluation')).toBe('unknown');
    expect(r.serviceId).toBe('family_consultations');
  });

  test('a lawful resident with a valid iqama qualifies too', () => {
    const r = evaluateEligibility(s, { beneficiary: residentWoman, electronicRegistrationDone: true });
    expect(r.verdict).toBe('eligible');
  });

  test('a non-Saudi without lawful residence fails the nationality condition', () => {
    const r = evaluateEligibility(s, { beneficiary: { nationality: 'non_saudi', residenceStatus: 'not_lawful', gender: 'male' }, electronicRegistrationDone: true });
    expect(r.verdict).toBe('not_eligible');
    expect(r.failedConditionIds).toEqual(['consultations.nationality']);
    expect(r.results.find((x) => x.id === 'consultations.nationality')?.explanationAr).toContain('غير نظامية');
    expect(r.messageAr).toContain('غير مستوفٍ');
  });

  test('an expired iqama fails with a renewal hint', () => {
    const r = evaluateEligibility(s, { beneficiary: { ...residentWoman, iqamaValid: false }, electronicRegistrationDone: true });
    expect(r.failedConditionIds).toEqual(['consultations.nationality']);
    expect(r.results.find((x) => x.id === 'consultations.nationality')?.explanationAr).toContain('تجديدها');
  });

  test('not registered on the link fails the registration condition', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiMan, electronicRegistrationDone: false });
    expect(r).toMatchObject({ verdict: 'not_eligible', failedConditionIds: ['consultations.registration'] });
  });

  test('after the service: evaluated → obligation met; not evaluated → still eligible but the obligation stays pending', () => {
    const done = evaluateEligibility(s, { beneficiary: saudiMan, electronicRegistrationDone: true, serviceDelivered: true, evaluationSubmitted: true });
    expect(done.pendingObligationIds).toEqual([]);
    expect(statusOf(done, 'consultations.evaluation')).toBe('pass');
    const owed = evaluateEligibility(s, { beneficiary: saudiMan, electronicRegistrationDone: true, serviceDelivered: true, evaluationSubmitted: false });
    expect(owed.verdict).toBe('eligible');
    expect(statusOf(owed, 'consultations.evaluation')).toBe('fail');
    expect(owed.pendingObligationIds).toEqual(['consultations.evaluation']);
    expect(owed.failedConditionIds).toEqual([]);
  });

  test('no facts at all → incomplete, naming the unknown conditions (not the post-service one)', () => {
    const r = evaluateEligibility(s, {});
    expect(r.verdict).toBe('incomplete');
    expect(r.unknownConditionIds).toEqual(['consultations.nationality', 'consultations.registration']);
    expect(r.messageAr).toContain('استكمال');
  });
});

describe("Yusr service 2: awareness meetings — the seed's own inconsistency (clauses ١ and ٢)", () => {
  const s = service('awareness_meetings');

  test('a registered Saudi woman qualifies under both clauses', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiWoman, electronicRegistrationDone: true });
    expect(r.verdict).toBe('eligible');
    expect(statusOf(r, 'awareness.nationality')).toBe('pass');
    expect(statusOf(r, 'awareness.female_saudi_or_resident')).toBe('pass');
  });

  test('a registered Saudi man passes clause ١-أ but fails clause ٢-أ (women only), and the engine says so', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiMan, electronicRegistrationDone: true });
    expect(r.verdict).toBe('not_eligible');
    expect(statusOf(r, 'awareness.nationality')).toBe('pass');
    expect(r.failedConditionIds).toEqual(['awareness.female_saudi_or_resident', 'awareness.female']);
    const gender = r.results.find((x) => x.id === 'awareness.female')!;
    expect(gender.clause).toBe('٢-أ');
    expect(gender.parentId).toBe('awareness.female_saudi_or_resident');
    expect(gender.explanationAr).toContain('مقصورة على: أنثى');
    expect(gender.explanationEn).toContain('limited to: female');
  });
});

describe('Yusr service 3: Shaml centre (clause ٤: court referral OR self-referral)', () => {
  const s = service('shaml_centre');

  test('a formal referral from the enforcement court by e-mail qualifies on its own', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiWoman, referral: { source: 'enforcement_court', method: 'email', official: true } });
    expect(r.verdict).toBe('eligible');
    expect(statusOf(r, 'shaml.court_referral')).toBe('pass');
    expect(statusOf(r, 'shaml.self_referral')).toBe('fail'); // the other alternative fails, which is fine
    expect(r.failedConditionIds).toEqual([]);
  });

  test("hand delivery by the court's delegate from the rulings division qualifies", () => {
    const r = evaluateEligibility(s, { referral: { source: 'rulings_enforcement_division', method: 'hand_delivery_by_court_delegate', official: true } });
    expect(r.verdict).toBe('eligible');
  });

  test('a self-referral qualifies when both parties are Saudi or lawful residents and the execution request is complete', () => {
    const r = evaluateEligibility(s, {
      beneficiary: saudiWoman,
      counterpartParty: { nationality: 'non_saudi', residenceStatus: 'lawful', iqamaValid: true },
      referral: { source: 'self' },
      executionRequestComplete: true,
    });
    expect(r.verdict).toBe('eligible');
    expect(statusOf(r, 'shaml.self_referral_path')).toBe('pass');
  });

  test('a self-referral whose other party is not a lawful resident fails, naming the self-referral condition', () => {
    const r = evaluateEligibility(s, {
      beneficiary: saudiWoman,
      counterpartParty: { nationality: 'non_saudi', residenceStatus: 'not_lawful' },
      referral: { source: 'self' },
      executionRequestComplete: true,
    });
    expect(r.verdict).toBe('not_eligible');
    expect(r.failedConditionIds).toEqual(['shaml.referral', 'shaml.court_referral', 'shaml.self_referral_path', 'shaml.self_referral']);
    expect(statusOf(r, 'shaml.execution_request')).toBe('pass');
    expect(r.results.find((x) => x.id === 'shaml.self_referral')!.explanationAr).toContain('الطرف الآخر في الدعوى');
  });

  test('a self-referral with an incomplete execution request fails on clause ٤-ج', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiWoman, counterpartParty: { nationality: 'saudi' }, referral: { source: 'self' }, executionRequestComplete: false });
    expect(r.failedConditionIds).toContain('shaml.execution_request');
    expect(r.failedConditionIds).not.toContain('shaml.self_referral');
  });

  test('a court referral by phone is not one of the formal ways', () => {
    const r = evaluateEligibility(s, { referral: { source: 'enforcement_court', method: 'phone', official: false } });
    expect(r.verdict).toBe('not_eligible');
    expect(r.results.find((x) => x.id === 'shaml.court_referral')!.explanationAr).toContain('البريد الإلكتروني أو المناولة عن طريق مندوب المحكمة');
  });

  test('a self-referral with the other party unknown is incomplete, not rejected', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiWoman, referral: { source: 'self' }, executionRequestComplete: true });
    expect(r.verdict).toBe('incomplete');
    expect(r.unknownConditionIds).toEqual(['shaml.referral', 'shaml.self_referral_path', 'shaml.self_referral']);
  });
});

describe('Yusr service 4: family and child protection centre (clause ٥)', () => {
  const s = service('protection_centre');

  test('a formal referral from the police qualifies', () => {
    const r = evaluateEligibility(s, { referral: { source: 'police', method: 'official_letter', official: true } });
    expect(r.verdict).toBe('eligible');
  });

  test('a formal referral from the 1919 centre, a hospital or a school qualifies', () => {
    for (const source of ['unified_reporting_centre_1919', 'hospital', 'school'] as const) {
      expect(evaluateEligibility(s, { referral: { source, official: true } }).verdict).toBe('eligible');
    }
  });

  test('an individual report is redirected to the unified reporting centre 1919', () => {
    const r = evaluateEligibility(s, { referral: { source: 'self', method: 'in_person' } });
    expect(r.verdict).toBe('not_eligible');
    expect(r.failedConditionIds).toEqual(['protection.referral']);
    expect(r.redirects).toEqual([REDIRECT_TO_1919]);
    const result = r.results[0]!;
    expect(result.redirect?.target).toBe('unified_reporting_centre_1919');
    expect(result.explanationAr).toContain('مركز البلاغات الموحد (١٩١٩)');
    expect(result.explanationAr).toContain('وجّه المستفيد لتقديم البلاغ');
    expect(result.explanationEn).toContain('1919');
  });

  test('an informal referral from a school fails and asks for the official letter', () => {
    const r = evaluateEligibility(s, { referral: { source: 'school', official: false } });
    expect(r.failedConditionIds).toEqual(['protection.referral']);
    expect(r.redirects).toEqual([]);
    expect(r.results[0]!.explanationAr).toContain('بطريقة رسمية');
  });

  test('a referral from a body not listed (e.g. the court) fails', () => {
    expect(evaluateEligibility(s, { referral: { source: 'enforcement_court', official: true } }).verdict).toBe('not_eligible');
  });
});

describe('Yusr service 5: skills programmes for divorcees and widows (clause ٣)', () => {
  const s = service('skills_programmes');
  const qualifying: EligibilityFacts = {
    beneficiary: saudiWoman,
    documents: [{ typeId: 'marital_status_proof', verified: true }],
    interview: 'passed',
    electronicRegistrationDone: true,
  };

  test('a divorced Saudi woman with verified proof, a passed interview and registration qualifies', () => {
    const r = evaluateEligibility(s, qualifying);
    expect(r.verdict).toBe('eligible');
    expect(r.pendingObligationIds).toEqual(['skills.evaluation']);
  });

  test('a widowed lawful resident qualifies', () => {
    expect(evaluateEligibility(s, { ...qualifying, beneficiary: residentWoman }).verdict).toBe('eligible');
  });

  test('failing the personal interview is named', () => {
    const r = evaluateEligibility(s, { ...qualifying, interview: 'failed' });
    expect(r).toMatchObject({ verdict: 'not_eligible', failedConditionIds: ['skills.interview'] });
  });

  test('a married applicant fails the marital-status condition', () => {
    const r = evaluateEligibility(s, { ...qualifying, beneficiary: { ...saudiWoman, maritalStatus: 'married' } });
    expect(r.failedConditionIds).toEqual(['skills.marital_status']);
  });

  test('no proof presented fails; proof presented but not yet verified is incomplete', () => {
    expect(evaluateEligibility(s, { ...qualifying, documents: [] }).failedConditionIds).toEqual(['skills.marital_status']);
    const pending = evaluateEligibility(s, { ...qualifying, documents: [{ typeId: 'marital_status_proof', verified: false }] });
    expect(pending.verdict).toBe('incomplete');
    expect(pending.unknownConditionIds).toEqual(['skills.marital_status']);
  });

  test('a man fails clause ٣-أ', () => {
    const r = evaluateEligibility(s, { ...qualifying, beneficiary: { ...saudiMan, maritalStatus: 'divorced' } });
    expect(r.failedConditionIds).toEqual(['skills.female_saudi_or_resident', 'skills.female']);
  });

  test('a failure outranks missing facts: the verdict is not_eligible and the unknowns are still listed', () => {
    const r = evaluateEligibility(s, { beneficiary: saudiMan });
    expect(r.verdict).toBe('not_eligible');
    expect(r.unknownConditionIds).toEqual(expect.arrayContaining(['skills.interview', 'skills.registration']));
  });
});

describe('engine properties', () => {
  test('every condition of every Yusr service gets a result with Arabic and English explanations', () => {
    for (const s of yusr.services) {
      const r = evaluateEligibility(s, { beneficiary: saudiWoman });
      const ids = [...walkConditions(s.conditions)].map((x) => x.condition.id);
      expect(r.results.map((x) => x.id)).toEqual(ids);
      for (const x of r.results) {
        expect(x.explanationAr).toMatch(/[\u0600-\u06FF]/);
        expect(x.explanationEn).toMatch(/[a-z]/);
        expect(['pass', 'fail', 'unknown']).toContain(x.status);
      }
    }
  });

  test('a derived service with no stated conditions is eligible and says the research committee decides', () => {
    const anat = getPolicyProfile('anat-al-bayt')!;
    const r = evaluateEligibility(anat.services[0]!, {});
    expect(r).toMatchObject({ verdict: 'eligible', noStatedConditions: true, results: [] });
    expect(r.messageAr).toContain('لجنة البحث');
  });

  test('anyOf is unknown when no alternative passes and one is unknown; fails only when all fail', () => {
    const conditions: Condition[] = [
      {
        id: 'either',
        type: 'anyOf',
        labelAr: 'أحدهما',
        labelEn: 'Either',
        source: 'derived',
        conditions: [
          { id: 'women', type: 'gender', allowed: ['female'], labelAr: 'أنثى', labelEn: 'Woman', source: 'derived' },
          { id: 'interview', type: 'interview_passed', labelAr: 'المقابلة', labelEn: 'Interview', source: 'derived' },
        ],
      },
    ];
    expect(evaluateEligibility({ conditions }, { beneficiary: { gender: 'male' } }).verdict).toBe('incomplete');
    expect(evaluateEligibility({ conditions }, { beneficiary: { gender: 'male' }, interview: 'failed' })).toMatchObject({
      verdict: 'not_eligible',
      failedConditionIds: ['either', 'women', 'interview'],
    });
    expect(evaluateEligibility({ conditions }, { beneficiary: { gender: 'male' }, interview: 'passed' }).verdict).toBe('eligible');
  });
});
