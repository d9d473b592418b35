import { describe, expect, test } from 'vitest';
import anatJson from '../../../shared/policy/profiles/anat-al-bayt.json';
import lamasatJson from '../../../shared/policy/profiles/lamasat.json';
import yusrJson from '../../../shared/policy/profiles/yusr.json';
import sidrJson from '../../../shared/policy/profiles/sidr.json';
import academyJson from '../../../shared/policy/profiles/open-islamic-academy.json';
import {
  getPolicyProfile,
  parsePolicyProfile,
  policyProfiles,
  policyProfilesById,
  type PolicyIssue,
  type PolicyProfile,
} from '../../../shared/policy';
import { evaluateEligibility } from '../../../shared/eligibility';

const profile = (id: string): PolicyProfile => {
  const p = getPolicyProfile(id);
  if (!p) throw new Error(`missing profile ${id}`);
  return p;
};
const channelLabels = (p: PolicyProfile) => p.channels.map((c) => c.labelAr);
const toolTitles = (p: PolicyProfile) => p.tools.map((t) => t.titleAr);
const clone = <T>(x: T): T => structuredClone(x);

function expectIssue(input: unknown, path: string, arabicFragment?: string): PolicyIssue {
  const result = parsePolicyProfile(input);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('unreachable');
  const issue = result.issues.find((i) => i.path === path);
  expect(issue, `issues: ${JSON.stringify(result.issues)}`).toBeDefined();
  expect(issue!.messageAr).toMatch(/[\u0600-\u06FF]/);
  expect(issue!.messageEn.length).toBeGreaterThan(10);
  if (arabicFragment) expect(issue!.messageAr).toContain(arabicFragment);
  return issue!;
}

describe('the five seed profiles', () => {
  test.each([
    ['anat-al-bayt', anatJson],
    ['lamasat', lamasatJson],
    ['yusr', yusrJson],
    ['sidr', sidrJson],
    ['open-islamic-academy', academyJson],
  ])('%s validates through parsePolicyProfile (object and JSON text)', (id, json) => {
    const fromObject = parsePolicyProfile(json);
    expect(fromObject.ok, JSON.stringify(fromObject.ok ? [] : fromObject.issues)).toBe(true);
    const fromText = parsePolicyProfile(JSON.stringify(json));
    expect(fromText.ok).toBe(true);
    if (fromObject.ok) expect(fromObject.profile.id).toBe(id);
  });

  test('are exported in seed order and by id', () => {
    expect(policyProfiles.map((p) => p.id)).toEqual(['anat-al-bayt', 'lamasat', 'yusr', 'sidr', 'open-islamic-academy']);
    expect([...policyProfilesById.keys()].sort()).toEqual(['anat-al-bayt', 'lamasat', 'open-islamic-academy', 'sidr', 'yusr']);
  });

  test.each(policyProfiles.map((p) => [p.id, p] as const))('%s carries the common core (7 procedure steps, two-week committee reply, declaration)', (_id, p) => {
    expect(p.procedureSteps.map((s) => s.order)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(p.procedureSteps[1]!.textAr).toContain('مطابقة البيانات والتأكد من صلاحيتها وقت التقديم');
    expect(p.procedureSteps[2]!.textAr).toContain('مسئول البحث الاجتماعي');
    expect(p.procedureSteps[3]!.textAr).toContain('مباشرة عن صحة المعلومات');
    expect(p.procedureSteps[4]!.textAr).toContain('لا تقل عن أسبوعين');
    expect(p.researchCommittee.minReplyPeriodDays).toBe(14);
    expect(p.declaration.textAr).toContain(p.association.nameAr);
    expect(p.declaration.textAr).toContain('مسؤولية مباشرة عن صحة');
    expect(p.goals.detailedAr).toHaveLength(6);
    expect(p.goals.meansAr.some((g) => g.includes('لا للعقاب والتشهير'))).toBe(true);
    // Every service has an interview template and ids are unique.
    for (const s of p.services) expect(s.interview.questions.length).toBeGreaterThan(0);
    expect(new Set(p.channels.map((c) => c.id)).size).toBe(p.channels.length);
  });

  const commonSeven = ['المقابلة', 'الاتصالات الهاتفية', 'وسائل التواصل الاجتماعي', 'الخطابات', 'خدمات طلب المساعدة', 'خدمة التطوع'];
  const fourTools = ['اللائحة الأساسية للجمعية', 'دليل خدمات البحث الاجتماعي', 'دليل سياسة الدعم للمستفيدين', 'طلب دعم مستفيد'];

  test('000 Anat Al-Bayt: 7 channels without branch delegates, 4 tools, licence, approval 06/09/1446 = 06/03/2025 with seven members', () => {
    const p = profile('anat-al-bayt');
    expect(p.association).toEqual({
      nameAr: 'جمعية أناة البيت للإسكان التنموي',
      nameEn: 'Anat Al-Bayt Association for Developmental Housing',
      licenceNumber: '1000734200',
    });
    expect(channelLabels(p)).toEqual([...commonSeven, 'الموقع الإلكتروني للجمعية']);
    expect(p.channels.some((c) => c.id === 'branch_delegates')).toBe(false);
    expect(toolTitles(p)).toEqual(fourTools);
    expect(p.tools.find((t) => t.id === 'support_request_form')?.isForm).toBe(true);
    expect(p.approval?.hijriDate).toEqual({ y: 1446, m: 9, d: 6 });
    expect(p.approval?.gregorianDate).toEqual({ y: 2025, m: 3, d: 6 });
    expect(p.approval?.members).toHaveLength(7);
    expect(p.approval?.members[0]?.nameAr).toBe('شعاع بنت عبد الله الحربي');
    expect(p.approval?.members[6]?.nameAr).toBe('رحمه سعيد فهد الشدي');
    expect(p.approval?.members.every((m) => m.roleAr === undefined && !m.signed)).toBe(true);
    expect(p.approval?.sessionNumber).toBeUndefined(); // "بجلسته 1.." is unclear in the document
    expect(p.services.map((s) => [s.id, s.source])).toEqual([['housing_support', 'derived']]);
    expect(p.services[0]!.conditions).toEqual([]);
    expect(p.contact).toBeUndefined();
  });

  test('001 Lamasat: 8 channels incl. branch-office delegates, 4 tools, licence, session 7 of 2025 on 7/9/2025, contacts', () => {
    const p = profile('lamasat');
    expect(p.association.nameAr).toBe('جمعية لمسات للمطلقات والأرامل وذويهم');
    expect(p.association.nameEn).toBeUndefined();
    expect(p.association.licenceNumber).toBe('1000586000');
    expect(channelLabels(p)).toEqual([...commonSeven, 'الموقع الالكتروني للجمعية', 'مناديب المكاتب الفرعية']);
    expect(toolTitles(p)).toEqual(fourTools);
    expect(p.issueDate?.gregorian).toEqual({ y: 2025, m: 9, d: 7 });
    expect(p.approval?.sessionNumber).toBe(7);
    expect(p.approval?.gregorianDate).toEqual({ y: 2025, m: 9, d: 7 });
    expect(p.approval?.hijriDate).toBeUndefined();
    expect(p.approval?.members).toHaveLength(0);
    expect(p.contact?.phones).toEqual(['0507142560']);
    expect(p.contact?.socialHandles).toContain('@LMSAT1000');
    expect(p.services.every((s) => s.source === 'derived')).toBe(true);
  });

  test('002 Yusr: 8 channels, 3 tools (no support request form), 5 services with conditions, meeting 5 on 25/11/1442 = 05/07/2021 with 11 members', () => {
    const p = profile('yusr');
    expect(p.association.nameAr).toBe('جمعية يُسر للتنمية الأسرية');
    expect(p.association.licenceNumber).toBeUndefined();
    expect(channelLabels(p)).toEqual([...commonSeven, 'الموقع الالكتروني للجمعية', 'مناديب المكاتب الفرعية']);
    expect(toolTitles(p)).toEqual(fourTools.slice(0, 3));
    expect(p.tools.some((t) => t.id === 'support_request_form')).toBe(false);
    expect(p.services.map((s) => s.nameAr)).toEqual([
      'الاستشارات الأسرية',
      'اللقاءات التوعوية والتثقيفية',
      'مركز شمل لتنفيذ أحكام الرؤية والزيارة والحضانة',
      'مركز الحماية الأسرية وحماية الطفل',
      'برامج مهارية للمطلقات والأرامل',
    ]);
    expect(p.services.every((s) => s.source === 'seed')).toBe(true);
    const types = (id: string) => p.services.find((s) => s.id === id)!.conditions.map((c) => c.type);
    expect(types('family_consultations')).toEqual(['nationality_or_residence', 'electronic_registration', 'evaluation_after_service']);
    expect(types('awareness_meetings')).toEqual(['nationality_or_residence', 'electronic_registration', 'evaluation_after_service', 'allOf']);
    expect(types('skills_programmes')).toEqual(['allOf', 'marital_status_proof', 'interview_passed', 'electronic_registration', 'evaluation_after_service']);
    expect(types('shaml_centre')).toEqual(['anyOf']);
    expect(types('protection_centre')).toEqual(['protection_referral']);
    expect(p.approval?.sessionNumber).toBe(5);
    expect(p.approval?.termAr).toBe('دورته الأولى');
    expect(p.approval?.hijriDate).toEqual({ y: 1442, m: 11, d: 25 });
    expect(p.approval?.gregorianDate).toEqual({ y: 2021, m: 7, d: 5 });
    expect(p.approval?.members).toHaveLength(11);
    expect(p.approval?.members[0]).toMatchObject({ nameAr: 'أ.د. هيفاء بنت عثمان فدا', roleAr: 'رئيس مجلس الإدارة' });
    expect(p.approval?.members[2]?.roleAr).toBe('المشرف المالي');
    expect(p.approval?.members.filter((m) => m.signed).map((m) => m.nameAr)).toEqual(['د/أمل بنت محمد بنونة']);
    expect(p.approval?.chairSignatureBlock).toBe(true);
    expect(p.notes.some((n) => n.textAr.includes('اللقاءات التوعوية والتثقيفية'))).toBe(true);
  });

  test('003 Sidr: 8 channels, 4 tools, and no board approval', () => {
    const p = profile('sidr');
    expect(p.association.nameAr).toBe('جمعية سدر للأشجار البرية');
    expect(channelLabels(p)).toEqual([...commonSeven, 'الموقع الإلكتروني للجمعية', 'مناديب المكاتب الفرعية']);
    expect(toolTitles(p)).toEqual(fourTools);
    expect(p.approval).toBeUndefined();
    expect(p.association.licenceNumber).toBeUndefined();
  });

  test('004 Open Islamic Academy: 7 channels with "delegates" and no help-request service, approval 17/7/1442 = 1/3/2021', () => {
    const p = profile('open-islamic-academy');
    expect(channelLabels(p)).toEqual([
      'المقابلة',
      'الاتصالات الهاتفية',
      'وسائل التواصل الاجتماعي',
      'الخطابات',
      'خدمة التطوع',
      'الموقع الإلكتروني للجمعية',
      'المناديب',
    ]);
    expect(p.channels.some((c) => c.id === 'help_request')).toBe(false);
    expect(p.channels.some((c) => c.id === 'branch_delegates')).toBe(false);
    expect(toolTitles(p)).toEqual(['اللائحة الأساسية للجمعية', 'دليل خدمات البحث الاجتماعي', 'دليل سياسة الدعم للمستخدمين', 'طلب دعم مستفيد']);
    expect(p.approval?.sessionNumber).toBe(2);
    expect(p.approval?.hijriDate).toEqual({ y: 1442, m: 7, d: 17 });
    expect(p.approval?.gregorianDate).toEqual({ y: 2021, m: 3, d: 1 });
    expect(p.approval?.members).toHaveLength(0);
  });
});

describe('parsePolicyProfile rejects broken profiles with a path and a message', () => {
  test('a missing channel label', () => {
    const broken = clone(yusrJson) as Record<string, unknown> & { channels: Record<string, unknown>[] };
    delete broken.channels[2]!['labelAr'];
    const issue = expectIssue(broken, 'channels.2.labelAr', 'مطلوب');
    expect(issue.messageEn).toContain('labelAr');
  });

  test('an empty channel label', () => {
    const broken = clone(anatJson);
    broken.channels[0]!.labelAr = '   ';
    expectIssue(broken, 'channels.0.labelAr', 'فارغ');
  });

  test('an unknown condition type, reported at the condition and naming the known types', () => {
    const broken = clone(yusrJson) as unknown as { services: { conditions: { type: string }[] }[] };
    broken.services[0]!.conditions[1]!.type = 'income_below';
    const issue = expectIssue(broken, 'services.0.conditions.1.type', 'income_below');
    expect(issue.messageAr).toContain('nationality_or_residence');
  });

  test('an unknown condition type nested inside anyOf/allOf', () => {
    const broken = clone(yusrJson) as unknown as { services: { conditions: { conditions: { conditions: { type: string }[] }[] }[] }[] };
    broken.services[2]!.conditions[0]!.conditions[1]!.conditions[0]!.type = 'kinship';
    expectIssue(broken, 'services.2.conditions.0.conditions.1.conditions.0.type', 'kinship');
  });

  test.each([-14, 0, 7, 13])('a research-committee reply period of %i days', (days) => {
    const broken = clone(sidrJson);
    broken.researchCommittee.minReplyPeriodDays = days;
    expectIssue(broken, 'researchCommittee.minReplyPeriodDays', 'أسبوعين');
  });

  test('a fractional reply period', () => {
    const broken = clone(sidrJson);
    broken.researchCommittee.minReplyPeriodDays = 14.5;
    expectIssue(broken, 'researchCommittee.minReplyPeriodDays');
  });

  test('duplicate channel, tool and service ids', () => {
    const broken = clone(yusrJson);
    broken.channels[3]!.id = broken.channels[0]!.id;
    broken.tools[2]!.id = broken.tools[1]!.id;
    broken.services[4]!.id = broken.services[0]!.id;
    expectIssue(broken, 'channels.3.id', 'مكرر');
    expectIssue(broken, 'tools.2.id', 'مكرر');
    expectIssue(broken, 'services.4.id', 'مكرر');
  });

  test('duplicate condition ids inside one service', () => {
    const broken = clone(yusrJson);
    broken.services[0]!.conditions[1]!.id = broken.services[0]!.conditions[0]!.id;
    expectIssue(broken, 'services.0.conditions.1.id', 'مكرر');
  });

  test('a referenced document type that does not exist', () => {
    const broken = clone(yusrJson) as unknown as { services: { requiredDocuments: { documentTypeIds: string[] }[]; conditions: Record<string, unknown>[] }[] };
    broken.services[4]!.requiredDocuments[1]!.documentTypeIds[0] = 'divorce_deed';
    broken.services[4]!.conditions[1]!['documentTypeId'] = 'divorce_deed';
    expectIssue(broken, 'services.4.requiredDocuments.1.documentTypeIds.0', 'divorce_deed');
    expectIssue(broken, 'services.4.conditions.1.documentTypeId', 'divorce_deed');
  });

  test('a Hijri date that does not match its Gregorian date (Umm al-Qura)', () => {
    const broken = clone(academyJson);
    broken.approval.hijriDate = { y: 1442, m: 7, d: 16 };
    expectIssue(broken, 'approval.hijriDate', '17/7/1442');
  });

  test('a licence number that is not 10 digits, and an unknown field', () => {
    const broken = clone(anatJson) as unknown as { association: Record<string, unknown> };
    broken.association['licenceNumber'] = '10007342';
    broken.association['licenseNo'] = 'x';
    expectIssue(broken, 'association.licenceNumber', 'رقم الترخيص');
    expectIssue(broken, 'association', 'licenseNo');
  });

  test('a choice question without options, and steps out of order', () => {
    const broken = clone(anatJson) as unknown as { services: { interview: { questions: Record<string, unknown>[] } }[]; procedureSteps: { order: number }[] };
    delete broken.services[0]!.interview.questions[2]!['options'];
    broken.procedureSteps[1]!.order = 5;
    expectIssue(broken, 'services.0.interview.questions.2.options', 'خيارين');
    expectIssue(broken, 'procedureSteps.1.order', '2');
  });

  test('text that is not JSON', () => {
    const result = parsePolicyProfile('{ "id": ');
    expect(result).toMatchObject({ ok: false, issues: [{ path: '' }] });
  });
});

describe('a sixth profile authored as data, without code changes', () => {
  const sixth = {
    schemaVersion: 1,
    id: 'new-association',
    version: 3,
    association: { nameAr: 'جمعية تجريبية للتنمية' },
    policyTitleAr: 'سياسة تنظيم العلاقة مع المستفيدين',
    channels: [{ id: 'interview', labelAr: 'المقابلة', labelEn: 'Interview' }],
    tools: [{ id: 'bylaws', titleAr: 'اللائحة الأساسية للجمعية', titleEn: 'Bylaws', descriptionAr: 'النظام الأساسي', descriptionEn: 'Founding bylaws' }],
    procedureSteps: [{ order: 1, textAr: 'استقبال المستفيد.' }],
    goals: { generalAr: 'خدمة المستفيدين.', detailedAr: ['قياس رضا المستفيد.'], meansAr: [] },
    documentTypes: [{ id: 'iqama', labelAr: 'الإقامة', labelEn: 'Iqama', source: 'seed' }],
    services: [
      {
        id: 'residents_programme',
        nameAr: 'برنامج المقيمين',
        nameEn: 'Residents programme',
        source: 'seed',
        conditions: [{ id: 'residents.only', type: 'nationality_or_residence', allowed: ['resident'], labelAr: 'مقيم بإقامة نظامية', labelEn: 'Lawful resident', source: 'seed' }],
        requiredDocuments: [{ documentTypeIds: ['iqama'], source: 'seed' }],
        interview: { source: 'seed', titleAr: 'مقابلة', titleEn: 'Interview', questions: [{ id: 'age', labelAr: 'العمر', labelEn: 'Age', type: 'number', required: true }] },
      },
    ],
    researchCommittee: { minReplyPeriodDays: 21 },
    declaration: { textAr: 'أقر بصحة البيانات.', textEn: 'I confirm the data is correct.' },
  };

  test('parses from JSON text and its conditions drive the eligibility engine', () => {
    const result = parsePolicyProfile(JSON.stringify(sixth));
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.profile.version).toBe(3);
    expect(result.profile.notes).toEqual([]);
    const service = result.profile.services[0]!;
    expect(evaluateEligibility(service, { beneficiary: { nationality: 'saudi' } })).toMatchObject({ verdict: 'not_eligible', failedConditionIds: ['residents.only'] });
    expect(evaluateEligibility(service, { beneficiary: { nationality: 'non_saudi', residenceStatus: 'lawful', iqamaValid: true } }).verdict).toBe('eligible');
  });
});
