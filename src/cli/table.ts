/** Rows (the first one the header) as aligned columns, for the admin commands' plain-text output. */
export const table = (rows: string[][]): string[] => {
  if (rows.length === 0) return [];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
};
