// Reads the tamper evidence back out of a declaration PDF with pdf-lib: the attached snapshot
// (relationship Data), the hash in the metadata, and the signed QR payload kept in the Info dictionary.

import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFString, decodePDFRawStream } from 'pdf-lib';

export const INFO_KEY_SHA256 = 'SilaDeclarationSha256';
export const INFO_KEY_QR = 'SilaDeclarationQr';
export const SNAPSHOT_ATTACHMENT_PREFIX = 'declaration-';

export interface PdfEvidence {
  attachment?: { name: string; bytes: Uint8Array };
  metadataSha256?: string;
  keywords?: string;
  qrPayload?: string;
}

function text(obj: unknown): string | undefined {
  if (obj instanceof PDFString || obj instanceof PDFHexString) return obj.decodeText();
  return undefined;
}

export async function readPdfEvidence(pdf: Uint8Array): Promise<PdfEvidence> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const out: PdfEvidence = {};
  const info = doc.context.lookup(doc.context.trailerInfo.Info);
  if (info instanceof PDFDict) {
    out.metadataSha256 = text(info.lookup(PDFName.of(INFO_KEY_SHA256)));
    out.qrPayload = text(info.lookup(PDFName.of(INFO_KEY_QR)));
    out.keywords = text(info.lookup(PDFName.of('Keywords')));
  }
  const names = doc.catalog.lookup(PDFName.of('Names'));
  const embedded = names instanceof PDFDict ? names.lookup(PDFName.of('EmbeddedFiles')) : undefined;
  const list = embedded instanceof PDFDict ? embedded.lookup(PDFName.of('Names')) : undefined;
  if (list instanceof PDFArray) {
    for (let i = 0; i + 1 < list.size(); i += 2) {
      const name = text(list.lookup(i));
      const spec = list.lookup(i + 1);
      if (!name?.startsWith(SNAPSHOT_ATTACHMENT_PREFIX) || !(spec instanceof PDFDict)) continue;
      const ef = spec.lookup(PDFName.of('EF'));
      const stream = ef instanceof PDFDict ? ef.lookup(PDFName.of('F')) : undefined;
      if (stream instanceof PDFRawStream) {
        out.attachment = { name, bytes: decodePDFRawStream(stream).decode() };
        break;
      }
    }
  }
  return out;
}
