/** The records the reports read, live from the local store (what this device has synced). */
import { useEffect, useState } from 'react';
import { combineLatest } from 'rxjs';
import type { CommitteeDecision, HqConfigEntry, SatisfactionEvaluation, SupportRequest } from '../../../../shared/schema';
import { useServices } from '../../services';
import type { ReportRecords } from './reportTables';

export interface ReportData extends ReportRecords {
  branches: HqConfigEntry[];
}

export function useReportRecords(): ReportData | null {
  const { db } = useServices();
  const [data, setData] = useState<ReportData | null>(null);
  useEffect(() => {
    const c = db.collections;
    if (!c.support_requests || !c.committee_decisions || !c.satisfaction_evaluations || !c.hq_config) return;
    const sub = combineLatest([
      c.support_requests.find().$,
      c.committee_decisions.find().$,
      c.satisfaction_evaluations.find().$,
      c.hq_config.find({ selector: { kind: 'branch' } }).$,
    ]).subscribe(([requests, decisions, evaluations, branches]) =>
      setData({
        requests: requests.map((d) => d.toJSON() as SupportRequest),
        decisions: decisions.map((d) => d.toJSON() as CommitteeDecision),
        evaluations: evaluations.map((d) => d.toJSON() as SatisfactionEvaluation),
        branches: branches.map((d) => d.toJSON() as HqConfigEntry),
      }),
    );
    return () => sub.unsubscribe();
  }, [db]);
  return data;
}
