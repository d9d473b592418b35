/**
 * Data-subject rights (PDPL) for one beneficiary: everything this laptop holds about them
 * (their record and every record that points to them or to one of their requests), exported
 * as JSON and as a readable HTML summary; a destruction request recorded in the audit trail.
 *
 * The destruction itself is carried out by HQ when the request's audit entry reaches it
 * (shared/privacy/destruction.ts, hq/destruction.ts): tombstones without personal fields for
 * every record of the beneficiary, which every laptop pulls at its next sync; the replication
 * then purges them from storage (shared/sync/purge.ts) and the search index forgets them
 * through the collection's change stream (renderer/src/data/search.ts).
 */
import type { RxCollection } from 'rxdb';
import { PDPL_DESTRUCTION_ACTION, PDPL_DESTRUCTION_SUMMARY, isLinkedToSubject, subjectCollections, type SubjectIds } from '../../../../shared/privacy';
import { recordAudit, type AuditEntry, type RecordAuditOptions, type StoreDatabase } from '../../data/audit';
import { collectionIn } from '../../data/audit';
import type { RecordActor } from '../../data/records';

/** Collections whose records can be about a beneficiary (not the audit log, config or conflicts). */
export { subjectCollections };

export interface SubjectData {
  beneficiaryId: string;
  exportedAt: string;
  /** Records by collection (RxDB meta fields removed). */
  records: Record<string, Record<string, unknown>[]>;
}

function plain(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!k.startsWith('_')) out[k] = v;
  return out;
}

/** Everything about one beneficiary held on this laptop. */
export async function collectSubjectData(db: StoreDatabase, beneficiaryId: string, now: Date = new Date()): Promise<SubjectData> {
  const records: Record<string, Record<string, unknown>[]> = {};
  const all = async (name: string) => {
    const c = collectionIn(db, name) as RxCollection | undefined;
    return c ? (await c.find().exec()).map((d) => plain(d.toJSON() as Record<string, unknown>)) : [];
  };
  // The same links HQ follows when it destroys a beneficiary's data (shared/privacy).
  const requests = (await all('support_requests')).filter((d) => d.beneficiaryId === beneficiaryId);
  const requestIds = new Set(requests.map((r) => String(r.id)));
  const deliveries = (await all('service_deliveries')).filter((d) => d.beneficiaryId === beneficiaryId || (typeof d.requestId === 'string' && requestIds.has(d.requestId)));
  const ids: SubjectIds = { beneficiaryId, requestIds, deliveryIds: new Set(deliveries.map((d) => String(d.id))) };
  for (const name of subjectCollections) {
    const docs = name === 'support_requests' ? requests : name === 'service_deliveries' ? deliveries : await all(name);
    records[name] = docs.filter((d) => isLinkedToSubject(name, d, ids));
  }
  return { beneficiaryId, exportedAt: now.toISOString(), records };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function renderValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return `<ul>${v.map((x) => `<li>${renderValue(x)}</li>`).join('')}</ul>`;
  if (typeof v === 'object') {
    return `<table>${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `<tr><th>${escapeHtml(k)}</th><td>${renderValue(x)}</td></tr>`)
      .join('')}</table>`;
  }
  return escapeHtml(String(v));
}

/** Labels of the collections, Arabic first (the summary is for the beneficiary). */
const collectionLabels: Record<string, string> = {
  beneficiaries: 'بيانات المستفيد — Beneficiary',
  support_requests: 'طلبات الدعم — Support requests',
  interviews: 'المقابلات — Interviews',
  documents: 'المستندات — Documents',
  declarations: 'الإقرارات — Declarations',
  committee_decisions: 'قرارات لجنة البحث — Committee decisions',
  service_deliveries: 'الخدمات المقدمة — Services delivered',
  satisfaction_evaluations: 'تقييمات الرضا — Satisfaction evaluations',
  contact_logs: 'سجل التواصل — Contact log',
};

/** A self-contained, readable HTML summary (RTL, no scripts, no external resources). */
export function subjectDataHtml(data: SubjectData): string {
  const sections = Object.entries(data.records)
    .map(([name, docs]) => {
      const body = docs.length === 0 ? '<p>لا توجد سجلات — none</p>' : docs.map((d) => `<article>${renderValue(d)}</article>`).join('');
      return `<section><h2>${escapeHtml(collectionLabels[name] ?? name)} (${docs.length})</h2>${body}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>البيانات المحفوظة عن المستفيد</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.6}table{border-collapse:collapse;margin-block:.25rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:start;vertical-align:top}th{background:#f4f4f4}article{margin-block:1rem}</style>
</head><body>
<h1>البيانات المحفوظة عن المستفيد — Personal data held</h1>
<p>صدر في ${escapeHtml(data.exportedAt)} وفق نظام حماية البيانات الشخصية. — Exported ${escapeHtml(data.exportedAt)} under the PDPL.</p>
${sections}
</body></html>`;
}

export interface SaveFile {
  saveFile(request: { suggestedName: string; mimeType: string; data: Uint8Array | Blob }): Promise<{ saved: boolean }>;
}

/**
 * Export for the data subject: two files (JSON, HTML) through the platform's save dialog, and an
 * 'export' audit entry (no personal data in it).
 */
export async function exportSubjectData(
  db: StoreDatabase,
  actor: RecordActor,
  platform: SaveFile,
  beneficiaryId: string,
  options: RecordAuditOptions = {},
): Promise<{ saved: boolean; data: SubjectData; audit: AuditEntry | null }> {
  const data = await collectSubjectData(db, beneficiaryId);
  const stamp = data.exportedAt.slice(0, 10);
  const json = await platform.saveFile({ suggestedName: `pdpl-${beneficiaryId}-${stamp}.json`, mimeType: 'application/json', data: new TextEncoder().encode(JSON.stringify(data, null, 2)) });
  const html = json.saved ? await platform.saveFile({ suggestedName: `pdpl-${beneficiaryId}-${stamp}.html`, mimeType: 'text/html', data: new TextEncoder().encode(subjectDataHtml(data)) }) : { saved: false };
  const saved = json.saved && html.saved;
  const count = Object.values(data.records).reduce((n, list) => n + list.length, 0);
  const audit = saved
    ? await recordAudit(db, actor, { action: 'export', collectionName: 'beneficiaries', docId: beneficiaryId, summary: `pdpl export: ${count < 10000 ? 'records' : 'many records'} of the data subject` }, options)
    : null;
  return { saved, data, audit };
}

/**
 * Record the beneficiary's request to destroy their data (who asked, when) in the audit trail,
 * which syncs to HQ. HQ carries it out (see the module note): the entry's action is the one
 * explicit marker HQ acts on.
 */
export function recordDestructionRequest(db: StoreDatabase, actor: RecordActor, beneficiaryId: string, options: RecordAuditOptions = {}): Promise<AuditEntry> {
  return recordAudit(db, actor, { action: PDPL_DESTRUCTION_ACTION, collectionName: 'beneficiaries', docId: beneficiaryId, summary: PDPL_DESTRUCTION_SUMMARY }, options);
}
