// Analytics over the read model: totals and counts per NGO, campaign, currency and month, the
// share of donations spent, spend by category and donors per NGO. JSON, or CSV for a spreadsheet.
import { Report } from '@donation-ledger/indexer';
import { Response, Router } from 'express';
import { z } from 'zod';
import { ReadModelAccess } from '../read-model';
import * as R from '../responses';
import { RouteRegistry } from '../routing';
import { analyticsQuery } from '../schemas';

export function analyticsRoutes(registry: RouteRegistry, access: ReadModelAccess): Router {
  const router = Router();
  const reports = [
    { path: 'ngos', summary: 'Per NGO and currency: settled donations, pledged (not money yet), donated (settled), spent, refunded, remaining, share spent, donors', run: 'ngoTotals', schema: R.ngoTotals },
    { path: 'campaigns', summary: 'Per campaign: settled donations, donated, pledged, share of the goal; milestones, confirmed and released (outcome-based campaigns)', run: 'campaignTotals', schema: R.campaignTotals },
    { path: 'months', summary: 'Per month of settlement, NGO and currency: settled donations and donated', run: 'monthlyTotals', schema: R.monthlyTotals },
    { path: 'spend-categories', summary: 'Per NGO, category and currency: spends and spent', run: 'spendByCategory', schema: R.spendByCategory },
  ] as const;
  for (const report of reports) {
    registry.add(router, {
      method: 'get', path: `/api/analytics/${report.path}`, tag: 'analytics', summary: report.summary, access: 'user', query: analyticsQuery,
      success: { status: 200, description: 'The rows as of a block; with format=csv a spreadsheet file', schema: report.schema, media: { 'text/csv': R.text } }, errors: [404, 503, 504],
    }, async ({ query: { format, ngoId, ...after }, res }) => {
      const result = await (await access.ready(after))[report.run](ngoId);
      // The read model's rows come from SQL (unknown to the compiler): the schema says what they are, the contract test checks it.
      if (format !== 'csv') return result as z.input<typeof report.schema>;
      sendCsv(res, `${report.path}-as-of-block-${result.asOfBlock}.csv`, result);
      return undefined;
    });
  }
  return router;
}

function sendCsv(res: Response, filename: string, report: Report<Record<string, unknown>>): void {
  const columns = Object.keys(report.rows[0] ?? {});
  const lines = [columns.join(','), ...report.rows.map((row) => columns.map((c) => csvField(row[c])).join(','))];
  res.status(200).type('text/csv').setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('X-As-Of-Block', String(report.asOfBlock));
  res.send(`${lines.join('\r\n')}\r\n`);
}

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed so a spreadsheet never runs it as a formula. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
