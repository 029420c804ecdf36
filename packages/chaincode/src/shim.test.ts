// What fabric-shim's own dispatcher and serializer make of the contracts, as the chaincode server
// does, in one file so the shim and the scenario load once:
// - the bytes on the wire must not change: every endorser has to produce the same response, and
//   clients parse it. The golden file holds the responses of the contracts as they were before
//   their metadata was typed (recorded from commit "wire golden");
// - the contract metadata (GetMetadata: what tools read to learn a contract) says what each
//   transaction takes and returns, and what it says is true: every answer of every transaction in
//   the scenario is checked against the type the metadata declares for it, with no field missing
//   or left over. The types implement the model's (schemas.ts), so the model stays the one place
//   that names the fields.
// The fake first: it quiets fabric-contract-api's logging before the contracts load.
import './test-support/fake-context';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { RECORD_TYPES } from '@donation-ledger/model';
import * as chaincode from './index';
import { ContractMetadata, InProcessPeer, SchemaObject } from './test-support/peer';
import { Exchange, runScenario } from './test-support/scenario';

const REF = '#/components/schemas/';
/** The metadata as recorded for the integration test, which compares the peer's answer with it. */
const GOLDEN = join(__dirname, 'test-support', 'metadata-golden.json');
/** The responses the wire must keep. */
const WIRE_GOLDEN = join(__dirname, 'test-support', 'wire-golden.json');
/** The properties a record may lack (optional in the model). */
const OPTIONAL: Record<string, readonly string[]> = { Proposal: ['org', 'outcome'] };

const peer = new InProcessPeer(chaincode.contracts, InProcessPeer.serializersOf(chaincode));
const metadata = peer.metadata;
const ledgerContracts = Object.keys(metadata.contracts).filter((name) => name !== 'org.hyperledger.fabric');
const transactions = ledgerContracts.flatMap((contract) => (metadata.contracts[contract]?.transactions ?? []).map((tx) => ({ contract, tx })));
const schemas = metadata.components.schemas;

/** The schema's type names: "Donation" for a $ref to it, "Donation[]" for a list of them. */
function typeName(schema: SchemaObject | undefined): string {
  if (schema?.$ref) return schema.$ref.replace(REF, '');
  if (schema?.type === 'array') return `${typeName(schema.items)}[]`;
  return schema?.type ?? 'nothing';
}

let strictAjv: Ajv | undefined;
const strictValidators = new Map<string, ValidateFunction>();
/** Checks answers against a return type, each object exactly: no unknown field, none missing but the model's optional ones. */
function strictValidator(returns: SchemaObject): ValidateFunction {
  if (!strictAjv) {
    strictAjv = new Ajv({ strict: false, allErrors: true });
    for (const [name, schema] of Object.entries(schemas)) {
      const required = Object.keys(schema.properties ?? {}).filter((p) => !(OPTIONAL[name] ?? []).includes(p));
      strictAjv.addSchema({ ...schema, required, additionalProperties: false });
    }
  }
  // One compiled validator per declared type: compiling is what costs.
  const key = JSON.stringify(returns).replaceAll(REF, '');
  let validate = strictValidators.get(key);
  if (!validate) {
    validate = strictAjv.compile(JSON.parse(key) as object);
    strictValidators.set(key, validate);
  }
  return validate;
}

let exchanges: Exchange[];
beforeAll(async () => {
  exchanges = await runScenario(peer);
});

describe('the contract metadata', () => {
  test('GetMetadata answers through the shim with the metadata of both contracts and their types', async () => {
    const { FakeLedger } = await import('./test-support/fake-context');
    const response = await peer.evaluate(new FakeLedger(), { mspId: 'NgoMSP' }, 'org.hyperledger.fabric:GetMetadata', []);

    expect(response.status).toBe(200);
    const answered = JSON.parse(response.payload) as ContractMetadata;
    expect(answered.contracts).toEqual(metadata.contracts);
    expect(answered.components).toEqual(metadata.components);
    expect(ledgerContracts.sort()).toEqual(['DonationLedger', 'Governance']);
  });

  test('the recorded metadata, which the integration test holds the peer\'s answer to, is the one this source builds', () => {
    // After changing a contract: RECORD_METADATA_GOLDEN=1 npx jest packages/chaincode/src/shim.test.ts
    if (process.env.RECORD_METADATA_GOLDEN === '1') writeFileSync(GOLDEN, `${JSON.stringify(metadata, null, 1)}\n`);
    const recorded = JSON.parse(readFileSync(GOLDEN, 'utf8')) as ContractMetadata;
    expect(recorded.contracts).toEqual(metadata.contracts);
    expect(recorded.components).toEqual(metadata.components);
  });

  test('every transaction takes its parameters by name as strings and returns a declared type, never a bare string', () => {
    expect(transactions.length).toBe(39);
    for (const { contract, tx } of transactions) {
      const method = (chaincode.contracts.find((c) => new c().getName() === contract)?.prototype as Record<string, unknown> | undefined)?.[tx.name];
      expect(typeof method).toBe('function');
      // The method's parameters after the context, by their names in the source.
      const names = /\(([^)]*)\)/.exec(String(method))?.[1]?.split(',').map((p) => p.trim()).filter(Boolean).slice(1) ?? [];
      expect([tx.name, (tx.parameters ?? []).map((p) => p.name)]).toEqual([tx.name, names]);
      for (const parameter of tx.parameters ?? []) expect(parameter.schema).toEqual({ type: 'string' });
      const returned = typeName(tx.returns).replace(/\[\]$/, '');
      expect([tx.name, returned in schemas]).toEqual([tx.name, true]);
    }
  });

  test('every type the metadata declares is returned by some transaction, and its references resolve', () => {
    const reached = new Set<string>();
    const visit = (schema: SchemaObject | undefined): void => {
      if (!schema) return;
      const ref = schema.$ref?.replace(REF, '');
      if (ref !== undefined) {
        expect([ref, ref in schemas]).toEqual([ref, true]);
        if (reached.has(ref)) return;
        reached.add(ref);
        visit(schemas[ref]);
      }
      visit(schema.items);
      for (const option of schema.anyOf ?? []) visit(option);
      for (const property of Object.values(schema.properties ?? {})) visit(property);
    };
    for (const { tx } of transactions) visit(tx.returns);
    expect([...reached].sort()).toEqual(Object.keys(schemas).sort());
  });

  test('every type of record the ledger stores has a schema whose docType names it', () => {
    const byDocType = new Map(Object.entries(schemas).flatMap(([name, s]) => (s.properties?.docType?.enum ?? []).map((t) => [t, name] as const)));
    expect([...byDocType.keys()].sort()).toEqual([...RECORD_TYPES].sort());
  });

  test("every answer in the scenario is exactly its transaction's declared type", () => {
    const validators = new Map(transactions.map(({ contract, tx }) => [contract === 'DonationLedger' ? tx.name : `${contract}:${tx.name}`, tx.returns]));
    const answers = exchanges.filter((e) => e.response.status === 200);
    expect(answers.length).toBeGreaterThan(45);
    for (const { fn, response } of answers) {
      const returns = validators.get(fn);
      if (!returns) throw new Error(`${fn} is not in the metadata`);
      const validate = strictValidator(returns);
      validate(JSON.parse(response.payload));
      expect([fn, validate.errors ?? []]).toEqual([fn, []]);
    }
  });

  test('a field the model does not know, or one missing, in an answer fails the check', () => {
    const validate = strictValidator({ $ref: `${REF}Donation` });
    const donation = exchanges.find((e) => e.fn === 'ReadDonation')?.response.payload ?? '';
    const record = JSON.parse(donation) as Record<string, unknown>;
    expect(validate(record)).toBe(true);
    expect(validate({ ...record, extra: 1 })).toBe(false);
    const lacking = { ...record };
    delete lacking.refunded;
    expect(validate(lacking)).toBe(false);
    expect(validate({ ...record, status: 'lost' })).toBe(false);
  });
});

describe('the bytes on the wire', () => {
  test('every argument and response, error messages included, is byte for byte what the contracts answered before', () => {
    // Only ever written by hand, from a commit whose wire format is the one to keep.
    if (process.env.RECORD_WIRE_GOLDEN === '1' && !existsSync(WIRE_GOLDEN)) writeFileSync(WIRE_GOLDEN, `${JSON.stringify(exchanges, null, 1)}\n`);
    const golden = JSON.parse(readFileSync(WIRE_GOLDEN, 'utf8')) as Exchange[];
    expect(golden.length).toBeGreaterThan(50);
    expect(exchanges).toHaveLength(golden.length);
    exchanges.forEach((exchange, i) => expect(exchange).toEqual(golden[i]));
  });

  test('the scenario calls every transaction of both contracts successfully, and some calls fail', () => {
    const succeeded = new Set(exchanges.filter((e) => e.response.status === 200).map((e) => e.fn.replace(/^Governance:/, '')));
    for (const contract of chaincode.contracts) {
      const names = Object.getOwnPropertyNames(contract.prototype).filter((n) => /^[A-Z]/.test(n));
      expect(names.length).toBeGreaterThan(5);
      for (const name of names) expect([name, succeeded.has(name)]).toEqual([name, true]);
    }
    expect(exchanges.filter((e) => e.response.status !== 200).length).toBeGreaterThanOrEqual(6);
  });
});
