// What the chaincode server does with a transaction, in process: fabric-shim's own dispatcher
// (ChaincodeFromContract, which `fabric-chaincode-node server` runs) builds the contract metadata,
// turns the argument bytes into parameters with the declared schemas, calls the transaction and
// turns its result into the response bytes with the contracts' serializer. Only the identity
// comes from the in-memory ledger's fake (the shim would parse a real certificate).
// Not part of the build (see tsconfig.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context, Contract, JSONSerializer } from 'fabric-contract-api';
import { ChaincodeStub } from 'fabric-shim-api';
import { FakeIdentity, FakeLedger } from './fake-context';

/** The dispatcher of fabric-shim 2.5 (not exported by its index; the server loads it the same way). */
interface Dispatcher {
  readonly metadata: ContractMetadata;
  invokeFunctionality(stub: ChaincodeStub): Promise<{ status: number; message?: string; payload?: Uint8Array }>;
}
// The shim logs each refused transaction at error level: refusals are what some tests are about.
process.env.CORE_CHAINCODE_LOGGING_LEVEL = 'CRITICAL';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as new (
  contracts: unknown[], serializers: unknown, metadata: object, title: string, version: string,
) => Dispatcher;

export interface SchemaObject {
  readonly $id?: string;
  readonly type?: string;
  readonly properties?: Record<string, SchemaObject>;
  readonly items?: SchemaObject;
  readonly $ref?: string;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly SchemaObject[];
}

export interface TransactionMetadata {
  readonly name: string;
  readonly tag?: readonly string[];
  readonly parameters?: readonly { readonly name: string; readonly description?: string; readonly schema: SchemaObject }[];
  readonly returns?: SchemaObject;
}

/** What GetMetadata answers (after JSON, as a client reads it). */
export interface ContractMetadata {
  readonly contracts: Record<string, { readonly name: string; readonly transactions: readonly TransactionMetadata[] }>;
  readonly components: { readonly schemas: Record<string, SchemaObject> };
}

/** A response as the peer gets it: the status, and the payload bytes or the error message. */
export interface Response {
  readonly status: number;
  readonly payload: string;
  readonly message: string;
}

const LEAF_CERT = readFileSync(join(__dirname, 'leaf-cert.pem'));

/** The chaincode as the server loads it: the package's `contracts` with its serializers, run by the shim. */
export class InProcessPeer {
  private readonly dispatcher: Dispatcher;
  private current: Context | undefined;
  /** The donor platform's private data, one collection is enough for these contracts. */
  private readonly privateData = new Map<string, Uint8Array>();

  constructor(contracts: readonly (new () => Contract)[], serializers: unknown) {
    const running = (): Context | undefined => this.current;
    // The shim makes each contract's context with createContext(); here it is the fake ledger's,
    // whose client identity the shim's setClientIdentity (given one it parsed from the leaf
    // certificate) must not replace.
    const inFakeContext = contracts.map((contract) =>
      class extends contract {
        override createContext(): Context {
          const ctx = running();
          if (!ctx) throw new Error('no transaction is running');
          return Object.assign(Object.create(Context.prototype) as Context, ctx, {
            setChaincodeStub: (): void => undefined,
            setClientIdentity: (): void => undefined,
          });
        }
      },
    );
    this.dispatcher = new ChaincodeFromContract([...inFakeContext], serializers, {}, 'chaincode', '0.1.0');
  }

  /** The serializers the server uses for a chaincode module: its own `serializers`, or the JSON one (as fabric-shim's bootstrap decides). */
  static serializersOf(module: object): unknown {
    const json = { jsonSerializer: JSONSerializer };
    if (!('serializers' in module)) return { transaction: 'jsonSerializer', serializers: json };
    const own = module.serializers as { readonly transaction: string; readonly serializers: Record<string, unknown> };
    return { ...own, serializers: { ...own.serializers, ...json } };
  }

  /** The metadata GetMetadata answers, as JSON. */
  get metadata(): ContractMetadata {
    return JSON.parse(JSON.stringify(this.dispatcher.metadata)) as ContractMetadata;
  }

  /** Runs "Contract:Transaction" with string arguments; a write is committed only when it succeeds. */
  submit(ledger: FakeLedger, by: FakeIdentity, fn: string, args: readonly string[], transient: Record<string, string> = {}): Promise<Response> {
    return ledger.submit(by, async (ctx) => {
      const response = await this.run(ctx, fn, args, transient);
      if (response.status !== 200) throw new Refused(response);
      return response;
    }).catch((err: unknown) => {
      if (err instanceof Refused) return err.response;
      throw err;
    });
  }

  /** Runs a query: nothing it writes is kept. */
  evaluate(ledger: FakeLedger, by: FakeIdentity, fn: string, args: readonly string[]): Promise<Response> {
    return ledger.evaluate(by, (ctx) => this.run(ctx, fn, args, {}));
  }

  private async run(ctx: Context, fn: string, args: readonly string[], transient: Record<string, string>): Promise<Response> {
    const stub = Object.assign(ctx.stub, {
      getBufferArgs: () => [fn, ...args].map((a) => Buffer.from(a)),
      getFunctionAndParameters: () => ({ fcn: fn, params: [...args] }),
      getChannelID: () => 'donations',
      getCreator: () => ({ mspid: ctx.clientIdentity.getMSPID(), idBytes: LEAF_CERT }),
      getTransient: () => new Map(Object.entries(transient).map(([k, v]) => [k, Buffer.from(v)])),
      putPrivateData: (collection: string, k: string, value: Uint8Array) => {
        this.privateData.set(`${collection}/${k}`, value);
        return Promise.resolve();
      },
      getPrivateData: (collection: string, k: string) => Promise.resolve(this.privateData.get(`${collection}/${k}`) ?? new Uint8Array()),
    });
    this.current = { ...ctx, stub };
    try {
      const response = await this.dispatcher.invokeFunctionality(stub);
      return { status: response.status, payload: Buffer.from(response.payload ?? []).toString('utf8'), message: response.message ?? '' };
    } finally {
      this.current = undefined;
    }
  }
}

class Refused extends Error {
  constructor(readonly response: Response) {
    super(response.message);
  }
}
