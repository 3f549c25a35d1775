/** A benchmark's findings: one table, with every figure also given as a ratio to its baseline. */
export interface Report {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes: string[];
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const fixed = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "0.25×": how many times the baseline a figure is. */
export const ratio = (value: number, baseline: number) => {
  if (!(baseline > 0) || !Number.isFinite(value)) return 'n/a';
  const r = value / baseline;
  return `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
};

/** Prints a report as a Markdown table, readable in a terminal and pasteable into docs. */
export function printReport(report: Report): void {
  const cells = [report.columns, ...report.rows.map((row) => row.map(String))];
  const widths = report.columns.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  // Text columns align left, figures right.
  const numeric = report.columns.map((_, i) => cells.slice(1).every((row) => /^[-\d.,×–n/a]+$/.test(row[i] ?? '')));
  const line = (row: string[]) => `| ${row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  console.log(`\n### ${report.title}\n`);
  console.log(line(report.columns));
  console.log(`|${widths.map((w, i) => (numeric[i] ? ` ${'-'.repeat(w - 1)}: ` : ` ${'-'.repeat(w)} `)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
  if (report.notes.length) console.log('\n' + report.notes.map((note) => `- ${note}`).join('\n'));
}
