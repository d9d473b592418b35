import {
  postServiceConditionTypes,
  type Condition,
  type ConditionType,
  type Gender,
  type ItemSource,
  type LegalStatus,
  type MaritalStatus,
  type ReferralMethod,
  type ReferralSource,
} from './conditions';
import type { EligibilityFacts, PersonLegalFacts } from './facts';

export type ConditionStatus = 'pass' | 'fail' | 'unknown';
export type EligibilityVerdict = 'eligible' | 'not_eligible' | 'incomplete';

/** A next step the staff must take instead of serving the request here (e.g. individual reports → 1919). */
export interface EligibilityRedirect {
  target: 'unified_reporting_centre_1919';
  messageAr: string;
  messageEn: string;
}

export interface ConditionResult {
  id: string;
  type: ConditionType;
  labelAr: string;
  labelEn: string;
  source: ItemSource;
  clause?: string | undefined;
  /** Id of the enclosing allOf/anyOf, if nested. */
  parentId?: string | undefined;
  depth: number;
  status: ConditionStatus;
  /** An obligation after the service (تقييم الخدمة بعد الحصول عليها); never blocks eligibility. */
  postService: boolean;
  explanationAr: string;
  explanationEn: string;
  redirect?: EligibilityRedirect | undefined;
}

export interface EligibilityResult {
  serviceId?: string | undefined;
  verdict: EligibilityVerdict;
  /** Failing conditions that make the verdict 'not_eligible' (top-level and the failing ones inside them). */
  failedConditionIds: string[];
  /** Conditions still lacking facts (top-level and the unknown ones inside them). */
  unknownConditionIds: string[];
  /** Post-service obligations not yet met (e.g. the evaluation after the service). */
  pendingObligationIds: string[];
  /** One result for EVERY condition, nested ones included, in document order (depth-first). */
  results: ConditionResult[];
  /** True when the service states no eligibility conditions (the research committee decides). */
  noStatedConditions: boolean;
  redirects: EligibilityRedirect[];
  messageAr: string;
  messageEn: string;
}

/** Anything with a list of conditions: a service of a policy profile, or an ad-hoc list. */
export interface ConditionHolder {
  id?: string;
  conditions: readonly Condition[];
}

export const REDIRECT_TO_1919: EligibilityRedirect = {
  target: 'unified_reporting_centre_1919',
  messageAr:
    'البلاغ الفردي لا يُقبل مباشرةً: وجّه المستفيد لتقديم البلاغ عن طريق مركز البلاغات الموحد (١٩١٩)، وتُستقبل الحالة بعد إحالتها رسمياً من المركز.',
  messageEn:
    'An individual report is not accepted directly: direct the beneficiary to file the report through the unified reporting centre (1919); the case is taken once the centre refers it formally.',
};

const statusAr: Record<LegalStatus, string> = { saudi: 'سعودي الجنسية', resident: 'مقيم بإقامة نظامية' };
const statusEn: Record<LegalStatus, string> = { saudi: 'Saudi national', resident: 'lawful resident' };
const genderAr: Record<Gender, string> = { female: 'أنثى', male: 'ذكر' };
const genderEn: Record<Gender, string> = { female: 'female', male: 'male' };
const maritalAr: Record<MaritalStatus, string> = { single: 'أعزب/عزباء', married: 'متزوج/ة', divorced: 'مطلقة/مطلق', widowed: 'أرملة/أرمل' };
const maritalEn: Record<MaritalStatus, string> = { single: 'single', married: 'married', divorced: 'divorced', widowed: 'widowed' };
const sourceAr: Record<ReferralSource, string> = {
  enforcement_court: 'محكمة التنفيذ',
  rulings_enforcement_division: 'شعبة تنفيذ الأحكام الحقوقية',
  unified_reporting_centre_1919: 'مركز البلاغات الموحد ١٩١٩',
  police: 'مراكز الشرطة',
  hospital: 'المستشفيات',
  school: 'المدارس',
  other_body: 'جهة أخرى',
  self: 'إحالة ذاتية / بلاغ فردي',
};
const sourceEn: Record<ReferralSource, string> = {
  enforcement_court: 'the enforcement court',
  rulings_enforcement_division: 'the rulings enforcement division',
  unified_reporting_centre_1919: 'the unified reporting centre 1919',
  police: 'the police',
  hospital: 'a hospital',
  school: 'a school',
  other_body: 'another body',
  self: 'self-referral / individual report',
};
const methodAr: Record<ReferralMethod, string> = {
  email: 'البريد الإلكتروني',
  hand_delivery_by_court_delegate: 'المناولة عن طريق مندوب المحكمة',
  official_letter: 'خطاب رسمي',
  phone: 'الهاتف',
  in_person: 'الحضور الشخصي',
  other: 'طريقة أخرى',
};
const methodEn: Record<ReferralMethod, string> = {
  email: 'e-mail',
  hand_delivery_by_court_delegate: "hand delivery by the court's delegate",
  official_letter: 'an official letter',
  phone: 'phone',
  in_person: 'in person',
  other: 'another method',
};

const listAr = (xs: readonly string[]) => xs.join(' أو ');

interface Outcome {
  status: ConditionStatus;
  ar: string;
  en: string;
  redirect?: EligibilityRedirect;
}
const pass = (ar: string, en: string): Outcome => ({ status: 'pass', ar, en });
const fail = (ar: string, en: string, redirect?: EligibilityRedirect): Outcome =>
  redirect ? { status: 'fail', ar, en, redirect } : { status: 'fail', ar, en };
const unknown = (ar: string, en: string): Outcome => ({ status: 'unknown', ar, en });

type LegalState = LegalStatus | 'not_lawful' | 'iqama_expired' | 'unknown';
function legalState(person: PersonLegalFacts | undefined): LegalState {
  if (!person?.nationality) return 'unknown';
  if (person.nationality === 'saudi') return 'saudi';
  if (person.residenceStatus === undefined) return 'unknown';
  if (person.residenceStatus === 'not_lawful') return 'not_lawful';
  if (person.iqamaValid === undefined) return 'unknown';
  return person.iqamaValid ? 'resident' : 'iqama_expired';
}

function evaluateLegalStatus(person: PersonLegalFacts | undefined, allowed: readonly LegalStatus[], whoAr: string, whoEn: string): Outcome {
  const wantedAr = listAr(allowed.map((s) => statusAr[s]));
  const wantedEn = allowed.map((s) => statusEn[s]).join(' or ');
  const state = legalState(person);
  switch (state) {
    case 'unknown':
      return unknown(
        `لم تُسجّل جنسية ${whoAr} أو حالة إقامته وصلاحيتها بعد؛ سجّلها من الهوية الوطنية أو الإقامة ثم أعد التحقق.`,
        `The nationality or residence status/validity of ${whoEn} is not recorded yet; record it from the national ID or iqama and check again.`,
      );
    case 'not_lawful':
      return fail(
        `${whoAr} غير سعودي وإقامته غير نظامية؛ الخدمة تشترط: ${wantedAr}.`,
        `${whoEn} is not Saudi and not a lawful resident; the service requires: ${wantedEn}.`,
      );
    case 'iqama_expired':
      return fail(
        `إقامة ${whoAr} منتهية الصلاحية؛ يلزم تجديدها قبل الحصول على الخدمة، ثم أعد التحقق.`,
        `The iqama of ${whoEn} has expired; it must be renewed before the service, then check again.`,
      );
    default:
      return allowed.includes(state)
        ? pass(`${whoAr}: ${statusAr[state]}.`, `${whoEn}: ${statusEn[state]}.`)
        : fail(
            `${whoAr}: ${statusAr[state]}، والخدمة مقصورة على: ${wantedAr}.`,
            `${whoEn} is a ${statusEn[state]}; the service is limited to: ${wantedEn}.`,
          );
  }
}

function evaluateLeaf(condition: Condition, facts: EligibilityFacts): Outcome {
  switch (condition.type) {
    case 'nationality_or_residence':
      return evaluateLegalStatus(facts.beneficiary, condition.allowed, 'المتقدم', 'the applicant');

    case 'gender': {
      const gender = facts.beneficiary?.gender;
      const allowedAr = listAr(condition.allowed.map((g) => genderAr[g]));
      const allowedEn = condition.allowed.map((g) => genderEn[g]).join(' or ');
      if (!gender) return unknown('لم يُسجّل جنس المتقدم بعد؛ سجّله ثم أعد التحقق.', "The applicant's gender is not recorded yet; record it and check again.");
      return condition.allowed.includes(gender)
        ? pass(`جنس المتقدم (${genderAr[gender]}) مما تشمله الخدمة.`, `The applicant's gender (${genderEn[gender]}) is covered by the service.`)
        : fail(
            `هذه الخدمة بحسب نص السياسة مقصورة على: ${allowedAr}، والمتقدم ${genderAr[gender]}. يمكن توجيهه إلى خدمة أخرى تناسبه.`,
            `Per the policy text this service is limited to: ${allowedEn}; the applicant is ${genderEn[gender]}. Offer another suitable service.`,
          );
    }

    case 'marital_status_proof': {
      const status = facts.beneficiary?.maritalStatus;
      const allowedAr = listAr(condition.allowedStatuses.map((s) => maritalAr[s]));
      const allowedEn = condition.allowedStatuses.map((s) => maritalEn[s]).join(' or ');
      if (status && !condition.allowedStatuses.includes(status)) {
        return fail(
          `الحالة الاجتماعية للمتقدم (${maritalAr[status]}) ليست من الحالات التي تخدمها هذه الخدمة: ${allowedAr}.`,
          `The applicant's marital status (${maritalEn[status]}) is not one this service is for: ${allowedEn}.`,
        );
      }
      if (!status) return unknown('لم تُسجّل الحالة الاجتماعية للمتقدم بعد؛ سجّلها من المستند المثبت لها.', "The applicant's marital status is not recorded yet; record it from the proving document.");
      if (facts.documents === undefined) return unknown('لم تُسجّل المستندات المقدمة بعد؛ أرفق ما يثبت الحالة الاجتماعية.', 'Presented documents are not recorded yet; attach the proof of marital status.');
      const docs = facts.documents.filter((d) => d.typeId === condition.documentTypeId);
      if (docs.length === 0) {
        return fail(
          'لم يقدّم المتقدم ما يثبت الحالة الاجتماعية؛ اطلب منه المستند وأرفقه ثم أعد التحقق.',
          'The applicant has not presented proof of marital status; ask for the document, attach it and check again.',
        );
      }
      if (!docs.some((d) => d.verified)) {
        return unknown('قُدّم مستند الحالة الاجتماعية ولم يُطابق بعد؛ طابقه مع الأصل وتأكد من صلاحيته.', 'The marital-status document was presented but not verified yet; match it against the original and confirm it is valid.');
      }
      return pass(`ثبتت الحالة الاجتماعية (${maritalAr[status]}) بمستند مطابَق.`, `Marital status (${maritalEn[status]}) is proven by a verified document.`);
    }

    case 'interview_passed':
      switch (facts.interview) {
        case 'passed':
          return pass('اجتاز المتقدم المقابلة الشخصية.', 'The applicant passed the personal interview.');
        case 'failed':
          return fail('لم يجتز المتقدم المقابلة الشخصية، واجتيازها شرط لهذه الخدمة.', 'The applicant did not pass the personal interview, which this service requires.');
        default:
          return unknown('لم تُجرَ المقابلة الشخصية بعد؛ حدّد موعداً لها وسجّل نتيجتها.', 'The personal interview has not been held yet; schedule it and record the result.');
      }

    case 'electronic_registration':
      if (facts.electronicRegistrationDone === true) return pass('سُجّل المتقدم على الرابط الإلكتروني الخاص بالخدمة.', "The applicant registered through the service's electronic link.");
      if (facts.electronicRegistrationDone === false) {
        return fail(
          'لم يسجّل المتقدم على الرابط الإلكتروني الخاص بالخدمة؛ ساعده على التسجيل ثم أعد التحقق.',
          "The applicant has not registered through the service's electronic link; help them register and check again.",
        );
      }
      return unknown('لم يُعرف بعد هل سجّل المتقدم على الرابط الإلكتروني للخدمة؛ تحقّق من التسجيل.', "It is not known yet whether the applicant registered through the service's link; check the registration.");

    case 'evaluation_after_service':
      if (facts.serviceDelivered !== true) {
        return unknown(
          'تقييم الخدمة التزام بعد الحصول عليها ولا يمنع تقديمها؛ ذكّر المستفيد بتقييمها بعد الاستفادة.',
          'Evaluating the service is an obligation after receiving it and does not block it; remind the beneficiary to evaluate it afterwards.',
        );
      }
      if (facts.evaluationSubmitted === true) return pass('قيّم المستفيد الخدمة بعد الحصول عليها.', 'The beneficiary evaluated the service after receiving it.');
      if (facts.evaluationSubmitted === false) {
        return fail('قُدّمت الخدمة ولم يقيّمها المستفيد بعد؛ اطلب منه تقييمها (التقييم حق له وأداة للتطوير لا للعقاب).', 'The service was delivered but not evaluated yet; ask the beneficiary to evaluate it (a right and a tool for improvement, not punishment).');
      }
      return unknown('قُدّمت الخدمة ولم يُسجّل هل قيّمها المستفيد؛ تحقّق من التقييم.', 'The service was delivered; whether it was evaluated is not recorded; check it.');

    case 'court_referral': {
      const referral = facts.referral;
      const sourcesAr = listAr(condition.sources.map((s) => sourceAr[s]));
      const sourcesEn = condition.sources.map((s) => sourceEn[s]).join(' or ');
      const methodsAr = condition.methods.map((m) => methodAr[m]).join(' أو ');
      const methodsEn = condition.methods.map((m) => methodEn[m]).join(' or ');
      if (!referral) return unknown('لم تُسجّل جهة إحالة الحالة بعد؛ سجّل هل أُحيلت من المحكمة أم هي إحالة ذاتية.', 'The referral source is not recorded yet; record whether the court referred the case or it is a self-referral.');
      if (!condition.sources.includes(referral.source)) {
        return fail(`الحالة لم تُحل من ${sourcesAr} (جهة الإحالة: ${sourceAr[referral.source]}).`, `The case was not referred by ${sourcesEn} (referred by: ${sourceEn[referral.source]}).`);
      }
      if (referral.method === undefined) return unknown(`سجّل طريقة وصول الإحالة: ${methodsAr}.`, `Record how the referral arrived: ${methodsEn}.`);
      if (!condition.methods.includes(referral.method)) {
        return fail(
          `وصلت الإحالة عن طريق ${methodAr[referral.method]}، والمعتمد رسمياً: ${methodsAr}. اطلب من المحكمة إرسالها بإحدى هاتين الطريقتين.`,
          `The referral arrived by ${methodEn[referral.method]}; the formal ways are: ${methodsEn}. Ask the court to send it that way.`,
        );
      }
      if (referral.official === false) return fail('الإحالة ليست رسمية؛ يلزم أن تصل بشكل رسمي من المحكمة.', 'The referral is not formal; it must come formally from the court.');
      return pass(`أُحيلت الحالة رسمياً من ${sourceAr[referral.source]} عن طريق ${methodAr[referral.method]}.`, `The case was formally referred by ${sourceEn[referral.source]} by ${methodEn[referral.method]}.`);
    }

    case 'self_referral': {
      const referral = facts.referral;
      if (!referral) return unknown('لم تُسجّل جهة إحالة الحالة بعد.', 'The referral source is not recorded yet.');
      if (referral.source !== 'self') return fail(`الحالة ليست إحالة ذاتية (جهة الإحالة: ${sourceAr[referral.source]}).`, `The case is not a self-referral (referred by: ${sourceEn[referral.source]}).`);
      const applicant = evaluateLegalStatus(facts.beneficiary, condition.partiesAllowed, 'المتقدم (طرف الدعوى)', 'the applicant (party to the case)');
      const counterpart = evaluateLegalStatus(facts.counterpartParty, condition.partiesAllowed, 'الطرف الآخر في الدعوى', 'the other party to the case');
      const parts = [applicant, counterpart];
      const failed = parts.filter((p) => p.status === 'fail');
      if (failed.length > 0) {
        return fail(
          `في الإحالة الذاتية يلزم أن يكون طرفا الدعوى سعوديين أو مقيمين بإقامة نظامية: ${failed.map((p) => p.ar).join(' ')}`,
          `In a self-referral both parties must be Saudi or lawful residents: ${failed.map((p) => p.en).join(' ')}`,
        );
      }
      const missing = parts.filter((p) => p.status === 'unknown');
      if (missing.length > 0) return unknown(missing.map((p) => p.ar).join(' '), missing.map((p) => p.en).join(' '));
      return pass('إحالة ذاتية وطرفا الدعوى سعوديان أو مقيمان بإقامة نظامية.', 'Self-referral, and both parties are Saudi or lawful residents.');
    }

    case 'execution_request_complete':
      if (facts.executionRequestComplete === true) return pass('قُدّم طلب التنفيذ واكتملت مستنداته وإجراءاته.', 'The execution request was filed with all its documents and procedures.');
      if (facts.executionRequestComplete === false) {
        return fail(
          'طلب التنفيذ غير مكتمل؛ يلزم تقديمه من أطراف الدعوى واستكمال جميع المستندات والإجراءات حسب ميثاق المستفيدين في المركز.',
          "The execution request is incomplete; the parties must file it and complete all documents and procedures per the centre's beneficiary charter.",
        );
      }
      return unknown('لم يُسجّل بعد هل قُدّم طلب التنفيذ واكتملت مستنداته.', 'Whether the execution request was filed and completed is not recorded yet.');

    case 'protection_referral': {
      const referral = facts.referral;
      const sourcesAr = listAr(condition.sources.map((s) => sourceAr[s]));
      const sourcesEn = condition.sources.map((s) => sourceEn[s]).join(', ');
      if (!referral) return unknown('لم تُسجّل جهة إحالة البلاغ بعد.', 'The source of the report is not recorded yet.');
      if (referral.source === 'self') {
        return condition.redirectIndividualReportsTo1919
          ? fail(REDIRECT_TO_1919.messageAr, REDIRECT_TO_1919.messageEn, REDIRECT_TO_1919)
          : fail(`البلاغ فردي؛ يلزم أن يكون محالاً من: ${sourcesAr}.`, `This is an individual report; it must be referred by: ${sourcesEn}.`);
      }
      if (!condition.sources.includes(referral.source)) {
        return fail(`البلاغ محال من ${sourceAr[referral.source]}، والجهات المعتمدة: ${sourcesAr}.`, `The report was referred by ${sourceEn[referral.source]}; accepted sources: ${sourcesEn}.`);
      }
      if (referral.official === undefined) return unknown('سجّل هل وصلت الإحالة بطريقة رسمية (خطاب أو بريد رسمي).', 'Record whether the referral arrived formally (official letter or e-mail).');
      if (!referral.official) return fail(`يلزم أن تصل الإحالة من ${sourceAr[referral.source]} بطريقة رسمية؛ اطلب خطاب الإحالة الرسمي.`, `The referral from ${sourceEn[referral.source]} must be formal; ask for the official referral letter.`);
      return pass(`البلاغ محال رسمياً من ${sourceAr[referral.source]}.`, `The report was formally referred by ${sourceEn[referral.source]}.`);
    }

    case 'allOf':
    case 'anyOf':
      throw new Error('composite conditions are evaluated by evaluateNode');
  }
}

const isPostService = (c: Condition) => postServiceConditionTypes.includes(c.type);

interface Node {
  result: ConditionResult;
  children: Node[];
}

function evaluateNode(condition: Condition, facts: EligibilityFacts, parentId: string | undefined, depth: number): Node {
  const common = {
    id: condition.id,
    type: condition.type,
    labelAr: condition.labelAr,
    labelEn: condition.labelEn,
    source: condition.source,
    clause: condition.clause,
    parentId,
    depth,
    postService: isPostService(condition),
  };
  if (condition.type !== 'allOf' && condition.type !== 'anyOf') {
    const o = evaluateLeaf(condition, facts);
    return { result: { ...common, status: o.status, explanationAr: o.ar, explanationEn: o.en, redirect: o.redirect }, children: [] };
  }
  const children = condition.conditions.map((c) => evaluateNode(c, facts, condition.id, depth + 1));
  // Post-service obligations inside a composite never decide it (see evaluation_after_service).
  const deciding = children.filter((c) => !c.result.postService).map((c) => c.result);
  const by = (s: ConditionStatus) => deciding.filter((r) => r.status === s);
  const namesAr = (rs: ConditionResult[]) => rs.map((r) => r.labelAr).join('؛ ');
  const namesEn = (rs: ConditionResult[]) => rs.map((r) => r.labelEn).join('; ');
  let o: Outcome;
  if (condition.type === 'allOf') {
    if (by('fail').length > 0) o = fail(`لم يتحقق: ${namesAr(by('fail'))}.`, `Not met: ${namesEn(by('fail'))}.`);
    else if (by('unknown').length > 0) o = unknown(`بانتظار استكمال: ${namesAr(by('unknown'))}.`, `Waiting for: ${namesEn(by('unknown'))}.`);
    else o = pass('تحققت جميع الشروط الفرعية.', 'All nested conditions are met.');
  } else {
    const passed = by('pass');
    if (passed.length > 0 || deciding.length === 0) o = pass(passed.length ? `تحقق البديل: ${namesAr(passed)}.` : 'لا بدائل مقيِّدة.', passed.length ? `Met by: ${namesEn(passed)}.` : 'No restricting alternatives.');
    else if (by('unknown').length > 0) o = unknown(`لم يتحقق أي بديل بعد؛ بانتظار: ${namesAr(by('unknown'))}.`, `No alternative met yet; waiting for: ${namesEn(by('unknown'))}.`);
    else o = fail(`لم يتحقق أي من البدائل: ${namesAr(by('fail'))}.`, `None of the alternatives is met: ${namesEn(by('fail'))}.`);
  }
  const redirect = o.status === 'fail' ? children.find((c) => c.result.redirect)?.result.redirect : undefined;
  return { result: { ...common, status: o.status, explanationAr: o.ar, explanationEn: o.en, redirect }, children };
}

function flatten(nodes: Node[], out: ConditionResult[] = []): ConditionResult[] {
  for (const n of nodes) {
    out.push(n.result);
    flatten(n.children, out);
  }
  return out;
}

/** Ids of nodes with `status` whose ancestors all have that status too (why the verdict is what it is). */
function culprits(nodes: Node[], status: ConditionStatus, out: string[] = []): string[] {
  for (const n of nodes) {
    if (n.result.postService || n.result.status !== status) continue;
    out.push(n.result.id);
    culprits(n.children, status, out);
  }
  return out;
}

/**
 * Evaluate a service's eligibility conditions against the facts.
 *
 * - Every condition (nested ones too) gets pass / fail / unknown with an Arabic and English explanation.
 * - Verdict: 'not_eligible' if any top-level pre-service condition fails (ids in `failedConditionIds`);
 *   otherwise 'incomplete' if any is unknown (`unknownConditionIds`); otherwise 'eligible'.
 * - Post-service obligations (evaluation_after_service) never change the verdict; unmet ones are listed
 *   in `pendingObligationIds`.
 * - A service with no stated conditions is 'eligible' with `noStatedConditions`: the research committee decides.
 */
export function evaluateEligibility(service: ConditionHolder, facts: EligibilityFacts): EligibilityResult {
  const nodes = service.conditions.map((c) => evaluateNode(c, facts, undefined, 0));
  const results = flatten(nodes);
  const top = nodes.map((n) => n.result).filter((r) => !r.postService);
  const failedConditionIds = culprits(nodes, 'fail');
  const unknownConditionIds = culprits(nodes, 'unknown');
  const pendingObligationIds = results.filter((r) => r.postService && r.status !== 'pass').map((r) => r.id);
  const redirects = [...new Map(results.filter((r) => r.status === 'fail' && r.redirect).map((r) => [r.redirect!.target, r.redirect!])).values()];
  const noStatedConditions = service.conditions.length === 0;

  let verdict: EligibilityVerdict;
  let messageAr: string;
  let messageEn: string;
  const failedTop = top.filter((r) => r.status === 'fail');
  const unknownTop = top.filter((r) => r.status === 'unknown');
  if (failedTop.length > 0) {
    verdict = 'not_eligible';
    messageAr = `المتقدم غير مستوفٍ لشروط الخدمة: ${failedTop.map((r) => r.labelAr).join('؛ ')}. راجع التفاصيل لمعرفة السبب والخطوة التالية.`;
    messageEn = `The applicant does not meet the service's conditions: ${failedTop.map((r) => r.labelEn).join('; ')}. See the details for the reason and next step.`;
  } else if (unknownTop.length > 0) {
    verdict = 'incomplete';
    messageAr = `لا يمكن الحكم بالاستحقاق قبل استكمال: ${unknownTop.map((r) => r.labelAr).join('؛ ')}.`;
    messageEn = `Eligibility cannot be decided until these are completed: ${unknownTop.map((r) => r.labelEn).join('; ')}.`;
  } else if (noStatedConditions) {
    verdict = 'eligible';
    messageAr = 'لا تنص السياسة على شروط استحقاق لهذه الخدمة؛ يُرفع الطلب إلى لجنة البحث لتقرر فيه.';
    messageEn = 'The policy states no eligibility conditions for this service; the request goes to the research committee to decide.';
  } else {
    verdict = 'eligible';
    messageAr = 'المتقدم مستوفٍ لجميع شروط الخدمة المنصوص عليها؛ يُرفع الطلب إلى لجنة البحث.';
    messageEn = "The applicant meets all of the service's stated conditions; the request goes to the research committee.";
  }
  return {
    serviceId: service.id,
    verdict,
    failedConditionIds,
    unknownConditionIds,
    pendingObligationIds,
    results,
    noStatedConditions,
    redirects,
    messageAr,
    messageEn,
  };
}
