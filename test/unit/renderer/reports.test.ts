import { describe, expect, it } from 'vitest';
import { policyProfilesById } from '../../../shared/policy';
import { requestsByStatus, UTF8_BOM } from '../../../shared/casefile';
import type { CommitteeDecision, HqConfigEntry, SatisfactionEvaluation, SupportRequest } from '../../../shared/schema';
import {
  branchOptions,
  buildReport,
  exportName,
  filterReportRecords,
  reportTables,
  tableCsv,
  type TableLabels,
} from '../../../renderer/src/features/reports/reportTables';
import { readXlsx, sheetName, tablesToXlsx } from '../../../renderer/src/features/reports/xlsx';

const profile = policyProfilesById.get('yusr')!;
const serviceA = profile.services[0]!.id;
const serviceB = (profile.services[1] ?? profile.services[0]!).id;
const channelA = profile.channels[0]!.id;

function request(id: string, over: Partial<SupportRequest>): SupportRequest {
  return {
    id,
    branchId: 'main',
    createdAt: '2026-01-05T08:00:00.000Z',
    updatedAt: '2026-01-05T08:00:00.000Z',
    updatedBy: 'u1',
    beneficiaryId: `b-${id}`,
    serviceId: serviceA,
    channelId: channelA,
    state: 'reception',
    history: [],
    ...over,
  };
}

function decision(id: string, requestId: string, decidedAt: string, verdict: CommitteeDecision['decision'] = 'accepted'): CommitteeDecision {
  return { id, requestId, decidedAt, decision: verdict } as unknown as CommitteeDecision; // only the fields the report reads
}

function evaluation(id: string, submittedAt: string, overall: number, branchId = 'main'): SatisfactionEvaluation {
  return { id, branchId, createdAt: submittedAt, updatedAt: submittedAt, updatedBy: 'u1', serviceId: serviceA, anonymous: true, submittedAt, overall, answers: [] };
}

const requests: SupportRequest[] = [
  request('r1', { state: 'accepted', submittedAt: '2026-01-06T08:00:00.000Z', decisionId: 'd1' }),
  request('r2', { state: 'submitted_to_committee', submittedAt: '2026-01-06T08:00:00.000Z', earliestReplyDate: '2026-01-20' }),
  request('r3', { branchId: 'north', serviceId: serviceB, createdAt: '2026-02-10T08:00:00.000Z', state: 'rejected', submittedAt: '2026-02-11T08:00:00.000Z' }),
  request('r4', { createdAt: '2026-03-01T08:00:00.000Z', state: 'reception' }),
];
const decisions = [decision('d1', 'r1', '2026-01-26T08:00:00.000Z'), decision('d3', 'r3', '2026-02-26T08:00:00.000Z', 'rejected')];
const evaluations = [evaluation('e1', '2026-01-28T08:00:00.000Z', 5), evaluation('e2', '2026-01-29T08:00:00.000Z', 4), evaluation('e3', '2026-02-15T08:00:00.000Z', 2, 'north')];
const branches = [
  { id: 'cfg-main', kind: 'branch', branchId: 'main', branch: { name: 'الفرع الرئيس', nameEn: 'Main branch', city: 'جدة', active: true } },
] as unknown as HqConfigEntry[];

const labels: TableLabels = {
  titles: { status: 'Status', channel: 'Channel', service: 'Service', branch: 'Branch', overdue: 'Overdue', time_to_decision: 'Time', satisfaction: 'Satisfaction' },
  headers: {
    label: 'Item', count: 'Count', share: 'Share', requestId: 'Request', branch: 'Branch', service: 'Service', submittedAt: 'Submitted',
    earliestReplyDate: 'Earliest', daysWaiting: 'Waiting', daysOverdue: 'Overdue', measure: 'Measure', days: 'Days', month: 'Month',
    evaluations: 'Evaluations', averageScore: 'Average',
  },
  measures: { count: 'Decided', median: 'Median', p90: 'P90', min: 'Min', max: 'Max' },
};
const names = { branch: (id: string) => id, service: (id: string) => id };
const now = new Date('2026-03-10T09:00:00.000Z');

describe('report shaping', () => {
  it('filters by received date range and branch, keeping the decisions of the requests kept', () => {
    const all = { requests, decisions, evaluations };
    const jan = filterReportRecords(all, { from: '2026-01-01', to: '2026-01-31', branchId: '' });
    expect(jan.requests.map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(jan.decisions.map((d) => d.id)).toEqual(['d1']);
    expect(jan.evaluations.map((e) => e.id)).toEqual(['e1', 'e2']);
    const north = filterReportRecords(all, { from: '', to: '', branchId: 'north' });
    expect(north.requests.map((r) => r.id)).toEqual(['r3']);
    expect(north.evaluations.map((e) => e.id)).toEqual(['e3']);
    // A request received at 23:30 Riyadh time on 31 January belongs to January.
    const late = filterReportRecords({ requests: [request('r9', { createdAt: '2026-01-31T20:30:00.000Z' })], decisions: [], evaluations: [] }, { from: '2026-01-31', to: '2026-01-31', branchId: '' });
    expect(late.requests).toHaveLength(1);
  });

  it('takes every figure from shared/casefile and lays it out as tables', () => {
    const report = buildReport({ requests, decisions, evaluations }, profile, branches, now);
    expect(report.byStatus).toEqual(requestsByStatus(requests));
    expect(report.total).toBe(4);
    expect(report.overdue.map((o) => o.requestId)).toEqual(['r2']);
    expect(report.timeToDecision).toMatchObject({ count: 2, minDays: 16, maxDays: 21 }); // from reception (creation), not submission
    const tables = reportTables(report, labels, true, names);
    expect(tables.map((t) => t.id)).toEqual(['status', 'channel', 'service', 'branch', 'overdue', 'time_to_decision', 'satisfaction']);
    const status = tables[0]!;
    const accepted = status.rows.find((r) => r[0] === 'Accepted')!;
    expect(accepted).toEqual(['Accepted', 1, 25]);
    const branch = tables.find((t) => t.id === 'branch')!;
    expect(branch.rows.find((r) => r[0] === 'Main branch')![1]).toBe(3);
    expect(branch.rows.some((r) => String(r[0]).includes('north'))).toBe(true);
    const sat = tables.find((t) => t.id === 'satisfaction')!;
    expect(sat.rows).toEqual([
      ['January 2026', 2, 4.5],
      ['February 2026', 1, 2],
    ]);
    const arabic = reportTables(report, labels, false, names);
    expect(String(arabic[0]!.rows[0]![0])).toMatch(/[\u0600-\u06ff]/);
  });

  it('writes CSV with a BOM and formula-safe cells, one line per row', () => {
    const csv = tableCsv({ id: 'status', title: 'x', headers: ['البند', 'العدد'], rows: [['=cmd', 3], ['مقبول، نهائي', 0]] }); // the Arabic comma needs no quoting
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual(['البند,العدد', "'=cmd,3", 'مقبول، نهائي,0', '']);
  });

  it('names exports after the filter and lists HQ branches with those seen in records', () => {
    expect(exportName('status', { from: '2026-01-01', to: '', branchId: 'main' }, 'csv')).toBe('sila-report-status-2026-01-01_today-main.csv');
    expect(exportName('all', { from: '', to: '', branchId: '' }, 'xlsx')).toBe('sila-report-all.xlsx');
    expect(branchOptions(branches, requests, false)).toEqual([
      { value: 'main', label: 'الفرع الرئيس' },
      { value: 'north', label: 'north' },
    ]);
  });
});

describe('XLSX export', () => {
  it('round-trips every table through exceljs, Arabic text and numbers intact', async () => {
    const report = buildReport({ requests, decisions, evaluations }, profile, branches, now);
    const tables = reportTables(report, { ...labels, titles: { ...labels.titles, status: 'الطلبات حسب المرحلة' } }, false, names);
    const bytes = await tablesToXlsx(tables, true);
    expect(bytes[0]).toBe(0x50); // PK: a zip
    const back = await readXlsx(bytes);
    expect([...back.keys()]).toHaveLength(tables.length);
    const status = back.get('الطلبات حسب المرحلة')!;
    expect(status[0]).toEqual(['Item', 'Count', 'Share']);
    expect(status.slice(1).reduce((n, r) => n + Number(r[1]), 0)).toBe(4);
    expect(status.slice(1).map((r) => r[0])).toEqual(tables[0]!.rows.map((r) => r[0]));
  });

  it('keeps sheet names legal and unique, and never writes a formula', async () => {
    const used = new Set<string>();
    expect(sheetName('a/b:c?', used)).toBe('a b c');
    expect(sheetName('A B C', used)).toBe('A B C 2');
    expect(sheetName('x'.repeat(40), used)).toHaveLength(31);
    const bytes = await tablesToXlsx([{ id: 'overdue', title: 't', headers: ['h'], rows: [['=HYPERLINK("http://x")']] }], false);
    const back = await readXlsx(bytes);
    expect(back.get('t')![1]![0]).toBe('\'=HYPERLINK("http://x")');
  });
});
