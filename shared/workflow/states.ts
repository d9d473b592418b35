/**
 * The procedure a support request (طلب الدعم) follows, from the seven steps every policy lists:
 *
 *  1. reception (استقبال المستفيد) — the channel the beneficiary came through is recorded;
 *  2. data collection and verification (جمع البيانات ومطابقتها) — documents matched and checked
 *     for validity at the time of submission;
 *  3. optional referral to the social-research officer (إحالة لمسؤول البحث الاجتماعي) and back;
 *  4. the signed data declaration (الإقرار) — the applicant signs that the data is correct;
 *  5. submission to the research committee (لجنة البحث), which answers with acceptance or
 *     rejection within a period of not less than two weeks — or asks for more information;
 *  6. registration (استكمال التسجيل) once the request is complete;
 *  7. service delivery (تقديم الخدمة), then the beneficiary's evaluation (تقييم الخدمة) and closure.
 */
export const procedureStates = [
  'reception', // الاستقبال
  'data_collection', // جمع البيانات والتحقق
  'with_social_researcher', // لدى الباحث الاجتماعي
  'declaration_signed', // تم توقيع الإقرار
  'submitted_to_committee', // مرفوع إلى لجنة البحث
  'accepted', // مقبول
  'rejected', // مرفوض
  'registered', // مسجّل
  'service_delivered', // قُدّمت الخدمة
  'evaluated', // تم التقييم
  'closed', // مغلق
] as const;
export type ProcedureState = (typeof procedureStates)[number];

export const procedureEventTypes = [
  'begin_data_collection',
  'refer_to_researcher',
  'return_from_researcher',
  'sign_declaration',
  'reopen_data',
  'submit_to_committee',
  'accept',
  'reject',
  'request_more_information',
  'register',
  'deliver_service',
  'record_evaluation',
  'close',
  'withdraw',
] as const;
export type ProcedureEventType = (typeof procedureEventTypes)[number];

export interface Label {
  readonly ar: string;
  readonly en: string;
}

export const procedureStateLabels: Readonly<Record<ProcedureState, Label>> = {
  reception: { ar: 'الاستقبال', en: 'Reception' },
  data_collection: { ar: 'جمع البيانات والتحقق', en: 'Data collection and verification' },
  with_social_researcher: { ar: 'لدى الباحث الاجتماعي', en: 'With the social researcher' },
  declaration_signed: { ar: 'تم توقيع الإقرار', en: 'Declaration signed' },
  submitted_to_committee: { ar: 'مرفوع إلى لجنة البحث', en: 'Submitted to the research committee' },
  accepted: { ar: 'مقبول', en: 'Accepted' },
  rejected: { ar: 'مرفوض', en: 'Rejected' },
  registered: { ar: 'مكتمل التسجيل', en: 'Registered' },
  service_delivered: { ar: 'قُدّمت الخدمة', en: 'Service delivered' },
  evaluated: { ar: 'تم تقييم الخدمة', en: 'Service evaluated' },
  closed: { ar: 'مغلق', en: 'Closed' },
};

export const procedureEventLabels: Readonly<Record<ProcedureEventType, Label>> = {
  begin_data_collection: { ar: 'بدء جمع البيانات', en: 'begin data collection' },
  refer_to_researcher: { ar: 'الإحالة إلى الباحث الاجتماعي', en: 'refer to the social researcher' },
  return_from_researcher: { ar: 'الإعادة من الباحث الاجتماعي', en: 'return from the social researcher' },
  sign_declaration: { ar: 'توقيع الإقرار', en: 'sign the declaration' },
  reopen_data: { ar: 'إعادة فتح البيانات للتعديل', en: 'reopen the data for changes' },
  submit_to_committee: { ar: 'الرفع إلى لجنة البحث', en: 'submit to the research committee' },
  accept: { ar: 'قبول الطلب', en: 'accept the request' },
  reject: { ar: 'رفض الطلب', en: 'reject the request' },
  request_more_information: { ar: 'طلب معلومات إضافية', en: 'request more information' },
  register: { ar: 'استكمال التسجيل', en: 'complete the registration' },
  deliver_service: { ar: 'تقديم الخدمة', en: 'deliver the service' },
  record_evaluation: { ar: 'تسجيل تقييم الخدمة', en: 'record the service evaluation' },
  close: { ar: 'إغلاق الطلب', en: 'close the request' },
  withdraw: { ar: 'سحب الطلب', en: 'withdraw the request' },
};

/** States after which nothing more happens. */
export const terminalStates: readonly ProcedureState[] = ['closed'];
