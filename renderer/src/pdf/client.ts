/**
 * The renderer's side of the PDF worker: one worker per window, created on first use.
 * `buildDeclaration` / `buildReceipt` resolve with the PDF or reject with a `PdfBuildError`
 * carrying the domain's Arabic and English messages.
 */
import type { DeclarationInput, DeviceSigningKey } from '../../../shared/declaration';
import type { DeclarationVariant, ReceiptInput } from '../../../shared/pdf';
import type { DeclarationBuilt, PdfJob, PdfProblem, PdfReply } from './protocol';

export type { DeclarationBuilt, PdfProblem } from './protocol';

export class PdfBuildError extends Error {
  constructor(readonly problem: PdfProblem) {
    super(problem.messageEn);
    this.name = 'PdfBuildError';
  }
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (r: PdfReply) => void; reject: (e: unknown) => void }>();

const workerFailed: PdfProblem = {
  messageAr: 'توقّف مُنشئ ملفات PDF عن العمل. أعد المحاولة، وإن تكرر ذلك فأعد تشغيل البرنامج.',
  messageEn: 'The PDF builder stopped working. Try again; if it happens again, restart the app.',
};

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./pdf.worker.ts', import.meta.url), { type: 'module', name: 'sila-pdf' });
  w.onmessage = (event: MessageEvent<PdfReply>) => {
    const entry = pending.get(event.data.id);
    if (!entry) return;
    pending.delete(event.data.id);
    entry.resolve(event.data);
  };
  w.onerror = (event) => {
    console.error('pdf worker failed', event.message);
    for (const entry of pending.values()) entry.reject(new PdfBuildError(workerFailed));
    pending.clear();
    w.terminate();
    worker = null;
  };
  worker = w;
  return w;
}

function post(job: PdfJob): Promise<PdfReply> {
  const id = nextId++;
  return new Promise<PdfReply>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    theWorker().postMessage({ id, job });
  });
}

export async function buildDeclaration(
  input: DeclarationInput,
  variant: DeclarationVariant,
  device: DeviceSigningKey,
  signaturePng?: Uint8Array,
): Promise<DeclarationBuilt> {
  const reply = await post({ kind: 'declaration', input, variant, device, ...(signaturePng ? { signaturePng } : {}) });
  if (!reply.ok) throw new PdfBuildError(reply.problem);
  if (reply.kind !== 'declaration') throw new PdfBuildError(workerFailed);
  return reply.result;
}

export async function buildReceipt(input: ReceiptInput): Promise<Uint8Array> {
  const reply = await post({ kind: 'receipt', input });
  if (!reply.ok) throw new PdfBuildError(reply.problem);
  if (reply.kind !== 'receipt') throw new PdfBuildError(workerFailed);
  return reply.pdf;
}
