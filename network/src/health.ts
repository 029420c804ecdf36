// Health of a node, from its operations endpoint (`/healthz`), and whether a port is free.
import { request } from 'node:http';
import { createServer } from 'node:net';

/** The HTTP status of a GET, or 0 when nothing answers. */
export async function httpGetStatus(url: string, timeoutMs = 2000): Promise<number> {
  return (await httpGet(url, timeoutMs)).status;
}

/** Status and body of a GET; status 0 when nothing answers. */
export function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

/** A gauge of a node's Prometheus metrics for one channel, or undefined when it has none yet. */
export async function channelGauge(operations: string, metric: string, channel: string): Promise<number | undefined> {
  const { body } = await httpGet(`http://${operations}/metrics`);
  const prefix = `${metric}{channel="${channel}"} `;
  const line = body.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** Several gauges of one channel from one scrape; a gauge the node does not report is absent. */
export async function channelGauges<M extends string>(operations: string, channel: string, metrics: readonly M[]): Promise<Partial<Record<M, number>>> {
  const { body } = await httpGet(`http://${operations}/metrics`);
  const found: Partial<Record<M, number>> = {};
  for (const metric of metrics) {
    const prefix = `${metric}{channel="${channel}"} `;
    const line = body.split('\n').find((l) => l.startsWith(prefix));
    if (line !== undefined) found[metric] = Number(line.slice(prefix.length));
  }
  return found;
}

/** How many other peers of `channel` a peer knows through gossip, from its Prometheus metrics. */
export async function gossipPeersKnown(operations: string, channel: string): Promise<number> {
  return (await channelGauge(operations, 'gossip_membership_total_peers_known', channel)) ?? 0;
}

export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The Fabric version a node's operations endpoint reports (`/version`), or undefined when it does not answer. */
export async function reportedVersion(operations: string): Promise<string | undefined> {
  const { status, body } = await httpGet(`http://${operations}/version`);
  if (status !== 200) return undefined;
  try {
    return (JSON.parse(body) as { Version?: string }).Version?.replace(/^v/, '');
  } catch {
    return undefined;
  }
}
