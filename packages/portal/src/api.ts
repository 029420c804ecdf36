// The REST API as the browser calls it: JSON in and out, problem details turned into errors
// whose message is the API's own explanation, and the session token of a logged-in user.
const TOKEN_KEY = 'donation-ledger-token';

export class ApiProblem extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export function sessionToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setSessionToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** A call to the API; writes sent with an idempotency key (the same on a retry) apply once. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
  const res = await fetch(path, { method, headers: headers(body !== undefined, idempotencyKey), body: body === undefined ? undefined : JSON.stringify(body) });
  const data = (res.headers.get('content-type') ?? '').includes('json') ? ((await res.json()) as unknown) : null;
  if (!res.ok) {
    if (res.status === 401 && sessionToken()) {
      setSessionToken(null);
      window.dispatchEvent(new Event('session-ended'));
    }
    throw new ApiProblem(res.status, (data as { detail?: string } | null)?.detail ?? `${res.status} ${res.statusText}`);
  }
  return data as T;
}

/** A file from the API (CSV export, receipt), saved by the browser under the server's name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await fetch(path, { headers: headers(false) });
  if (!res.ok) throw new ApiProblem(res.status, `${res.status} ${res.statusText}`);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await res.blob());
  link.download = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  link.click();
  URL.revokeObjectURL(link.href);
}

function headers(json: boolean, idempotencyKey?: string): Record<string, string> {
  const token = sessionToken();
  return {
    Accept: 'application/json',
    ...(json ? { 'Content-Type': 'application/json' } : {}),
    ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  };
}

/** SHA-256 of a file, in hex, computed in the browser: only the hash goes to the ledger. */
export async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
