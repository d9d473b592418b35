/**
 * The reference library (المكتبة المرجعية): the association's policy and the relations officer's
 * tools, as entries grouped in sections, searchable within the page (Arabic spelling folded:
 * hamza forms, taa marbuta, diacritics, Arabic-Indic digits).
 */
import type { PolicyProfile } from '../../../../shared/policy';
import type { Condition } from '../../../../shared/eligibility/conditions';
import { alternativesLabel } from '../../../../shared/casefile';
import { foldArabicText } from '../../../../shared/identity/names';
import { formatGregorianDate, formatHijriDate } from '../../../../shared/dates/format';

export const librarySectionIds = ['goals', 'channels', 'procedure', 'services', 'committee', 'declaration', 'approval', 'tools', 'contact'] as const;
export type LibrarySectionId = (typeof librarySectionIds)[number];

/** One readable item. Lines are shown in order; `lines*` are the same text in each language where the policy has it. */
export interface LibraryEntry {
  id: string;
  section: LibrarySectionId;
  titleAr: string;
  titleEn: string;
  linesAr: string[];
  linesEn: string[];
  /** Sub-lists (e.g. a service's conditions and required documents). */
  groups?: { key: 'conditions' | 'documents' | 'interview' | 'members'; itemsAr: string[]; itemsEn: string[] }[];
  /** A tool that is a form filled with the beneficiary. */
  isForm?: boolean;
}

function conditionLines(conditions: readonly Condition[], depth = 0): { ar: string[]; en: string[] } {
  const ar: string[] = [];
  const en: string[] = [];
  const pad = '  '.repeat(depth);
  for (const c of conditions) {
    const clause = c.clause ? ` (${c.clause})` : '';
    ar.push(`${pad}${c.labelAr}${clause}`);
    en.push(`${pad}${c.labelEn}${clause}`);
    if (c.type === 'allOf' || c.type === 'anyOf') {
      const inner = conditionLines(c.conditions, depth + 1);
      ar.push(...inner.ar);
      en.push(...inner.en);
    }
  }
  return { ar, en };
}

export function libraryEntries(profile: PolicyProfile): LibraryEntry[] {
  const out: LibraryEntry[] = [];
  out.push({
    id: 'goals',
    section: 'goals',
    titleAr: profile.policyTitleAr,
    titleEn: profile.policyTitleAr,
    linesAr: [profile.goals.generalAr, ...profile.goals.detailedAr.map((g) => `• ${g}`), ...profile.goals.meansAr.map((m) => `◦ ${m}`)],
    linesEn: [],
  });
  for (const c of profile.channels) {
    out.push({ id: `channel-${c.id}`, section: 'channels', titleAr: c.labelAr, titleEn: c.labelEn, linesAr: [], linesEn: [] });
  }
  for (const s of [...profile.procedureSteps].sort((a, b) => a.order - b.order)) {
    out.push({
      id: `step-${s.order}`,
      section: 'procedure',
      titleAr: `${s.order}. ${s.textAr}`,
      titleEn: `${s.order}. ${s.textEn ?? s.textAr}`,
      linesAr: [],
      linesEn: [],
    });
  }
  for (const s of profile.services) {
    const cond = conditionLines(s.conditions);
    const docs = s.requiredDocuments.map((r) => alternativesLabel(profile, r.documentTypeIds));
    out.push({
      id: `service-${s.id}`,
      section: 'services',
      titleAr: s.nameAr,
      titleEn: s.nameEn,
      linesAr: s.descriptionAr ? [s.descriptionAr] : [],
      linesEn: [],
      groups: [
        { key: 'conditions', itemsAr: cond.ar, itemsEn: cond.en },
        { key: 'documents', itemsAr: docs.map((d) => d.ar), itemsEn: docs.map((d) => d.en) },
        { key: 'interview', itemsAr: s.interview.questions.map((q) => q.labelAr), itemsEn: s.interview.questions.map((q) => q.labelEn) },
      ],
    });
  }
  const days = profile.researchCommittee.minReplyPeriodDays;
  out.push({
    id: 'committee',
    section: 'committee',
    titleAr: 'لجنة البحث',
    titleEn: 'Research committee',
    linesAr: [`ترد لجنة البحث على الطلب بالقبول أو الرفض خلال مدة لا تقل عن ${new Intl.NumberFormat('ar-u-nu-arab').format(days)} يومًا من رفعه.`],
    linesEn: [`The research committee answers a request with acceptance or rejection within a period of not less than ${days} days from its submission.`],
  });
  out.push({
    id: 'declaration',
    section: 'declaration',
    titleAr: 'نص الإقرار',
    titleEn: 'Declaration text',
    linesAr: [profile.declaration.textAr],
    linesEn: [profile.declaration.textEn],
  });
  const a = profile.approval;
  if (a) {
    const datesAr: string[] = [];
    const datesEn: string[] = [];
    if (a.hijriDate) {
      datesAr.push(formatHijriDate(a.hijriDate, { locale: 'ar' }));
      datesEn.push(formatHijriDate(a.hijriDate, { locale: 'en' }));
    }
    if (a.gregorianDate) {
      datesAr.push(formatGregorianDate(a.gregorianDate, { locale: 'ar' }));
      datesEn.push(formatGregorianDate(a.gregorianDate, { locale: 'en' }));
    }
    const session = a.sessionTextAr ?? (a.sessionNumber ? `الجلسة رقم ${a.sessionNumber}` : '');
    out.push({
      id: 'approval',
      section: 'approval',
      titleAr: 'اعتماد مجلس الإدارة',
      titleEn: 'Board approval',
      linesAr: [[session, a.termAr].filter(Boolean).join(' — '), datesAr.join(' الموافق ')].filter(Boolean),
      linesEn: [a.sessionNumber ? `Session ${a.sessionNumber}` : session, datesEn.join(' = ')].filter(Boolean),
      groups: [
        {
          key: 'members',
          itemsAr: a.members.map((m) => [m.nameAr, m.roleAr].filter(Boolean).join(' — ') + (m.signed ? ' ✔ (موقَّع)' : '')),
          itemsEn: a.members.map((m) => [m.nameAr, m.roleEn].filter(Boolean).join(' — ') + (m.signed ? ' ✔ (signed)' : '')),
        },
      ],
    });
  }
  for (const t of profile.tools) {
    out.push({
      id: `tool-${t.id}`,
      section: 'tools',
      titleAr: t.titleAr,
      titleEn: t.titleEn,
      linesAr: [t.descriptionAr],
      linesEn: [t.descriptionEn],
      isForm: t.isForm,
    });
  }
  const c = profile.contact;
  if (c && (c.phones.length || c.socialHandles.length || c.email || c.website)) {
    const lines = [...c.phones, ...c.socialHandles, ...(c.email ? [c.email] : []), ...(c.website ? [c.website] : [])];
    out.push({ id: 'contact', section: 'contact', titleAr: 'التواصل مع الجمعية', titleEn: 'Contacting the association', linesAr: lines, linesEn: lines });
  }
  return out;
}

function entryText(e: LibraryEntry): string {
  return [e.titleAr, e.titleEn, ...e.linesAr, ...e.linesEn, ...(e.groups ?? []).flatMap((g) => [...g.itemsAr, ...g.itemsEn])].join(' ');
}

/** Entries whose text holds every word of the query (spelling folded); all entries for an empty query. */
export function searchLibrary(entries: readonly LibraryEntry[], query: string): LibraryEntry[] {
  const words = foldArabicText(query).split(' ').filter(Boolean);
  if (words.length === 0) return [...entries];
  return entries.filter((e) => {
    const text = foldArabicText(entryText(e));
    return words.every((w) => text.includes(w));
  });
}
