// The REST API's Express app, built from its dependencies so tests can run it in-process.
// Only the liveness route exists so far; the resources come with the API issue.
import express, { Express } from 'express';

export interface AppDependencies {
  /** Answers whether the ledger can be reached (for readiness). */
  readonly isLedgerReachable: () => Promise<boolean>;
}

export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    const ready = await deps.isLedgerReachable().catch(() => false);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  return app;
}
