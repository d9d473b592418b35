/**
 * Reactive reads for the reception and requests screens: RxDB query observables subscribed while
 * the screen is shown, so a record written in another window or received from HQ appears at once.
 */
import { useEffect, useMemo, useState } from 'react';
import type { MangoQuerySelector } from 'rxdb';
import type {
  Beneficiary,
  BeneficiaryDocument,
  CommitteeDecision,
  Declaration,
  Interview,
  SatisfactionEvaluation,
  ServiceDelivery,
  SupportRequest,
} from '../../../../shared/schema';
import { useServices } from '../../services';
import { useActiveProfile } from '../../state/profile';
import type { RequestFile } from './contract';

function plain<T>(doc: { toJSON(): unknown }): T {
  return doc.toJSON() as T;
}

/** Documents of `collection` matching `selector`, newest `sortField` first; null until the first answer. */
export function useRecords<T>(collection: string, selector: Record<string, unknown> | null, sortField = 'updatedAt'): T[] | null {
  const { db } = useServices();
  const key = `${collection}|${sortField}|${JSON.stringify(selector)}`;
  const [answer, setAnswer] = useState<{ key: string; rows: T[] } | null>(null);
  const c = db.collections[collection];
  useEffect(() => {
    if (!c || selector === null) return;
    const sub = c
      .find({ selector: selector as MangoQuerySelector<unknown>, sort: [{ [sortField]: 'desc' }] })
      .$.subscribe((docs) => setAnswer({ key, rows: docs.map((d) => plain<T>(d)) }));
    return () => sub.unsubscribe();
    // `key` stands for `selector` (a new object on every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [c, key]);
  if (selector === null) return null;
  if (!c) return [];
  return answer && answer.key === key ? answer.rows : null;
}

/** One record by id: undefined while loading, null when it is not on this laptop. */
export function useRecord<T>(collection: string, id: string | null): T | null | undefined {
  const { db } = useServices();
  const key = `${collection}|${id ?? ''}`;
  const [answer, setAnswer] = useState<{ key: string; row: T | null } | null>(null);
  const c = db.collections[collection];
  useEffect(() => {
    if (!c || !id) return;
    const sub = c.findOne(id).$.subscribe((doc) => setAnswer({ key, row: doc ? plain<T>(doc) : null }));
    return () => sub.unsubscribe();
  }, [c, id, key]);
  if (!c || !id) return null;
  return answer && answer.key === key ? answer.row : undefined;
}

export type RequestFileState = { status: 'loading' } | { status: 'missing' } | { status: 'ready'; file: RequestFile };

/** Everything recorded about one request, kept current (see contract.ts). */
export function useRequestFile(requestId: string): RequestFileState {
  const profile = useActiveProfile();
  const request = useRecord<SupportRequest>('support_requests', requestId);
  const beneficiary = useRecord<Beneficiary>('beneficiaries', request ? request.beneficiaryId : null);
  const byBeneficiary = request ? { beneficiaryId: request.beneficiaryId } : null;
  const byRequest = request ? { requestId: request.id } : null;
  const documents = useRecords<BeneficiaryDocument>('documents', byBeneficiary);
  const interviews = useRecords<Interview>('interviews', byRequest);
  const declarations = useRecords<Declaration>('declarations', byRequest);
  const decisions = useRecords<CommitteeDecision>('committee_decisions', byRequest);
  const deliveries = useRecords<ServiceDelivery>('service_deliveries', byRequest);
  const evaluations = useRecords<SatisfactionEvaluation>('satisfaction_evaluations', byRequest);
  return useMemo((): RequestFileState => {
    if (request === null) return { status: 'missing' };
    if (request === undefined || beneficiary === undefined) return { status: 'loading' };
    if (beneficiary === null) return { status: 'missing' };
    if (!documents || !interviews || !declarations || !decisions || !deliveries || !evaluations) return { status: 'loading' };
    return {
      status: 'ready',
      file: { request, beneficiary, documents, interviews, declarations, decisions, deliveries, evaluations, profile },
    };
  }, [request, beneficiary, documents, interviews, declarations, decisions, deliveries, evaluations, profile]);
}
