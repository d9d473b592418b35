/**
 * Digits typed on Arabic keyboards: Arabic-Indic (٠-٩, U+0660–U+0669, used in Saudi Arabia) and
 * Eastern Arabic-Indic / Persian (۰-۹, U+06F0–U+06F9, from Persian and Urdu keyboard layouts).
 */
const ARABIC_INDIC_ZERO = 0x0660;
const EASTERN_ARABIC_INDIC_ZERO = 0x06f0;

/** Replace Arabic-Indic and Eastern Arabic-Indic digits with ASCII 0-9; everything else unchanged. */
export function normalizeDigits(input: string): string {
  return input.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (ch) => {
    const code = ch.charCodeAt(0);
    const zero = code >= EASTERN_ARABIC_INDIC_ZERO ? EASTERN_ARABIC_INDIC_ZERO : ARABIC_INDIC_ZERO;
    return String.fromCharCode(0x30 + code - zero);
  });
}

/** Replace ASCII digits with Arabic-Indic digits (for display in Arabic text). */
export function toArabicIndicDigits(input: string): string {
  return input.replace(/[0-9]/g, (ch) => String.fromCharCode(ARABIC_INDIC_ZERO + ch.charCodeAt(0) - 0x30));
}
