/**
 * CSV for Excel: UTF-8 with a byte-order mark (so Excel reads Arabic as UTF-8), CRLF line ends,
 * RFC 4180 quoting, and cells that would start a formula neutralised (CSV injection: a cell
 * beginning with = + - @ is executed by spreadsheet programs).
 */

export const UTF8_BOM = '\uFEFF';

export interface CsvColumn<Row> {
  /** Header cell. */
  readonly header: string;
  /** A key of the row, or a function computing the cell. */
  readonly value: keyof Row | ((row: Row) => unknown);
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return JSON.stringify(value) ?? '';
}

/** One CSV field: quoted when it holds a comma, quote, CR/LF or edge spaces; quotes doubled. */
export function csvField(value: unknown): string {
  const text = cellText(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV text of rows under the given columns, starting with a UTF-8 BOM. */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) {
    lines.push(
      columns
        .map((c) => csvField(typeof c.value === 'function' ? c.value(row) : row[c.value]))
        .join(','),
    );
  }
  return UTF8_BOM + lines.join('\r\n') + '\r\n';
}
