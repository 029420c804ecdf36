// The live feed of committed ledger events, as Server-Sent Events. One stream of chaincode events
// (read with the instance's own identity) fans out to every connected browser.
import { CloseableAsyncIterable, LedgerClient, LedgerEvent } from '@donation-ledger/client';
import { Response } from 'express';
import { Logger } from 'pino';

export class EventFeed {
  private readonly subscribers = new Set<Response>();
  private stream: CloseableAsyncIterable<LedgerEvent> | undefined;
  /** Set synchronously, so two subscribers arriving together never start two pumps. */
  private pumping = false;
  private stopped = false;

  constructor(
    private readonly ledger: LedgerClient,
    private readonly logger: Logger,
  ) {}

  subscribe(res: Response): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write(': connected\n\n');
    this.subscribers.add(res);
    res.on('close', () => this.subscribers.delete(res));
    if (!this.pumping) {
      this.pumping = true;
      void this.pump().finally(() => (this.pumping = false));
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private async pump(): Promise<void> {
    let delayMs = 500;
    while (!this.stopped && this.subscribers.size > 0) {
      try {
        const { height } = await this.ledger.getDigest();
        this.stream = await this.ledger.events({ startBlock: BigInt(height) });
        for await (const event of this.stream) {
          delayMs = 500;
          const data = JSON.stringify({ eventName: event.eventName, blockNumber: event.blockNumber.toString(), transactionId: event.transactionId, record: event.record });
          for (const res of this.subscribers) res.write(`event: ledger\ndata: ${data}\n\n`);
          if (this.subscribers.size === 0) break;
        }
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err }, 'event feed interrupted; reconnecting');
        await new Promise((r) => setTimeout(r, delayMs));
        delayMs = Math.min(delayMs * 2, 10_000);
      } finally {
        this.stream?.close();
        this.stream = undefined;
      }
    }
  }

  close(): void {
    this.stopped = true;
    this.stream?.close();
    for (const res of this.subscribers) res.end();
    this.subscribers.clear();
  }
}
