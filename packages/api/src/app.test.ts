import request from 'supertest';
import { createApp } from './app';

describe('health routes', () => {
  test('live answers 200 whatever the ledger does', async () => {
    const app = createApp({ isLedgerReachable: () => Promise.resolve(false) });
    await request(app).get('/health/live').expect(200, { status: 'ok' });
  });

  test('ready answers 503 while the ledger cannot be reached', async () => {
    const app = createApp({ isLedgerReachable: () => Promise.reject(new Error('down')) });
    await request(app).get('/health/ready').expect(503, { status: 'unavailable' });
  });

  test('ready answers 200 when the ledger answers', async () => {
    const app = createApp({ isLedgerReachable: () => Promise.resolve(true) });
    await request(app).get('/health/ready').expect(200, { status: 'ready' });
  });
});
