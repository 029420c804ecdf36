// Programmatic access to the local network, for the test suite and the API's defaults.
export { clientProfile, writeSiteProfiles } from './profiles';
export type { ClientProfile } from './profiles';
export { clean, down, status, up } from './network';
export type { NodeStatus } from './network';
export { peerCliEnv } from './nodes';
export { knownFabricBinaries } from './fabric-bin';
export { DEFAULT_RUN_DIR, DEFAULT_TOPOLOGY, REPO_ROOT, RunPaths } from './paths';
export { endpoint, findOrg, loadTopology, TopologyError, validateTopology } from './topology';
export type { Topology } from './topology';
export { ORG_ADMIN } from './ca';
export { loadEffectiveTopology, loadNewOrg, readMembership } from './members';
export type { MembershipRecord } from './members';
export { addOrgToChannel, prepareOrg, removeOrgFromChannel, MembershipError } from './membership';
export type { NetworkLocation, OrgIdentity } from './membership';
export { ensureGovernance, executeProposal, GovernanceRefusal } from './governance';
export { readUpdateEnvelope, SIGNATURE_FORMAT } from './config-signatures';
export type { SignatureFile } from './config-signatures';
export type { GovernancePolicy } from './topology';
