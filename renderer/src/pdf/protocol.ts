/** Messages between the renderer and the PDF worker. */
import type { DeclarationInput, DeviceSigningKey } from '../../../shared/declaration';
import type { DeclarationVariant, ReceiptInput } from '../../../shared/pdf';

export type PdfJob =
  | {
      kind: 'declaration';
      input: DeclarationInput;
      variant: DeclarationVariant;
      signaturePng?: Uint8Array;
      device: DeviceSigningKey;
    }
  | { kind: 'receipt'; input: ReceiptInput };

export interface PdfProblem {
  /** The input field at fault (DocumentInputError), when known. */
  field?: string;
  messageAr: string;
  messageEn: string;
}

export interface DeclarationBuilt {
  pdf: Uint8Array;
  snapshotJson: string;
  snapshotSha256: string;
  dataSha256: string;
  qrPayload: string;
}

export type PdfReply =
  | { id: number; ok: true; kind: 'declaration'; result: DeclarationBuilt }
  | { id: number; ok: true; kind: 'receipt'; pdf: Uint8Array }
  | { id: number; ok: false; problem: PdfProblem };
