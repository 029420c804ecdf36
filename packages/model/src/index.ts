// The shared facts of the donation ledger, declared once for the chaincode, the SDK, the indexer,
// the API, the network tools, the bench and the tests (and later a browser front end: nothing
// here may need Fabric or Node).
export * from './errors';
export * from './events';
export * from './explorer';
export * from './governance';
export * from './public';
export * from './record-types';
export * from './records';
export * from './requests';
export * from './roles';
export * from './rules';
export * from './transactions';
