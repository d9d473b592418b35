// The three beneficiary documents, Arabic first, A4:
//  - the signed data declaration (إقرار) with the applicant's drawn signature,
//  - the same declaration printed blank for a wet signature,
//  - the request receipt (إيصال استلام طلب).
// Declarations carry tamper evidence: the canonical JSON snapshot attached (relationship Data), its
// SHA-256 in the metadata, and a QR code with the reference, hashes and the device's signature.

import { AFRelationship, PDFName, PDFString, ReadingDirection } from 'pdf-lib';
import QRCode from 'qrcode';
import { sha256Hex } from '../declaration/canonicalJson';
import type { DeviceSigningKey } from '../declaration/deviceKey';
import { INFO_KEY_QR, INFO_KEY_SHA256, SNAPSHOT_ATTACHMENT_PREFIX } from '../declaration/pdfEvidence';
import { buildSnapshot, sealDeclaration, type SealedDeclaration } from '../declaration/snapshot';
import type { AssociationHeader, DeclarationInput } from '../declaration/types';
import { formatHijriAndGregorian } from './dates';
import { createPdfEngine, type PdfAssets } from './engine';
import { DocumentInputError, FIELD_LIMITS } from './errors';
import { Flow } from './flow';
import { DocumentWriter } from './pageWriter';
import { FieldChecker, isWellFormedPng } from './validate';

export type DeclarationVariant = 'signed' | 'blank';

export interface DeclarationPdfOptions {
  variant: DeclarationVariant;
  /** PNG (transparency allowed) of the applicant's drawn signature; required for 'signed'. */
  signaturePng?: Uint8Array;
  /** The issuing device's signing key. */
  device: DeviceSigningKey;
}

export interface DeclarationPdf extends SealedDeclaration {
  pdf: Uint8Array;
}

const DARK: [number, number, number] = [0.1, 0.25, 0.22];
const MAX_SIGNATURE_BYTES = 2 * 1024 * 1024;

function checkAssociation(check: FieldChecker, a: AssociationHeader | undefined, path: string): void {
  if (!a) throw new DocumentInputError(path, 'missing', `بيانات الجمعية (${path}) مطلوبة.`, `The association details (${path}) are required.`);
  check.text(`${path}.name`, a.name, { max: FIELD_LIMITS.name, required: true, bold: true });
  check.text(`${path}.licenceNumber`, a.licenceNumber, { max: 20, bold: true });
  for (const k of ['phone', 'email', 'address', 'website'] as const) check.text(`${path}.${k}`, a[k], { max: FIELD_LIMITS.short });
}

function validateDeclaration(check: FieldChecker, input: DeclarationInput, options: DeclarationPdfOptions): void {
  const ref = input.reference;
  check.text('reference', ref, { max: FIELD_LIMITS.reference, required: true });
  if (!/^[A-Za-z0-9-]+$/.test(ref)) {
    throw new DocumentInputError('reference', 'invalid', 'الرقم المرجعي (reference) يقبل الحروف اللاتينية والأرقام والشرطة فقط.', 'The reference may contain only Latin letters, digits and hyphens.');
  }
  check.isoDate('declaredAt', input.declaredAt);
  checkAssociation(check, input.association, 'association');
  if (!input.statement || !input.statement.text || input.statement.text.trim() === '') {
    throw new DocumentInputError(
      'statement.text',
      'missing_statement',
      'سياسة الجمعية لا تحتوي على نص الإقرار (statement.text)؛ أضف نص الإقرار في إعدادات السياسة ثم أعد المحاولة.',
      "The association's policy profile has no declaration statement (statement.text); add it in the policy settings and try again.",
    );
  }
  check.text('statement.text', input.statement.text, { max: FIELD_LIMITS.statement, required: true, multiline: true });
  check.text('statement.policyVersion', input.statement.policyVersion, { max: 40 });
  const d = input.data;
  const b = d.beneficiary;
  check.text('data.beneficiary.fullName', b.fullName, { max: FIELD_LIMITS.name, required: true });
  check.text('data.beneficiary.nationalId', b.nationalId, { max: 20, required: true });
  check.text('data.beneficiary.mobile', b.mobile, { max: 20, required: true });
  for (const k of ['nationality', 'dateOfBirth', 'maritalStatus', 'email', 'iban', 'address', 'employer'] as const) {
    check.text(`data.beneficiary.${k}`, b[k], { max: FIELD_LIMITS.short });
  }
  check.count('data.household.members', d.household.members, FIELD_LIMITS.householdMembers);
  check.text('data.household.monthlyIncome', d.household.monthlyIncome, { max: FIELD_LIMITS.short });
  check.text('data.household.housing', d.household.housing, { max: FIELD_LIMITS.short });
  d.household.members.forEach((m, i) => {
    check.text(`data.household.members[${i}].name`, m.name, { max: FIELD_LIMITS.name, required: true });
    check.text(`data.household.members[${i}].relation`, m.relation, { max: 60, required: true });
    check.text(`data.household.members[${i}].nationalId`, m.nationalId, { max: 20 });
  });
  check.text('data.request.type', d.request.type, { max: FIELD_LIMITS.short, required: true });
  check.text('data.request.description', d.request.description, { max: FIELD_LIMITS.description, required: true, multiline: true });
  check.text('data.service.name', d.service.name, { max: FIELD_LIMITS.short, required: true });
  check.text('data.channel.name', d.channel.name, { max: FIELD_LIMITS.short, required: true });
  check.count('data.documents', d.documents, FIELD_LIMITS.documents);
  d.documents.forEach((doc, i) => {
    check.text(`data.documents[${i}].name`, doc.name, { max: FIELD_LIMITS.short, required: true });
    check.text(`data.documents[${i}].note`, doc.note, { max: FIELD_LIMITS.short });
  });
  check.text('applicant.name', input.applicant.name, { max: FIELD_LIMITS.name, required: true });
  check.text('applicant.relationToBeneficiary', input.applicant.relationToBeneficiary, { max: 60 });
  check.text('employee.name', input.employee.name, { max: FIELD_LIMITS.name, required: true });
  check.text('employee.role', input.employee.role, { max: FIELD_LIMITS.short, required: true });
  check.text('place', input.place, { max: FIELD_LIMITS.short, required: true });
  if (options.variant === 'signed') {
    const png = options.signaturePng;
    const isPng = png && png.length > 8 && png[0] === 0x89 && png[1] === 0x50 && png[2] === 0x4e && png[3] === 0x47;
    if (png && png.length > MAX_SIGNATURE_BYTES) {
      throw new DocumentInputError('signature', 'too_long', 'صورة التوقيع (signature) أكبر من 2 ميغابايت؛ أعد التوقيع.', 'The signature image (signature) is larger than 2 MB; sign again.');
    }
    if (isPng && !isWellFormedPng(png)) {
      throw new DocumentInputError(
        'signature',
        'invalid',
        'صورة التوقيع (signature) تالفة ولا يمكن قراءتها؛ اطلب من مقدم الطلب التوقيع مرة أخرى.',
        'The signature image (signature) is damaged and cannot be read; ask the applicant to sign again.',
      );
    }
    if (!isPng) {
      throw new DocumentInputError(
        'signature',
        'missing_signature',
        'توقيع مقدم الطلب (signature) مفقود؛ اطلب منه التوقيع في خانة التوقيع، أو اطبع نسخة للتوقيع باليد.',
        "The applicant's signature (signature) is missing; ask them to sign in the signature box, or print a copy to sign by hand.",
      );
    }
  }
}

function setDocumentInfo(writer: DocumentWriter, title: string, author: string, subject: string, createdAt: Date): void {
  const doc = writer.doc;
  doc.setTitle(title, { showInWindowTitleBar: true });
  doc.setAuthor(author);
  doc.setSubject(subject);
  doc.setCreator('صلة — Sila');
  doc.setProducer('Sila PDF (pdf-lib 1.17.1, HarfBuzz)');
  doc.setLanguage('ar-SA');
  doc.setCreationDate(createdAt);
  doc.setModificationDate(createdAt);
  doc.catalog.getOrCreateViewerPreferences().setReadingDirection(ReadingDirection.R2L);
}

function header(flow: Flow, association: AssociationHeader, title: string, reserveLeft: number): void {
  const w = flow.width - reserveLeft;
  const name = flow.lines(association.name, 'bold', 15, w);
  for (const l of name) {
    flow.page.drawAligned(l, flow.left + reserveLeft, w, flow.y + 17, 'right', DARK);
    flow.y += 24;
  }
  const licence = association.licenceNumber
    ? flow.lines(`ترخيص المركز الوطني لتنمية القطاع غير الربحي رقم ${association.licenceNumber}`, 'regular', 10, w)[0]
    : undefined;
  if (licence) flow.page.drawAligned(licence, flow.left + reserveLeft, w, flow.y + 11, 'right', [0.35, 0.35, 0.35]);
  flow.y += 26;
  const titleLine = flow.lines(title, 'bold', 18, flow.width)[0];
  if (titleLine) flow.page.drawAligned(titleLine, flow.left, flow.width, flow.y + 20, 'center');
  flow.y += 34;
  flow.page.rule(flow.left, flow.y, flow.left + flow.width, flow.y, 1, DARK);
  flow.y += 10;
}

/** Size of the verification QR code (points) and where the content starts below it. */
const QR_SIZE = 88;
const MARGIN_TOP_AFTER_QR = 40 + QR_SIZE + 10;

export async function buildDeclarationPdf(input: DeclarationInput, options: DeclarationPdfOptions, assets: PdfAssets): Promise<DeclarationPdf> {
  const engine = await createPdfEngine(assets);
  const check = new FieldChecker(engine.text);
  validateDeclaration(check, input, options);
  const statement = input.statement as { text: string; policyVersion?: string };
  const declaredAt = new Date(input.declaredAt);

  const signaturePng = options.variant === 'signed' ? options.signaturePng : undefined;
  const snapshot = buildSnapshot(
    { ...input, statement },
    signaturePng ? { kind: 'drawn', imageSha256: await sha256Hex(signaturePng) } : { kind: 'wet' },
    options.device.keyId,
  );
  const sealed = await sealDeclaration(snapshot, options.device);

  const writer = await DocumentWriter.create(engine.text);
  const title = 'إقرار بصحة البيانات';
  setDocumentInfo(writer, `${title} — ${input.reference}`, input.association.name, `${title} ${input.data.beneficiary.fullName}`, declaredAt);
  writer.doc.setKeywords(['إقرار', input.reference, `sha256:${sealed.snapshotSha256}`]);
  const info = writer.doc.context.lookup(writer.doc.context.trailerInfo.Info);
  if (info && 'set' in info && typeof info.set === 'function') {
    info.set(PDFName.of(INFO_KEY_SHA256), PDFString.of(sealed.snapshotSha256));
    info.set(PDFName.of(INFO_KEY_QR), PDFString.of(sealed.qrPayload));
  }

  const flow = new Flow(writer);
  const qrSize = QR_SIZE;
  // Byte mode given explicitly: skips the segment optimiser (the payload is plain ASCII).
  const qr = QRCode.create([{ data: new TextEncoder().encode(sealed.qrPayload), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  flow.page.qr(qr.modules, flow.left, flow.y - 10, qrSize);
  const caption = flow.lines('رمز التحقق', 'regular', 8, qrSize)[0];
  if (caption) flow.page.drawAligned(caption, flow.left, qrSize, flow.y + qrSize + 4, 'center', [0.35, 0.35, 0.35]);
  header(flow, input.association, title, qrSize + 12);
  flow.y = Math.max(flow.y, MARGIN_TOP_AFTER_QR);

  flow.keyValues([
    ['الرقم المرجعي', input.reference],
    ['التاريخ', formatHijriAndGregorian(declaredAt)],
    ['المكان', input.place],
  ]);

  const d = input.data;
  const b = d.beneficiary;
  flow.heading('بيانات المستفيد');
  flow.keyValues(
    [
      ['الاسم الكامل', b.fullName],
      ['رقم الهوية / الإقامة', b.nationalId],
      ['الجنسية', b.nationality ?? ''],
      ['تاريخ الميلاد', b.dateOfBirth ?? ''],
      ['الحالة الاجتماعية', b.maritalStatus ?? ''],
      ['رقم الجوال', b.mobile],
      ['البريد الإلكتروني', b.email ?? ''],
      ['رقم الحساب البنكي (IBAN)', b.iban ?? ''],
      ['العنوان', b.address ?? ''],
      ['جهة العمل / مصدر الدخل', b.employer ?? ''],
    ].filter(([, v], i) => i < 2 || i === 5 || v !== '') as Array<[string, string]>,
  );

  flow.heading('بيانات الأسرة');
  flow.keyValues(
    [
      ['عدد أفراد الأسرة', String(d.household.membersCount)],
      ['الدخل الشهري', d.household.monthlyIncome ?? ''],
      ['السكن', d.household.housing ?? ''],
    ].filter(([, v], i) => i === 0 || v !== '') as Array<[string, string]>,
  );
  if (d.household.members.length > 0) {
    flow.table(
      ['م', 'الاسم', 'صلة القرابة', 'رقم الهوية', 'العمر'],
      [0.06, 0.4, 0.18, 0.24, 0.12],
      d.household.members.map((m, i) => [String(i + 1), m.name, m.relation, m.nationalId ?? '', m.age === undefined ? '' : String(m.age)]),
    );
  }

  flow.heading('بيانات الطلب');
  flow.keyValues([
    ['نوع الطلب', d.request.type],
    ['وصف الطلب', d.request.description],
    ['الخدمة', d.service.name],
    ['قناة التواصل', d.channel.name],
  ]);

  flow.heading('المستندات المقدمة والتحقق منها');
  if (d.documents.length > 0) {
    flow.table(
      ['م', 'المستند', 'قُدِّم', 'تم التحقق', 'ملاحظة'],
      [0.06, 0.38, 0.12, 0.14, 0.3],
      d.documents.map((doc, i) => [String(i + 1), doc.name, doc.presented ? 'نعم' : 'لا', doc.verified ? 'نعم' : 'لا', doc.note ?? '']),
    );
  } else {
    flow.paragraph('لم تُقدَّم مستندات.', { size: 10.5 });
  }

  flow.heading('الإقرار');
  flow.paragraph(statement.text, { size: 11.5, gap: 10 });

  // Signatures: applicant on the right, employee on the left.
  const boxH = 118;
  flow.ensure(boxH + 30);
  const top = flow.y;
  const half = (flow.width - 16) / 2;
  const rightX = flow.left + half + 16;
  const signed = options.variant === 'signed';
  flow.page.rect(rightX, top, half, boxH, { stroke: [0.6, 0.6, 0.6], dash: signed ? undefined : 3 });
  flow.page.rect(flow.left, top, half, boxH, { stroke: [0.6, 0.6, 0.6], dash: signed ? undefined : 3 });
  const labelAt = (text: string, x: number, y: number, font: 'regular' | 'bold' = 'bold', size = 10.5): void => {
    const l = flow.lines(text, font, size, half - 12)[0];
    if (l) flow.page.drawAligned(l, x + 6, half - 12, y, 'right');
  };
  labelAt('مقدم الطلب', rightX, top + 16);
  labelAt(`الاسم: ${input.applicant.name}`, rightX, top + 34, 'regular');
  if (input.applicant.relationToBeneficiary) labelAt(`الصفة: ${input.applicant.relationToBeneficiary}`, rightX, top + 51, 'regular', 10);
  labelAt('التوقيع:', rightX, top + 70, 'regular');
  if (signed && signaturePng) {
    let image;
    try {
      image = await writer.doc.embedPng(signaturePng);
    } catch {
      throw new DocumentInputError(
        'signature',
        'invalid',
        'صورة التوقيع (signature) تالفة ولا يمكن قراءتها؛ اطلب من مقدم الطلب التوقيع مرة أخرى.',
        'The signature image (signature) is damaged and cannot be read; ask the applicant to sign again.',
      );
    }
    const maxW = half - 70;
    const maxH = 48;
    const s = Math.min(maxW / image.width, maxH / image.height);
    flow.page.image(image, rightX + 8, top + 62, image.width * s, image.height * s);
  } else {
    flow.page.rule(rightX + 10, top + 100, rightX + half - 60, top + 100, 0.6, [0.4, 0.4, 0.4]);
  }
  labelAt('الموظف المستلم', flow.left, top + 16);
  labelAt(`الاسم: ${input.employee.name}`, flow.left, top + 34, 'regular');
  labelAt(`الوظيفة: ${input.employee.role}`, flow.left, top + 51, 'regular', 10);
  labelAt('التوقيع:', flow.left, top + 70, 'regular');
  if (!signed) flow.page.rule(flow.left + 10, top + 100, flow.left + half - 60, top + 100, 0.6, [0.4, 0.4, 0.4]);
  else labelAt('(وُقّع إلكترونيًا على جهاز الجمعية)', flow.left, top + 95, 'regular', 9);
  flow.y = top + boxH + 10;

  flow.footers(input.reference, `بصمة البيانات: ${sealed.snapshotSha256.slice(0, 16)}`);
  await writer.finish();
  await writer.doc.attach(sealed.snapshotBytes, `${SNAPSHOT_ATTACHMENT_PREFIX}${input.reference}.json`, {
    mimeType: 'application/json',
    description: 'نسخة آلية مما أُقر به (JSON) — machine-readable copy of the declared data',
    creationDate: declaredAt,
    modificationDate: declaredAt,
    afRelationship: AFRelationship.Data,
  });
  const pdf = await writer.doc.save({ useObjectStreams: true });
  return { ...sealed, pdf };
}


export interface ReceiptInput {
  reference: string;
  association: AssociationHeader;
  beneficiaryName: string;
  service: string;
  channel?: string;
  /** ISO date-time the request was submitted. */
  submittedAt: string;
  /** ISO date-time: the research committee replies no earlier than this (≥ 14 days after submission). */
  earliestReplyAt: string;
  /** What happens next; defaults to the procedure every policy states. */
  nextSteps?: string[];
}

export const MINIMUM_REPLY_DAYS = 14;

const DEFAULT_NEXT_STEPS = [
  'يُحال طلبك إلى لجنة البحث لدراسته.',
  'قد يتواصل معك مسؤول البحث الاجتماعي لاستكمال البيانات أو المستندات.',
  `ترد اللجنة بالقبول أو الرفض خلال مدة لا تقل عن ${MINIMUM_REPLY_DAYS} يومًا من تاريخ تقديم الطلب.`,
  'عند القبول يُستكمل التسجيل وتُقدَّم الخدمة، ويحق لك تقييم الخدمة بعد تلقيها.',
];

export async function buildReceiptPdf(input: ReceiptInput, assets: PdfAssets): Promise<Uint8Array> {
  const engine = await createPdfEngine(assets);
  const check = new FieldChecker(engine.text);
  check.text('reference', input.reference, { max: FIELD_LIMITS.reference, required: true });
  checkAssociation(check, input.association, 'association');
  check.text('beneficiaryName', input.beneficiaryName, { max: FIELD_LIMITS.name, required: true });
  check.text('service', input.service, { max: FIELD_LIMITS.short, required: true });
  check.text('channel', input.channel, { max: FIELD_LIMITS.short });
  const submitted = check.isoDate('submittedAt', input.submittedAt);
  const reply = check.isoDate('earliestReplyAt', input.earliestReplyAt);
  if (reply.getTime() < submitted.getTime() + MINIMUM_REPLY_DAYS * 86400_000 - 60_000) {
    throw new DocumentInputError(
      'earliestReplyAt',
      'invalid',
      `أقرب موعد للرد (earliestReplyAt) يجب ألا يقل عن ${MINIMUM_REPLY_DAYS} يومًا بعد تاريخ تقديم الطلب كما تنص السياسة؛ صحح التاريخ.`,
      `The earliest reply date (earliestReplyAt) must be at least ${MINIMUM_REPLY_DAYS} days after submission, as the policy states; correct the date.`,
    );
  }
  const steps = input.nextSteps ?? DEFAULT_NEXT_STEPS;
  check.count('nextSteps', steps, FIELD_LIMITS.nextSteps);
  steps.forEach((s, i) => check.text(`nextSteps[${i}]`, s, { max: 400, required: true }));

  const writer = await DocumentWriter.create(engine.text);
  const title = 'إيصال استلام طلب';
  setDocumentInfo(writer, `${title} — ${input.reference}`, input.association.name, `${title} ${input.beneficiaryName}`, submitted);
  writer.doc.setKeywords(['إيصال', input.reference]);
  const flow = new Flow(writer);
  header(flow, input.association, title, 0);
  flow.keyValues([
    ['الرقم المرجعي', input.reference],
    ['اسم المستفيد', input.beneficiaryName],
    ['الخدمة المطلوبة', input.service],
    ...(input.channel ? ([['قناة التواصل', input.channel]] as Array<[string, string]>) : []),
    ['تاريخ تقديم الطلب', formatHijriAndGregorian(submitted)],
    ['أقرب موعد للرد', formatHijriAndGregorian(reply)],
  ]);
  flow.heading('ماذا يحدث بعد ذلك؟');
  steps.forEach((s, i) => flow.paragraph(`${i + 1}. ${s}`, { size: 11 }));
  flow.heading('للتواصل مع الجمعية');
  const a = input.association;
  const contact: Array<[string, string]> = [];
  if (a.phone) contact.push(['الهاتف', a.phone]);
  if (a.email) contact.push(['البريد الإلكتروني', a.email]);
  if (a.website) contact.push(['الموقع الإلكتروني', a.website]);
  if (a.address) contact.push(['العنوان', a.address]);
  if (contact.length > 0) flow.keyValues(contact);
  flow.paragraph('احتفظ بهذا الإيصال واذكر الرقم المرجعي عند التواصل مع الجمعية.', { size: 10.5 });
  flow.footers(input.reference);
  await writer.finish();
  return writer.doc.save({ useObjectStreams: true });
}
