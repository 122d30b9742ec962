// Plain-text tables and figures for terminal reports: columns padded to their widest cell,
// numbers right-aligned, two spaces between columns, no colours (the output may be piped).

/**
 * Renders `rows` (arrays of cells) under `header` (null: none), indented by two spaces. A column
 * whose header is in `right`, or whose cells are all numbers, is right-aligned.
 * @param {string[] | null} header
 * @param {unknown[][]} rows
 * @param {{ right?: Array<string | undefined> }} [options]
 */
export function table(header, rows, { right = [] } = {}) {
  const all = [...(header ? [header] : []), ...rows].map((row) => row.map((cell) => String(cell ?? '')));
  const columns = all[0]?.length ?? 0;
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...all.map((row) => row[column].length)),
  );
  const alignRight = widths.map(
    (_, column) => right.includes(header?.[column]) || rows.every((row) => typeof row[column] === 'number'),
  );
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          alignRight[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
        )
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `  ${line}`)
    .join('\n');
}

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds as seconds with two decimals, e.g. `1.25 s`; '–' for none. */
export function seconds(ms) {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–';
}

/** `text` cut to `width` characters, with an ellipsis when cut. */
export function clip(text, width) {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
