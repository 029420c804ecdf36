// The benchmark report: a table for the terminal, and an HTML page with SVG bar charts so that
// runs can be compared side by side without any charting library.
import { GrowthPoint, growthCharts, growthSvg, growthTable } from './growth';
import { WorkloadResult } from './measure';

export interface Report {
  readonly when: string;
  readonly options: object;
  /** With --preload levels: what the loader did at each, and the figures measured there. */
  readonly growth?: readonly GrowthPoint[];
  readonly results: readonly WorkloadResult[];
  readonly ratios: Readonly<Record<string, number | null>>;
}

export function textReport(report: Report): string {
  const rows = report.results.map((r) => [
    r.workload, String(r.submitted), String(r.committed), Object.entries(r.failed).map(([k, v]) => `${k}:${v}`).join(' ') || '-',
    String(r.tps), String(r.latencyMs.p50), String(r.latencyMs.p95), String(r.latencyMs.p99), String(r.latencyMs.max),
  ]);
  const header = ['workload', 'submitted', 'committed', 'failed', 'tps', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  const processes = [...new Set(report.results.flatMap((r) => Object.keys(r.cpuSecondsPer1000)))].sort();
  const nameWidth = Math.max(0, ...processes.map((p) => p.length));
  const cpu = processes.map((p) => `  ${p.padEnd(nameWidth)} ${report.results.map((r) => `${r.workload}=${r.cpuSecondsPer1000[p] ?? '-'}`).join('  ')}`);
  const ratios = Object.entries(report.ratios).map(([k, v]) => `  ${k}: ${v ?? 'n/a'}`);
  return [line(header), ...rows.map(line), '', 'CPU seconds per 1,000 committed operations:', ...cpu, '', 'ratios:', ...ratios, '', ...growthText(report), ''].join('\n');
}

function growthText(report: Report): string[] {
  if (!report.growth || report.growth.length < 2) return [];
  const { header, rows } = growthTable(report.growth, report.results);
  return ['growth (markdown):', `| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Lines over the --preload levels, for the metrics whose growth the scale targets are about. */
function growthSection(report: Report): string {
  const charts = growthCharts(report.growth ?? [], report.results);
  if (charts.length === 0) return '';
  return `<h2>Growth</h2>${charts.map((c) => `<h3>${escape(c.title)} (${escape(c.unit)}) by donations on the ledger</h3>${growthSvg(c)}`).join('')}`;
}

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function bars(title: string, items: readonly { label: string; value: number }[], unit: string): string {
  const max = Math.max(1, ...items.map((i) => i.value));
  const rowHeight = 26;
  const body = items
    .map((item, i) => {
      const width = Math.round((item.value / max) * 420);
      const y = i * rowHeight;
      return `<text x="0" y="${y + 17}">${escape(item.label)}</text><rect x="170" y="${y + 4}" width="${width}" height="18" fill="#0b5cad"/>` +
        `<text x="${176 + width}" y="${y + 17}">${item.value} ${unit}</text>`;
    })
    .join('');
  return `<h2>${escape(title)}</h2><svg width="720" height="${items.length * rowHeight + 6}" font-family="sans-serif" font-size="13">${body}</svg>`;
}

export function htmlReport(report: Report): string {
  const r = report.results;
  const cpuRows = [...new Set(r.flatMap((x) => Object.keys(x.cpuSecondsPer1000)))].sort()
    .map((p) => `<tr><th scope="row">${escape(p)}</th>${r.map((x) => `<td>${x.cpuSecondsPer1000[p] ?? '-'}</td>`).join('')}</tr>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Benchmark ${escape(report.when)}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}</style></head><body>
<h1>Donation ledger benchmark</h1><p>${escape(report.when)} &middot; options <code>${escape(JSON.stringify(report.options))}</code></p>
${bars('Throughput (committed per second)', r.map((x) => ({ label: x.workload, value: x.tps })), 'tps')}
${bars('Latency p50', r.map((x) => ({ label: x.workload, value: x.latencyMs.p50 })), 'ms')}
${bars('Latency p95', r.map((x) => ({ label: x.workload, value: x.latencyMs.p95 })), 'ms')}
${bars('Latency p99', r.map((x) => ({ label: x.workload, value: x.latencyMs.p99 })), 'ms')}
<h2>CPU seconds per 1,000 committed operations</h2><table><tr><th></th>${r.map((x) => `<th scope="col">${escape(x.workload)}</th>`).join('')}</tr>${cpuRows}</table>
<h2>Failures</h2><ul>${r.map((x) => `<li>${escape(x.workload)}: ${escape(JSON.stringify(x.failed))}</li>`).join('')}</ul>
<h2>Ratios</h2><ul>${Object.entries(report.ratios).map(([k, v]) => `<li>${escape(k)}: ${v ?? 'n/a'}</li>`).join('')}</ul>
${growthSection(report)}
</body></html>`;
}
