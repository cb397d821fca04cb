/**
 * What `npm run grade` prints while a class is graded: a progress bar on stderr (redrawn in place
 * on a terminal, one line per notebook otherwise) and a summary per lesson at the end.
 */
export interface ProgressLine {
  done: number;
  total: number;
  learner: string;
  lesson: string;
  status: string;
  points: number;
  maxPoints: number;
  durationMs: number;
}

export interface GradedRow {
  learner: string;
  lesson: string;
  status: string;
  total: number;
  maxTotal: number;
}

const WIDTH = 20;

/** `[########............] 8/20 alice 01-normalize: ok 5/5 (12.3 s)` */
export function progressLine(p: ProgressLine): string {
  const filled = p.total === 0 ? WIDTH : Math.round((p.done / p.total) * WIDTH);
  const bar = `[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}]`;
  return `${bar} ${p.done}/${p.total} ${p.learner} ${p.lesson}: ${p.status} ${p.points}/${p.maxPoints} (${(p.durationMs / 1000).toFixed(1)} s)`;
}

/** Writes progress lines to `out`: in place on a terminal, else one per line. */
export function progressPrinter(out: NodeJS.WriteStream = process.stderr): (p: ProgressLine) => void {
  return (p) => {
    const line = progressLine(p);
    out.write(out.isTTY ? `\r\x1b[K${line}${p.done === p.total ? "\n" : ""}` : `${line}\n`);
  };
}

/** Per lesson: how many learners, the statuses, and the mean and lowest score. */
export function summaryLines(grades: readonly GradedRow[]): string[] {
  const lessons = [...new Set(grades.map((g) => g.lesson))].sort();
  return lessons.map((lesson) => {
    const rows = grades.filter((g) => g.lesson === lesson);
    const statuses = new Map<string, number>();
    for (const row of rows) statuses.set(row.status, (statuses.get(row.status) ?? 0) + 1);
    const max = Math.max(...rows.map((r) => r.maxTotal));
    const totals = rows.map((r) => r.total);
    const mean = totals.reduce((a, b) => a + b, 0) / rows.length;
    const round = (x: number): number => Math.round(x * 100) / 100;
    return `${lesson}: ${rows.length} learner${rows.length === 1 ? "" : "s"}, mean ${round(mean)}/${max}, lowest ${round(Math.min(...totals))}/${max}; ${[...statuses].map(([s, n]) => `${n} ${s}`).join(", ")}`;
  });
}
