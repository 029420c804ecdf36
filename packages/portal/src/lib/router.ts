// The portal's pages, addressed by the URL's hash so that the API serves one index.html and a
// link to any page (a donation's path, an NGO) can be shared and bookmarked.

export type Route =
  | { readonly page: 'home' }
  | { readonly page: 'ngo'; readonly ngoId: string }
  | { readonly page: 'donation'; readonly donationId: string }
  | { readonly page: 'receipt'; readonly donationId: string }
  | { readonly page: 'verify' }
  | { readonly page: 'login' }
  | { readonly page: 'account' }
  | { readonly page: 'explorer' }
  | { readonly page: 'block'; readonly number: number }
  | { readonly page: 'history'; readonly recordType: string; readonly recordId: string };

/** The route of a location hash such as "#/ngos/ngo-1"; unknown hashes are the home page. */
export function routeOf(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(safeDecode);
  const [first, second, third] = parts;
  if (first === 'ngos' && second) return { page: 'ngo', ngoId: second };
  if (first === 'donations' && second) return { page: 'donation', donationId: second };
  if (first === 'receipts' && second) return { page: 'receipt', donationId: second };
  if (first === 'verify') return { page: 'verify' };
  if (first === 'login') return { page: 'login' };
  if (first === 'account') return { page: 'account' };
  if (first === 'explorer' && second === undefined) return { page: 'explorer' };
  if (first === 'explorer' && second === 'blocks' && third !== undefined && /^\d{1,15}$/.test(third)) return { page: 'block', number: Number(third) };
  if (first === 'history' && second && third) return { page: 'history', recordType: second, recordId: parts.slice(2).join('/') };
  return { page: 'home' };
}

/** The hash of a route: the inverse of routeOf. */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'home': return '#/';
    case 'ngo': return `#/ngos/${encodeURIComponent(route.ngoId)}`;
    case 'donation': return `#/donations/${encodeURIComponent(route.donationId)}`;
    case 'receipt': return `#/receipts/${encodeURIComponent(route.donationId)}`;
    case 'block': return `#/explorer/blocks/${route.number}`;
    case 'history': return `#/history/${encodeURIComponent(route.recordType)}/${route.recordId.split('/').map(encodeURIComponent).join('/')}`;
    default: return `#/${route.page}`;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
