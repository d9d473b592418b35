import { describe, expect, it } from 'vitest';
import { policyProfilesById } from '../../../shared/policy';
import { interviews, supportRequests, validateDocument, type Interview, type SupportRequest } from '../../../shared/schema';
import { assessEligibility, requiredDocumentsChecklist } from '../../../shared/casefile';
import {
  answerProblems,
  emptyInterviewInput,
  inputFromInterview,
  interviewRecord,
  answerForDisplay,
  latestDraft,
  normalizeNumberAnswer,
  sameInput,
} from '../../../renderer/src/features/requests/interview';
import { completedThrough, currentStep, isRequestStep, requestSteps } from '../../../renderer/src/features/requests/steps';
import { filterRequests } from '../../../renderer/src/features/requests/RequestsList';
import { provisionalRequest } from '../../../renderer/src/features/requests/NewRequest';
import { hashQuery, newRequestHref } from '../../../renderer/src/features/requests/routes';
import { generateNationalId } from '../../../shared/identity/nationalId';

const yusr = policyProfilesById.get('yusr')!;
const skills = yusr.services.find((s) => s.id === 'skills_programmes')!;
const ctx = { id: 'int1', requestId: 'req1', beneficiaryId: 'ben1', branchId: 'main', userId: 'user1', now: new Date('2026-11-21T10:00:00.000Z') };

describe('interview answers', () => {
  it('accepts anything in a draft, and on completion needs required answers, numbers and listed choices', () => {
    expect(answerProblems(skills.interview, {}, false)).toEqual({});
    const required = skills.interview.questions.filter((q) => q.required).map((q) => q.id).sort();
    expect(Object.keys(answerProblems(skills.interview, {}, true)).sort()).toEqual(required);
    const choice = skills.interview.questions.find((q) => q.type === 'choice')!;
    const number = skills.interview.questions.find((q) => q.type === 'number')!;
    const yesno = skills.interview.questions.find((q) => q.type === 'yesno')!;
    const p = answerProblems(skills.interview, { [choice.id]: 'nonsense', [number.id]: 'ثلاثة', [yesno.id]: 'maybe' }, true);
    expect(p[choice.id]).toBe('choice');
    expect(p[number.id]).toBe('number');
    expect(p[yesno.id]).toBe('choice');
  });

  it('reads numbers typed with Arabic-Indic digits', () => {
    expect(normalizeNumberAnswer('٣')).toBe('3');
    expect(normalizeNumberAnswer(' 2,5 ')).toBe('2.5');
    expect(normalizeNumberAnswer('abc')).toBeNull();
  });

  it('builds drafts and completed interviews the schema accepts, and restores a draft as typed', () => {
    const number = skills.interview.questions.find((q) => q.type === 'number')!;
    const text = skills.interview.questions.find((q) => q.type === 'text')!;
    const input = { mode: 'field' as const, answers: { [number.id]: '٤', [text.id]: 'الخياطة', unknown: 'x' }, notes: 'ملاحظة', result: 'passed' as const };
    const draft = interviewRecord(skills.interview, input, 'draft', ctx);
    expect(draft).toMatchObject({ status: 'draft', result: 'not_assessed', mode: 'field', notes: 'ملاحظة' });
    const checked = validateDocument(interviews, draft);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const stored = checked.value as Interview;
    expect(stored.answers).toEqual([
      { questionId: number.id, question: number.labelAr, answer: '4' },
      { questionId: text.id, question: text.labelAr, answer: 'الخياطة' },
    ]);
    const restored = inputFromInterview(stored);
    expect(restored.answers[text.id]).toBe('الخياطة');
    expect(restored.mode).toBe('field');
    const later = { ...ctx, id: 'other', now: new Date('2026-11-21T11:00:00.000Z') };
    const completed = interviewRecord(skills.interview, input, 'completed', later, stored);
    expect(completed).toMatchObject({ id: 'int1', createdAt: stored.createdAt, status: 'completed', result: 'passed', conductedAt: later.now.toISOString() });
    expect(validateDocument(interviews, completed).ok).toBe(true);
  });

  it('finds the newest draft and compares inputs', () => {
    const base = interviewRecord(skills.interview, emptyInterviewInput, 'draft', ctx) as Interview;
    const newer = { ...base, id: 'int2', updatedAt: '2026-11-21T12:00:00.000Z' };
    const done = { ...base, id: 'int3', status: 'completed' as const, updatedAt: '2026-11-21T13:00:00.000Z' };
    expect(latestDraft([base, newer, done])?.id).toBe('int2');
    expect(latestDraft([done])).toBeNull();
    expect(sameInput(emptyInterviewInput, { ...emptyInterviewInput, answers: { a: '' } })).toBe(true);
    expect(sameInput(emptyInterviewInput, { ...emptyInterviewInput, notes: 'x' })).toBe(false);
  });
});

describe('steps of the request file', () => {
  const req = (state: SupportRequest['state']) => ({ id: 'r', state });
  it('opens on the step the procedure is at', () => {
    expect(currentStep(req('reception'), [])).toBe('intake');
    expect(currentStep(req('data_collection'), [])).toBe('interview');
    expect(currentStep(req('data_collection'), [{ requestId: 'r', status: 'draft' }])).toBe('interview');
    expect(currentStep(req('data_collection'), [{ requestId: 'r', status: 'completed' }])).toBe('documents');
    expect(currentStep(req('data_collection'), [{ requestId: 'other', status: 'completed' }])).toBe('interview');
    expect(currentStep(req('with_social_researcher'), [])).toBe('interview');
    expect(currentStep(req('declaration_signed'), [])).toBe('submission');
    expect(currentStep(req('accepted'), [])).toBe('registration');
    expect(currentStep(req('service_delivered'), [])).toBe('evaluation');
    expect(completedThrough(req('reception'), [])).toBe(0);
    expect(completedThrough(req('closed'), [])).toBe(requestSteps.length);
    expect(isRequestStep('documents')).toBe(true);
    expect(isRequestStep('nope')).toBe(false);
  });
});

describe('new request', () => {
  const at = '2026-11-21T10:00:00.000Z';
  const beneficiary = { id: 'ben1', branchId: 'main', createdAt: at, updatedAt: at, updatedBy: 'u', fullName: 'نورة سعد العتيبي', nationalId: generateNationalId('citizen', '12121212'), idHash: '', phoneHash: '', gender: 'female' as const, maritalStatus: 'divorced' as const };
  it('is stored in state reception with its channel, and the eligibility engine answers for it', () => {
    const request = provisionalRequest({ id: 'req1', beneficiary, serviceId: skills.id, channelId: 'social_media', branchId: 'main', userId: 'u', now: new Date(at), summary: ' دورة خياطة ' });
    expect(request).toMatchObject({ state: 'reception', channelId: 'social_media', summary: 'دورة خياطة', history: [] });
    expect(validateDocument(supportRequests, request).ok).toBe(true);
    const assessment = assessEligibility({ beneficiary, request, documents: [], profile: yusr, asOf: at });
    expect(assessment.ok).toBe(true);
    if (!assessment.ok) return;
    expect(assessment.result.results.length).toBeGreaterThanOrEqual(skills.conditions.length);
    expect(assessment.result.results.some((c) => c.status === 'pass')).toBe(true); // divorced woman
    const checklist = requiredDocumentsChecklist(yusr, skills.id, [], at);
    expect(checklist.ok && checklist.items.map((i) => i.status)).toEqual(skills.requiredDocuments.map(() => 'missing'));
  });
  it('addresses the new request page with the beneficiary', () => {
    const href = newRequestHref('ben 1');
    expect(href).toBe('#/requests/new?beneficiary=ben%201');
    expect(hashQuery(href).get('beneficiary')).toBe('ben 1');
    expect(hashQuery('#/requests').get('beneficiary')).toBeNull();
  });
  it('filters the list by state and service', () => {
    const rows = [
      { id: '1', state: 'reception' as const, serviceId: 'a' },
      { id: '2', state: 'closed' as const, serviceId: 'a' },
      { id: '3', state: 'reception' as const, serviceId: 'b' },
    ];
    expect(filterRequests(rows, { state: '', serviceId: '' }).map((r) => r.id)).toEqual(['1', '2', '3']);
    expect(filterRequests(rows, { state: 'reception', serviceId: '' }).map((r) => r.id)).toEqual(['1', '3']);
    expect(filterRequests(rows, { state: 'reception', serviceId: 'b' }).map((r) => r.id)).toEqual(['3']);
  });
});

describe('interview answers as a person reads them', () => {
  const template = {
    source: 'derived' as const,
    titleAr: 'مقابلة',
    titleEn: 'Interview',
    questions: [
      { id: 'kind', labelAr: 'النوع', labelEn: 'Kind', type: 'choice' as const, required: true, options: [{ id: 'marital', labelAr: 'زوجية', labelEn: 'Marital' }, { id: 'social', labelAr: 'اجتماعية', labelEn: 'Social' }] },
      { id: 'first', labelAr: 'أول مرة؟', labelEn: 'First time?', type: 'yesno' as const, required: true },
      { id: 'note', labelAr: 'ملاحظة', labelEn: 'Note', type: 'text' as const, required: false },
    ],
  };
  const yesNo = { yes: 'نعم', no: 'لا' };
  it('shows option labels and yes/no words instead of stored codes', () => {
    expect(answerForDisplay(template, 'kind', 'marital', 'ar', yesNo)).toBe('زوجية');
    expect(answerForDisplay(template, 'kind', 'social', 'en', yesNo)).toBe('Social');
    expect(answerForDisplay(template, 'first', 'yes', 'ar', yesNo)).toBe('نعم');
    expect(answerForDisplay(template, 'first', 'no', 'ar', yesNo)).toBe('لا');
    expect(answerForDisplay(template, 'note', 'marital', 'ar', yesNo)).toBe('marital');
    expect(answerForDisplay(undefined, 'kind', 'marital', 'ar', yesNo)).toBe('marital');
  });
});
