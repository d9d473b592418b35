/**
 * The data a declaration (الإقرار) certifies, built from the case's records, and whether a signed
 * declaration still matches the records (a later edit makes it stale and asks for a new one).
 * Hashing and diffing are shared/declaration's; this file only maps records to `DeclaredData`.
 */
import type { Beneficiary, BeneficiaryDocument, Declaration, SupportRequest } from '../schema';
import type { PolicyProfile } from '../policy/schema';
import { findService } from '../policy/index';
import type {
  DeclaredData,
  DeclaredDocument,
  DeclaredHouseholdMember,
  DeclarationSnapshot,
} from '../declaration/types';
import { canonicalJson, sha256Hex, utf8 } from '../declaration/canonicalJson';
import { hashDeclaredData } from '../declaration/snapshot';
import { diffPaths } from '../declaration/verify';
import { toGregorian, toIsoDate, type CalendarDate } from '../dates/index';
import { saudiCivilDate } from '../dates/expiry';
import { normalizeSaudiMobile } from '../identity/phone';
import { householdRelationLabels, maritalStatusLabel, nationalityLabel } from './labels';
import { alternativesLabel, documentTypeLabel, documentsOfRequest } from './records';

export interface DeclarationRecords {
  readonly beneficiary: Beneficiary;
  readonly request: SupportRequest;
  /** The beneficiary's documents; those of other requests are ignored. */
  readonly documents: readonly BeneficiaryDocument[];
  readonly profile: PolicyProfile;
}

/** What the request is, as printed on the declaration: the policies' beneficiary support request. */
export const DECLARED_REQUEST_TYPE = 'طلب دعم مستفيد';
/** Printed when the request has no description yet (the PDF requires one). */
export const NO_DESCRIPTION_AR = 'لم يُدوَّن وصف للطلب';

function isoDay(date: CalendarDate | undefined): string | undefined {
  if (!date) return undefined;
  const g = toGregorian(date);
  return g.ok ? toIsoDate(g.value) : undefined;
}

/** Whole years between a birth date and a reference day (both Gregorian 'YYYY-MM-DD'). */
function ageOn(birthIso: string, refIso: string): number | undefined {
  const [by, bm, bd] = birthIso.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = refIso.split('-').map(Number) as [number, number, number];
  const age = ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
  return age >= 0 ? age : undefined;
}

function addressOf(b: Beneficiary): string | undefined {
  const a = b.address;
  const parts = [
    b.city,
    a?.district ? `حي ${a.district}` : undefined,
    a?.street ? `شارع ${a.street}` : undefined,
    a?.buildingNumber ? `مبنى ${a.buildingNumber}` : undefined,
    a?.postalCode ? `الرمز البريدي ${a.postalCode}` : undefined,
    a?.details,
  ]
    .map((p) => p?.trim())
    .filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join('، ') : undefined;
}

/**
 * Exactly the data a declaration certifies, display-ready in Arabic: the beneficiary, the
 * household, the request, the service and channel names from the policy profile, and the
 * documents presented (and whether each was verified), plus every required document not
 * presented. Nothing here depends on the clock (ages are on the request's creation day), so the
 * same records give the same bytes, and the same hash, on every device.
 */
export function declarationSnapshotFromRecords(records: DeclarationRecords): DeclaredData {
  const { beneficiary: b, request, profile } = records;
  const createdDay = toIsoDate(saudiCivilDate(request.createdAt));
  const phone = b.phone ? normalizeSaudiMobile(b.phone) : undefined;
  const dob = isoDay(b.birthDate);

  const members: DeclaredHouseholdMember[] = (b.household ?? []).map((m) => {
    const birth = isoDay(m.birthDate);
    const age = birth ? ageOn(birth, createdDay) : undefined;
    return {
      name: m.fullName,
      relation: householdRelationLabels[m.relation].ar,
      ...(m.nationalId ? { nationalId: m.nationalId } : {}),
      ...(age !== undefined ? { age } : {}),
    };
  });

  const typeOrder = new Map(profile.documentTypes.map((t, i) => [t.id, i]));
  const presented = documentsOfRequest(request, records.documents)
    .filter((d) => d.verification.status !== 'rejected')
    .sort(
      (x, y) =>
        (typeOrder.get(x.type) ?? 1e6) - (typeOrder.get(y.type) ?? 1e6) ||
        x.type.localeCompare(y.type) ||
        x.id.localeCompare(y.id),
    );
  const documents: DeclaredDocument[] = presented.map((d) => ({
    name: documentTypeLabel(profile, d.type).ar,
    presented: true,
    verified: d.verification.status === 'verified',
  }));
  const service = findService(profile, request.serviceId);
  for (const req of service?.requiredDocuments ?? []) {
    if (!presented.some((d) => req.documentTypeIds.includes(d.type))) {
      documents.push({
        name: alternativesLabel(profile, req.documentTypeIds).ar,
        presented: false,
        verified: false,
      });
    }
  }

  const channel = profile.channels.find((c) => c.id === request.channelId);
  const address = addressOf(b);
  return {
    beneficiary: {
      fullName: b.fullName.trim(),
      nationalId: b.nationalId,
      ...(b.nationality ? { nationality: nationalityLabel(b.nationality).ar } : {}),
      ...(dob ? { dateOfBirth: dob } : {}),
      ...(b.maritalStatus
        ? { maritalStatus: maritalStatusLabel(b.maritalStatus, b.gender).ar }
        : {}),
      mobile: phone?.ok ? phone.value.local : (b.phone ?? ''),
      ...(address ? { address } : {}),
    },
    household: { membersCount: members.length + 1, members },
    request: {
      type: DECLARED_REQUEST_TYPE,
      description: request.summary?.trim() || NO_DESCRIPTION_AR,
    },
    service: { name: service?.nameAr ?? request.serviceId },
    channel: { name: channel?.labelAr ?? request.channelId },
    documents,
  };
}

export interface DeclarationGap {
  readonly field: 'beneficiary.mobile' | 'request.description' | 'service' | 'channel';
  readonly messageAr: string;
  readonly messageEn: string;
}

/** What must be completed before a declaration can be printed and signed. */
export function declarationGaps(records: DeclarationRecords): DeclarationGap[] {
  const gaps: DeclarationGap[] = [];
  if (!records.beneficiary.phone) {
    gaps.push({
      field: 'beneficiary.mobile',
      messageAr: 'رقم جوال المستفيد غير مسجّل، والإقرار يتضمنه. أدخل رقم الجوال ثم أنشئ الإقرار.',
      messageEn:
        "The beneficiary's mobile number is not recorded and the declaration includes it. Enter it, then create the declaration.",
    });
  }
  if (!records.request.summary?.trim()) {
    gaps.push({
      field: 'request.description',
      messageAr: 'وصف الطلب فارغ. اكتب احتياج المستفيد كما ذكره ثم أنشئ الإقرار.',
      messageEn:
        "The request description is empty. Write the beneficiary's need as they stated it, then create the declaration.",
    });
  }
  if (!findService(records.profile, records.request.serviceId)) {
    gaps.push({
      field: 'service',
      messageAr: 'الخدمة المطلوبة غير موجودة في سياسة الجمعية الحالية. اختر خدمة من القائمة.',
      messageEn:
        "The requested service is not in the association's current policy. Choose a service from the list.",
    });
  }
  if (!records.profile.channels.some((c) => c.id === records.request.channelId)) {
    gaps.push({
      field: 'channel',
      messageAr:
        'قناة التواصل غير موجودة في سياسة الجمعية الحالية. اختر القناة التي وصل منها المستفيد.',
      messageEn:
        "The contact channel is not in the association's current policy. Choose the channel the beneficiary came through.",
    });
  }
  return gaps;
}

/** SHA-256 of the current declarable data: the workflow's `currentDataHash`. */
export async function currentDeclarationDataHash(records: DeclarationRecords): Promise<string> {
  return hashDeclaredData(declarationSnapshotFromRecords(records));
}

export interface DeclarationStaleness {
  /** The declared data no longer matches the records: a new declaration is needed. */
  readonly stale: boolean;
  /** Paths of declared fields that changed, e.g. "beneficiary.mobile". */
  readonly changedFields: readonly string[];
  readonly currentDataSha256: string;
  /** The stored snapshot still hashes to the stored hashes (false = the record was altered). */
  readonly snapshotIntact: boolean;
  readonly messageAr: string;
  readonly messageEn: string;
}

/**
 * Does a signed declaration still match the current records? Compares the declaration's
 * `dataSha256` with the hash of the data rebuilt from the records (shared/declaration's hash),
 * and lists the changed fields by diffing the stored snapshot's data with the current data.
 */
export async function isDeclarationStale(
  declaration: Declaration,
  current: DeclarationRecords,
): Promise<DeclarationStaleness> {
  const data = declarationSnapshotFromRecords(current);
  const currentDataSha256 = await hashDeclaredData(data);
  let declared: DeclaredData | undefined;
  try {
    declared = (JSON.parse(declaration.snapshotJson) as DeclarationSnapshot).data;
  } catch {
    declared = undefined;
  }
  const snapshotIntact =
    declared !== undefined &&
    (await sha256Hex(utf8(declaration.snapshotJson))) === declaration.snapshotSha256 &&
    (await sha256Hex(utf8(canonicalJson(declared)))) === declaration.dataSha256;
  const stale = currentDataSha256 !== declaration.dataSha256;
  const changedFields = stale && declared ? diffPaths(declared, data) : [];
  if (!snapshotIntact) {
    return {
      stale,
      changedFields,
      currentDataSha256,
      snapshotIntact,
      messageAr:
        'نسخة الإقرار المحفوظة لا تطابق بصمتها؛ لا يُعتمد عليها. أنشئ إقرارًا جديدًا واطلب توقيعه، وأبلغ مدير النظام.',
      messageEn:
        'The stored copy of the declaration does not match its hash and cannot be relied on. Create a new declaration, have it signed, and inform the administrator.',
    };
  }
  return stale
    ? {
        stale,
        changedFields,
        currentDataSha256,
        snapshotIntact,
        messageAr:
          'تغيّرت البيانات بعد توقيع الإقرار، فلم يعد مطابقًا. اطبع إقرارًا جديدًا بالبيانات الحالية واطلب توقيعه.',
        messageEn:
          'The data changed after the declaration was signed, so it no longer matches. Print a new declaration with the current data and have it signed.',
      }
    : {
        stale,
        changedFields,
        currentDataSha256,
        snapshotIntact,
        messageAr: 'الإقرار الموقّع يطابق البيانات الحالية.',
        messageEn: 'The signed declaration matches the current data.',
      };
}
