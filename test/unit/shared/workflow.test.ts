/**
 * The support-request procedure: every legal transition, every illegal one with its reason,
 * the guards (roles, documents, declaration, committee, acceptance before service), and the
 * earliest reply date (never less than 14 days after submission).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import {
  MAXIMUM_REPLY_DAYS,
  MAX_REASON_LENGTH,
  MINIMUM_REPLY_DAYS,
  availableEvents,
  earliestReplyDate,
  effectiveReplyDays,
  procedureEventTypes,
  procedureStates,
  transition,
  transitionRules,
  type ProcedureEvent,
  type ProcedureEventType,
  type ProcedureState,
  type TransitionContext,
} from '../../../shared/workflow';
import { roles, type Role, supportRequests, validateDocument, type BeneficiaryDocument, type SupportRequest } from '../../../shared/schema';
import { daysBetween, parseIsoDate, saudiCivilDate } from '../../../shared/dates';

const ARABIC = /[\u0600-\u06ff]/;
const HASH = 'c'.repeat(64);
const OTHER_HASH = 'd'.repeat(64);
const CREATED = '2025-03-01T08:00:00.000Z';
const SUBMITTED = '2025-03-06T09:00:00.000Z';
const AFTER_STUDY = '2025-03-25T09:00:00.000Z';

function request(state: ProcedureState, over: Partial<SupportRequest> = {}): SupportRequest {
  const afterDeclaration = ['declaration_signed', 'submitted_to_committee', 'accepted', 'registered', 'service_delivered', 'evaluated', 'closed'].includes(state);
  const afterSubmission = ['submitted_to_committee', 'accepted', 'rejected', 'registered', 'service_delivered', 'evaluated', 'closed'].includes(state);
  return {
    id: 'req-1',
    branchId: 'branch-riyadh',
    createdAt: CREATED,
    updatedAt: CREATED,
    updatedBy: 'user-1',
    beneficiaryId: 'ben-1',
    serviceId: 'family_consultation',
    channelId: 'branch_delegates',
    state,
    history: [],
    ...(afterDeclaration ? { declarationId: 'dec-1', declarationHash: HASH } : {}),
    ...(afterSubmission ? { submittedAt: SUBMITTED, earliestReplyDate: '2025-03-20' } : {}),
    ...over,
  };
}

const verifiedDocs = [
  { type: 'national_id', verification: { status: 'verified' }, expiryDate: { calendar: 'hijri' as const, y: 1450, m: 1, d: 1 } },
  { type: 'marital_status_proof', verification: { status: 'verified' } },
];

function ctx(role: Role, over: Partial<TransitionContext> = {}): TransitionContext {
  return {
    actor: { userId: `user-${role}`, role },
    at: AFTER_STUDY,
    minimumReplyDays: 14,
    requiredDocumentTypes: ['national_id', 'marital_status_proof'],
    documents: verifiedDocs,
    currentDataHash: HASH,
    ...over,
  };
}

/** A well-formed event of each type. */
function eventOf(type: ProcedureEventType, state: ProcedureState = 'reception'): ProcedureEvent {
  switch (type) {
    case 'refer_to_researcher':
      return { type, reason: 'الإجراءات غير واضحة للمستفيدة' };
    case 'return_from_researcher':
      return { type, reason: 'تم الإيضاح' };
    case 'sign_declaration':
      return { type, declarationId: 'dec-2', declarationHash: HASH };
    case 'reopen_data':
      return { type, reason: 'تغيّر عدد أفراد الأسرة' };
    case 'accept':
      return { type, decisionId: 'cd-1' };
    case 'reject':
      return { type, decisionId: 'cd-1', reason: 'لا تنطبق الشروط' };
    case 'request_more_information':
      return { type, decisionId: 'cd-1', reason: 'صك الطلاق مطلوب' };
    case 'deliver_service':
      return { type, deliveryId: 'sd-1' };
    case 'close':
      return state === 'service_delivered' ? { type, reason: 'المستفيدة لم ترغب في التقييم' } : { type };
    case 'withdraw':
      return { type, reason: 'طلب المستفيد سحب الطلب' };
    default:
      return { type } as ProcedureEvent;
  }
}

/** Deep-freeze so any mutation of the input throws. */
function frozen<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

const legal: [ProcedureEventType, ProcedureState, Role][] = [];
const wrongState: [ProcedureEventType, ProcedureState][] = [];
const wrongRole: [ProcedureEventType, ProcedureState, Role][] = [];
for (const type of procedureEventTypes) {
  const rule = transitionRules[type];
  for (const state of procedureStates) {
    if (!rule.from.includes(state)) wrongState.push([type, state]);
    else for (const role of roles) (rule.roles.includes(role) ? legal : wrongRole).push([type, state, role]);
  }
}

describe('every legal transition', () => {
  test('there are legal transitions for every event and every non-final state is left somehow', () => {
    expect(new Set(legal.map(([t]) => t)).size).toBe(procedureEventTypes.length);
    for (const s of procedureStates.filter((x) => x !== 'closed')) expect(legal.some(([, from]) => from === s)).toBe(true);
  });

  test.each(legal)('%s from %s by %s', (type, state, role) => {
    const before = frozen(request(state));
    const r = transition(before, eventOf(type, state), ctx(role));
    expect(r.ok ? '' : `${r.code}: ${r.messageEn}`).toBe('');
    if (!r.ok) return;
    expect(r.request.state).toBe(transitionRules[type].to);
    expect(r.request.history).toHaveLength(1);
    const entry = r.request.history[0]!;
    expect(entry).toMatchObject({ from: state, to: transitionRules[type].to, event: type, by: `user-${role}`, role, at: AFTER_STUDY });
    expect(r.entry).toEqual(entry);
    const ev = eventOf(type, state);
    if ('reason' in ev && ev.reason) expect(entry.reason).toBe(ev.reason);
    expect(r.request.updatedAt).toBe(AFTER_STUDY);
    expect(r.request.updatedBy).toBe(`user-${role}`);
    // The result is still a valid support_requests document.
    const valid = validateDocument(supportRequests, r.request);
    expect(valid.ok ? [] : valid.issues).toEqual([]);
  });

  test('the whole procedure, start to finish, builds the history in order', () => {
    let req: SupportRequest = request('reception');
    const steps: [ProcedureEvent, Role, string][] = [
      [{ type: 'begin_data_collection' }, 'field_delegate', '2025-03-01T09:00:00Z'],
      [{ type: 'refer_to_researcher', reason: 'الإجراءات غير واضحة' }, 'field_delegate', '2025-03-01T09:10:00Z'],
      [{ type: 'return_from_researcher' }, 'social_researcher', '2025-03-02T09:00:00Z'],
      [{ type: 'sign_declaration', declarationId: 'dec-1', declarationHash: HASH }, 'field_delegate', '2025-03-06T08:00:00Z'],
      [{ type: 'submit_to_committee' }, 'branch_staff', SUBMITTED],
      [{ type: 'request_more_information', decisionId: 'cd-1', reason: 'صك الطلاق مطلوب' }, 'committee_member', '2025-03-08T09:00:00Z'],
      [{ type: 'sign_declaration', declarationId: 'dec-2', declarationHash: HASH }, 'branch_staff', '2025-03-09T09:00:00Z'],
      [{ type: 'submit_to_committee' }, 'branch_staff', '2025-03-09T10:00:00Z'],
      [{ type: 'accept', decisionId: 'cd-2' }, 'committee_member', '2025-03-23T09:00:00Z'],
      [{ type: 'register' }, 'branch_staff', '2025-03-24T09:00:00Z'],
      [{ type: 'deliver_service', deliveryId: 'sd-1' }, 'field_delegate', '2025-03-25T09:00:00Z'],
      [{ type: 'deliver_service', deliveryId: 'sd-2' }, 'branch_staff', '2025-04-01T09:00:00Z'],
      [{ type: 'record_evaluation' }, 'branch_staff', '2025-04-01T10:00:00Z'],
      [{ type: 'close' }, 'branch_staff', '2025-04-02T09:00:00Z'],
    ];
    for (const [event, role, at] of steps) {
      const r = transition(frozen(req), event, ctx(role, { at }));
      expect(r.ok ? '' : `${event.type}: ${r.code}`).toBe('');
      if (r.ok) req = r.request;
    }
    expect(req.state).toBe('closed');
    expect(req.history.map((h) => h.to)).toEqual([
      'data_collection',
      'with_social_researcher',
      'data_collection',
      'declaration_signed',
      'submitted_to_committee',
      'data_collection',
      'declaration_signed',
      'submitted_to_committee',
      'accepted',
      'registered',
      'service_delivered',
      'service_delivered',
      'evaluated',
      'closed',
    ]);
    expect(req.submittedAt).toBe('2025-03-09T10:00:00Z');
    expect(req.earliestReplyDate).toBe('2025-03-23');
    expect(req.decisionId).toBe('cd-2');
    expect(req.declarationId).toBe('dec-2');
  });
});

describe('every illegal transition is refused with its reason', () => {
  test.each(wrongState)('%s from %s', (type, state) => {
    // Use a role that may do this event somewhere, so the refusal is about the state.
    const role = transitionRules[type].roles[0]!;
    const before = frozen(request(state));
    const r = transition(before, eventOf(type, state), ctx(role));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const beforeAcceptance = ['reception', 'data_collection', 'with_social_researcher', 'declaration_signed', 'submitted_to_committee', 'accepted', 'rejected'].includes(state);
    const expected = state === 'closed' ? 'request_closed' : type === 'deliver_service' && beforeAcceptance ? 'service_before_acceptance' : 'transition_not_allowed';
    expect(r.code).toBe(expected);
    expect(r.messageAr).toMatch(ARABIC);
    expect(r.messageEn.length).toBeGreaterThan(10);
  });

  test.each(wrongRole)('%s from %s by %s', (type, state, role) => {
    const r = transition(frozen(request(state)), eventOf(type, state), ctx(role));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const decision = type === 'accept' || type === 'reject' || type === 'request_more_information';
    expect(r.code).toBe(decision ? 'decision_requires_committee_member' : 'role_not_allowed');
    expect(r.messageAr).toMatch(ARABIC);
  });

  test('no decision by anyone but a committee member, whatever the state', () => {
    for (const role of roles.filter((x) => x !== 'committee_member')) {
      for (const state of procedureStates) {
        for (const type of ['accept', 'reject', 'request_more_information'] as const) {
          const r = transition(request(state), eventOf(type), ctx(role));
          expect(r.ok ? 'ok' : r.code).toBe('decision_requires_committee_member');
        }
      }
    }
  });

  test('no service before acceptance: from every earlier state and after rejection', () => {
    for (const state of ['reception', 'data_collection', 'with_social_researcher', 'declaration_signed', 'submitted_to_committee', 'accepted', 'rejected'] as const) {
      const r = transition(request(state), { type: 'deliver_service', deliveryId: 'sd-1' }, ctx('branch_staff'));
      expect(r.ok ? 'ok' : r.code, state).toBe('service_before_acceptance');
    }
  });
});

describe('guards', () => {
  test('data collection needs the channel recorded at reception', () => {
    const r = transition(request('reception', { channelId: ' ' }), { type: 'begin_data_collection' }, ctx('field_delegate'));
    expect(r.ok ? 'ok' : r.code).toBe('channel_missing');
  });

  test.each(['refer_to_researcher', 'reopen_data', 'reject', 'request_more_information', 'withdraw'] as const)('%s needs a written reason', (type) => {
    const state = transitionRules[type].from[0]!;
    const role = transitionRules[type].roles[0]!;
    for (const reason of ['', '   ']) {
      const r = transition(request(state), { ...eventOf(type, state), reason } as ProcedureEvent, ctx(role));
      expect(r.ok ? 'ok' : r.code).toBe('reason_required');
    }
  });

  test('closing after delivery without an evaluation needs a reason; after evaluation it does not', () => {
    expect(transition(request('service_delivered'), { type: 'close' }, ctx('branch_staff'))).toMatchObject({ ok: false, code: 'reason_required' });
    expect(transition(request('evaluated'), { type: 'close' }, ctx('branch_staff')).ok).toBe(true);
  });

  test('the declaration signed must match the current data', () => {
    const stale = transition(request('data_collection'), { type: 'sign_declaration', declarationId: 'dec-1', declarationHash: OTHER_HASH }, ctx('field_delegate'));
    expect(stale).toMatchObject({ ok: false, code: 'declaration_stale' });
    const unknown = transition(request('data_collection'), eventOf('sign_declaration'), ctx('field_delegate', { currentDataHash: undefined }));
    expect(unknown).toMatchObject({ ok: false, code: 'current_data_hash_missing' });
  });

  describe('submission to the committee', () => {
    const submit = (over: Partial<TransitionContext>, req = request('declaration_signed')) => transition(req, { type: 'submit_to_committee' }, ctx('branch_staff', { at: SUBMITTED, ...over }));

    test('succeeds with every required document verified and valid, and a current declaration', () => {
      const r = submit({});
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.request).toMatchObject({ state: 'submitted_to_committee', submittedAt: SUBMITTED, earliestReplyDate: '2025-03-20' });
    });

    test('refused without a declaration, or when the data changed after signing', () => {
      expect(submit({}, request('declaration_signed', { declarationId: undefined, declarationHash: undefined }))).toMatchObject({ ok: false, code: 'declaration_missing' });
      expect(submit({ currentDataHash: OTHER_HASH })).toMatchObject({ ok: false, code: 'declaration_stale' });
      expect(submit({ currentDataHash: undefined })).toMatchObject({ ok: false, code: 'current_data_hash_missing' });
    });

    test('refused when a required document is missing, unverified, rejected or expired — naming it', () => {
      const labels = { marital_status_proof: { ar: 'إثبات الحالة الاجتماعية', en: 'proof of marital status' } };
      const missing = submit({ documents: [verifiedDocs[0]!], documentTypeLabels: labels });
      expect(missing).toMatchObject({ ok: false, code: 'required_document_missing' });
      if (!missing.ok) {
        expect(missing.messageAr).toContain('إثبات الحالة الاجتماعية');
        expect(missing.messageEn).toContain('proof of marital status');
      }
      for (const status of ['pending', 'rejected']) {
        const r = submit({ documents: [verifiedDocs[0]!, { type: 'marital_status_proof', verification: { status } }] });
        expect(r.ok ? 'ok' : r.code).toBe('required_document_unverified');
      }
      // The ID expired on 5 Ramadan 1446, the day before submission (6 March 2025 = 6 Ramadan 1446).
      const expired = submit({ documents: [{ ...verifiedDocs[0]!, expiryDate: { calendar: 'hijri', y: 1446, m: 9, d: 5 } }, verifiedDocs[1]!] });
      expect(expired).toMatchObject({ ok: false, code: 'required_document_expired' });
      // Expiring on the submission day itself is still valid.
      const lastDay = submit({ documents: [{ ...verifiedDocs[0]!, expiryDate: { calendar: 'hijri', y: 1446, m: 9, d: 6 } }, verifiedDocs[1]!] });
      expect(lastDay.ok).toBe(true);
      // An expired copy does not block when a valid verified one exists.
      const renewed = submit({ documents: [{ ...verifiedDocs[0]!, expiryDate: { calendar: 'gregorian', y: 2020, m: 1, d: 1 } }, ...verifiedDocs] });
      expect(renewed.ok).toBe(true);
    });

    test('stored documents records are the evidence as they are', () => {
      const stored: BeneficiaryDocument[] = [
        {
          id: 'doc-1', branchId: 'branch-riyadh', createdAt: CREATED, updatedAt: CREATED, updatedBy: 'user-1', beneficiaryId: 'ben-1', type: 'national_id',
          expiryDate: { calendar: 'hijri', y: 1450, m: 1, d: 1 }, verification: { status: 'verified', verifiedBy: 'user-1', verifiedAt: CREATED },
        },
      ];
      expect(submit({ documents: stored, requiredDocumentTypes: ['national_id'] }).ok).toBe(true);
      expect(submit({ documents: stored, requiredDocumentTypes: ['national_id', 'family_card'] })).toMatchObject({ ok: false, code: 'required_document_missing' });
    });

    test('documents not required by the policy do not block', () => {
      expect(submit({ requiredDocumentTypes: [], documents: [] }).ok).toBe(true);
    });
  });

  test('acceptance or rejection waits for the earliest reply date; more information can be asked at once', () => {
    const req = request('submitted_to_committee'); // earliest reply 2025-03-20
    const early = '2025-03-19T20:59:00Z'; // 23:59 on 19 March in Riyadh
    const onTheDay = '2025-03-19T21:00:00Z'; // 00:00 on 20 March in Riyadh
    for (const type of ['accept', 'reject'] as const) {
      const r = transition(req, eventOf(type), ctx('committee_member', { at: early }));
      expect(r.ok ? 'ok' : r.code).toBe('reply_before_earliest_date');
      if (!r.ok) expect(r.messageAr).toMatch(ARABIC);
      expect(transition(req, eventOf(type), ctx('committee_member', { at: onTheDay })).ok).toBe(true);
    }
    expect(transition(req, eventOf('request_more_information'), ctx('committee_member', { at: '2025-03-07T09:00:00Z' })).ok).toBe(true);
  });

  test('reopening the data or asking for more information drops the declaration: a new one must be signed', () => {
    for (const [state, type, role] of [
      ['declaration_signed', 'reopen_data', 'branch_staff'],
      ['submitted_to_committee', 'request_more_information', 'committee_member'],
    ] as const) {
      const r = transition(request(state), eventOf(type), ctx(role));
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.request.state).toBe('data_collection');
      expect('declarationId' in r.request).toBe(false);
      expect('declarationHash' in r.request).toBe(false);
      const resubmit = transition(request('declaration_signed', { declarationId: undefined, declarationHash: undefined }), { type: 'submit_to_committee' }, ctx('branch_staff'));
      expect(resubmit).toMatchObject({ ok: false, code: 'declaration_missing' });
    }
  });

  test('an unreadable or zone-less instant is refused', () => {
    for (const at of ['yesterday', '2025-03-06', '2025-03-06T09:00:00', '2025-02-30T09:00:00Z'.replace('02-30', '13-01')]) {
      expect(transition(request('reception'), { type: 'begin_data_collection' }, ctx('field_delegate', { at }))).toMatchObject({ ok: false, code: 'invalid_instant' });
    }
  });

  test('a reason longer than the history can hold is refused before anything changes', () => {
    const r = transition(request('data_collection'), { type: 'refer_to_researcher', reason: 'س'.repeat(MAX_REASON_LENGTH + 1) }, ctx('field_delegate'));
    expect(r).toMatchObject({ ok: false, code: 'reason_too_long' });
    expect(transition(request('data_collection'), { type: 'refer_to_researcher', reason: 'س'.repeat(MAX_REASON_LENGTH) }, ctx('field_delegate')).ok).toBe(true);
  });

  test('availableEvents lists what a role may attempt now', () => {
    expect(availableEvents(request('submitted_to_committee'), 'committee_member').sort()).toEqual(['accept', 'reject', 'request_more_information'].sort());
    expect(availableEvents(request('submitted_to_committee'), 'branch_staff')).toEqual(['withdraw']);
    expect(availableEvents(request('with_social_researcher'), 'social_researcher')).toEqual(['return_from_researcher']);
    expect(availableEvents(request('closed'), 'branch_staff')).toEqual([]);
  });
});

describe('the earliest reply date', () => {
  test('submission + max(14, policy minimum), counted on the Saudi civil day', () => {
    expect(earliestReplyDate('2025-03-06T09:00:00Z')).toBe('2025-03-20');
    expect(earliestReplyDate('2025-03-06T09:00:00Z', 7)).toBe('2025-03-20');
    expect(earliestReplyDate('2025-03-06T09:00:00Z', 21)).toBe('2025-03-27');
    expect(earliestReplyDate('2025-03-05T22:00:00Z', 14)).toBe('2025-03-20'); // already 6 March in Riyadh
    expect(effectiveReplyDays(Number.NaN)).toBe(MINIMUM_REPLY_DAYS);
    expect(effectiveReplyDays(-5)).toBe(14);
    expect(effectiveReplyDays(14.2)).toBe(15);
    expect(effectiveReplyDays(1e300)).toBe(MAXIMUM_REPLY_DAYS);
  });

  test('property: never less than 14 days after submission, whatever the policy says', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2070-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.option(fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: false })), { nil: undefined }),
        (at, minimum) => {
          const iso = at.toISOString();
          const r = transition(request('declaration_signed'), { type: 'submit_to_committee' }, ctx('branch_staff', { at: iso, minimumReplyDays: minimum, requiredDocumentTypes: [] }));
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          const earliest = parseIsoDate(r.request.earliestReplyDate!);
          expect(earliest.ok).toBe(true);
          if (!earliest.ok) return;
          const days = daysBetween(saudiCivilDate(iso), earliest.value);
          expect(days).toBeGreaterThanOrEqual(14);
          expect(days).toBeLessThanOrEqual(MAXIMUM_REPLY_DAYS);
          if (typeof minimum === 'number' && Number.isFinite(minimum) && minimum > 14) expect(days).toBe(Math.min(MAXIMUM_REPLY_DAYS, Math.ceil(minimum)));
          else expect(days).toBe(14);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
