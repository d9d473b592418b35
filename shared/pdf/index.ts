export { createPdfEngine, type PdfAssets, type PdfEngine } from './engine';
export {
  buildDeclarationPdf,
  buildReceiptPdf,
  MINIMUM_REPLY_DAYS,
  type DeclarationPdf,
  type DeclarationPdfOptions,
  type DeclarationVariant,
  type ReceiptInput,
} from './documents';
export { DocumentInputError, FIELD_LIMITS, type DocumentInputProblem } from './errors';
export { formatHijri, formatGregorian, formatHijriAndGregorian } from './dates';
export { stripBidiControls, isolateLtrPhrases } from './textLayout';
