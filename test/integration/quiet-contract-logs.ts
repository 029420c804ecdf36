// fabric-contract-api logs every decorator at info when a contract module loads: a test that
// imports the chaincode's classes imports this first.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
