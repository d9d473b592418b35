/**
 * XLSX export of the report tables: one worksheet per table, right-to-left sheets for Arabic,
 * with exceljs (MIT). Cells that would start a formula are written as text, never as formulas.
 */
import type * as ExcelJs from 'exceljs';
import type { Cell, ReportTable } from './reportTables';

type ExcelModule = typeof ExcelJs;

async function loadExcel(): Promise<ExcelModule> {
  const mod = (await import('exceljs')) as ExcelModule & { default?: ExcelModule };
  return mod.default ?? mod;
}

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ] — and unique. */
export function sheetName(title: string, used: Set<string>): string {
  const base = title.replace(/[:\\/?*[\]]/g, ' ').trim().slice(0, 31) || 'Sheet';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 28)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

function safeCell(value: Cell): string | number | null {
  if (typeof value === 'string' && /^[=+\-@]/.test(value)) return `'${value}`;
  return value;
}

export async function tablesToXlsx(tables: readonly ReportTable[], rightToLeft: boolean): Promise<Uint8Array> {
  const Excel = await loadExcel();
  const workbook = new Excel.Workbook();
  workbook.creator = 'Sila';
  workbook.created = new Date();
  const used = new Set<string>();
  for (const table of tables) {
    const sheet = workbook.addWorksheet(sheetName(table.title, used), { views: [{ rightToLeft, state: 'frozen', ySplit: 1 }] });
    sheet.addRow(table.headers).font = { bold: true };
    for (const row of table.rows) sheet.addRow(row.map(safeCell));
    sheet.columns.forEach((col, i) => {
      const widest = Math.max(...[table.headers[i] ?? '', ...table.rows.map((r) => String(r[i] ?? ''))].map((s) => s.length));
      col.width = Math.min(60, Math.max(10, widest + 2));
    });
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

/** Reads a workbook back (tests, and a check after writing): sheet name → rows of cell values. */
export async function readXlsx(data: Uint8Array): Promise<Map<string, (string | number | null)[][]>> {
  const Excel = await loadExcel();
  const workbook = new Excel.Workbook();
  await workbook.xlsx.load(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  const out = new Map<string, (string | number | null)[][]>();
  workbook.eachSheet((sheet) => {
    const rows: (string | number | null)[][] = [];
    sheet.eachRow({ includeEmpty: false }, (row) => {
      const values = (row.values as unknown[]).slice(1);
      rows.push(Array.from(values, (v) => (typeof v === 'string' || typeof v === 'number' ? v : v === null || v === undefined ? null : String(v))));
    });
    out.set(sheet.name, rows);
  });
  return out;
}
