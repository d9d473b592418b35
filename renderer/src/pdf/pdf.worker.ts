/// <reference lib="webworker" />
/**
 * Builds the declaration and receipt PDFs off the main thread, so typing stays smooth while
 * HarfBuzz shapes the Arabic text. The assets come from the app's own origin.
 */
import { buildDeclarationPdf, buildReceiptPdf, DocumentInputError } from '../../../shared/pdf';
import { loadPdfAssets } from './assets';
import type { PdfJob, PdfReply } from './protocol';

const decoder = new TextDecoder();

async function run(id: number, job: PdfJob): Promise<PdfReply> {
  const assets = await loadPdfAssets();
  if (job.kind === 'receipt') {
    return { id, ok: true, kind: 'receipt', pdf: await buildReceiptPdf(job.input, assets) };
  }
  const built = await buildDeclarationPdf(
    job.input,
    { variant: job.variant, device: job.device, ...(job.signaturePng ? { signaturePng: job.signaturePng } : {}) },
    assets,
  );
  return {
    id,
    ok: true,
    kind: 'declaration',
    result: {
      pdf: built.pdf,
      snapshotJson: decoder.decode(built.snapshotBytes),
      snapshotSha256: built.snapshotSha256,
      dataSha256: built.dataSha256,
      qrPayload: built.qrPayload,
    },
  };
}

self.onmessage = (event: MessageEvent<{ id: number; job: PdfJob }>) => {
  const { id, job } = event.data;
  run(id, job).then(
    (reply) => {
      const transfer = reply.ok ? [reply.kind === 'receipt' ? reply.pdf.buffer : reply.result.pdf.buffer] : [];
      (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply, transfer as Transferable[]);
    },
    (error: unknown) => {
      const reply: PdfReply =
        error instanceof DocumentInputError
          ? { id, ok: false, problem: { field: error.field, messageAr: error.messageAr, messageEn: error.messageEn } }
          : {
              id,
              ok: false,
              problem: {
                messageAr: 'تعذّر إنشاء ملف PDF. أعد المحاولة، وإن تكرر الخطأ فأعد تشغيل البرنامج وأبلغ الدعم الفني.',
                messageEn: 'The PDF could not be created. Try again; if it keeps failing, restart the app and tell technical support.',
              },
            };
      if (!(error instanceof DocumentInputError)) console.error('pdf worker', error);
      (self as unknown as DedicatedWorkerGlobalScope).postMessage(reply);
    },
  );
};
