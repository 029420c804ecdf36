// A small client written against the TypeScript types openapi-typescript generates from the
// API's document (../../openapi/types.d.ts): reads, a write, an error. The suite's type-check
// step compiles it (tsc -p tsconfig.test.json), so a document that stops describing an answer
// breaks the build; the @ts-expect-error lines break it if the document stops refusing what
// validation refuses. Not part of the build (see tsconfig.json).
import type { components, paths } from '../../openapi/types';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer B } } } } ? B : never;
type Body<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type Ngo = components['schemas']['Ngo'];
export type Problem = components['schemas']['Problem'];

export function namesOf(page: Json<'/api/ngos', 'get', 200>): string[] {
  return page.records.map((ngo: Ngo) => ngo.name);
}

export function leftOf(written: Json<'/api/donations', 'post', 201>): bigint {
  return BigInt(written.record.remaining) + BigInt(written.blockNumber);
}

export function nextCursor(listing: Json<'/api/read/donations', 'get', 200>): string | null {
  return listing.items.length > 0 ? listing.next : null;
}

export function describe(problem: Problem): string {
  return problem.code + ' ' + problem.status + ': ' + problem.detail;
}

export const pledge: Body<'/api/donations', 'post'> = { ngoId: 'ngo-1', amount: '2500', currency: 'EUR' };
// @ts-expect-error the currency is one of ISO 4217
export const notACurrency: Body<'/api/donations', 'post'> = { ngoId: 'ngo-1', amount: '2500', currency: 'XXY' };
// @ts-expect-error a field the API does not take
export const extra: Body<'/api/donations', 'post'> = { ngoId: 'ngo-1', amount: '2500', currency: 'EUR', tip: 1 };
export const history: paths['/api/history/{recordType}/{id}']['get']['parameters']['path'] = { recordType: 'proposal', id: 'p-1' };
