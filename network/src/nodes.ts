// How each node is configured. Every node runs Fabric's stock config (core.yaml, orderer.yaml)
// with its own settings given as environment overrides, the pattern of Fabric's
// test-network-nano-bash. The channel's genesis config is generated from the topology's channel
// settings and the founding orgs' exported definitions (founding.ts).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ORG_ADMIN } from './ca';
import { FabricBinaries } from './fabric-bin';
import { BUILDERS_DIR, RunPaths, tlsRootFor } from './paths';
import { SiteAdmin, siteAdmin } from './site-users';
import {
  BftOrderingConfig, endpoint, OrdererNode, ordererNodes, ordererSites, PeerConfig, PeerOrgConfig, peerId, RaftOrderingConfig, SiteConfig,
  SMARTBFT_REQUEST_AUTO_REMOVE_TIMEOUT, SMARTBFT_REQUEST_FORWARD_TIMEOUT, SMARTBFT_VIEW_CHANGE_RESEND_INTERVAL, Topology,
} from './topology';

/** Writes run/config/{core.yaml,orderer.yaml}: Fabric's samples with what must differ here. */
export function writeNodeConfig(bins: FabricBinaries, paths: RunPaths): void {
  mkdirSync(paths.config, { recursive: true });
  const core = parse(readFileSync(join(bins.sampleConfigDir, 'core.yaml'), 'utf8')) as CoreYaml;
  // No Docker here: chaincode runs as a service reached through our external builder.
  // (An empty CORE_VM_ENDPOINT env var is ignored by viper, so the file itself is changed.)
  core.vm.endpoint = '';
  core.chaincode.externalBuilders = [{ name: 'ccaas', path: join(BUILDERS_DIR, 'ccaas'), propagateEnvironment: [] }];
  writeFileSync(join(paths.config, 'core.yaml'), stringify(core));
  copyFileSync(join(bins.sampleConfigDir, 'orderer.yaml'), join(paths.config, 'orderer.yaml'));
}

interface CoreYaml {
  vm: { endpoint: string };
  chaincode: { externalBuilders: unknown[] };
}

const list = (items: readonly string[]): string => `[${items.join(',')}]`;

/**
 * INFO, except the loggers that write a line per request or transaction: at a few hundred
 * transactions a second those lines cost as much CPU as the work they describe (measured with
 * npm run bench). Block-level lines (validated, committed, written) stay.
 */
const PEER_LOGGING = 'comm.grpc.server,endorser,gateway=warning:info';
const ORDERER_LOGGING = 'comm.grpc.server=warning:info';
const PEER_CLI_LOGGING = 'grpc=error:info';

/**
 * An ordering node runs on its org's site with that org's identities. Its static TLS roots are its
 * own CA's; the other ordering orgs' TLS roots it learns from the channel config (Fabric adds them
 * to the cluster's trusted roots with each config block), so no other site's file is needed.
 */
export function ordererEnv(t: Topology, paths: RunPaths, node: OrdererNode): NodeJS.ProcessEnv {
  const org = node.org.name;
  const tls = paths.tls(org, node.id);
  const data = paths.nodeData(node.id);
  const caCert = paths.caCert(org);
  return {
    FABRIC_CFG_PATH: paths.config,
    FABRIC_LOGGING_SPEC: ORDERER_LOGGING,
    ORDERER_GENERAL_LISTENADDRESS: node.org.host,
    ORDERER_GENERAL_LISTENPORT: String(node.port),
    ORDERER_GENERAL_LOCALMSPID: node.org.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: paths.msp(org, node.id),
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_TLS_ROOTCAS: list([caCert]),
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: join(tls, 'server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: join(tls, 'server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: list([caCert]),
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: endpoint(t, node.adminPort),
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: join(tls, 'server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: join(tls, 'server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: list([caCert]),
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: list([caCert]),
    ORDERER_FILELEDGER_LOCATION: join(data, 'ledger'),
    ...consensusDirs(t, data),
    ORDERER_OPERATIONS_LISTENADDRESS: endpoint(t, node.operationsPort),
    ORDERER_METRICS_PROVIDER: 'prometheus',
  };
}

/**
 * Both consensus plugins read their write-ahead log's folder from the one setting
 * Consensus.WALDir (each channel in a subfolder); only Raft has snapshots (Consensus.SnapDir).
 */
function consensusDirs(t: Topology, data: string): NodeJS.ProcessEnv {
  if (t.ordering.consensus === 'BFT') return { ORDERER_CONSENSUS_WALDIR: join(data, 'smartbft', 'wal') };
  return {
    ORDERER_CONSENSUS_WALDIR: join(data, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(data, 'etcdraft', 'snapshot'),
  };
}

export function peerEnv(t: Topology, paths: RunPaths, org: PeerOrgConfig, peer: PeerConfig): NodeJS.ProcessEnv {
  const id = peerId(org, peer);
  const tls = paths.tls(org.name, id);
  const others = org.peers.filter((p) => p !== peer);
  const gossipBootstrap = (others.length > 0 ? others : [peer]).map((p) => endpoint(t, p.port)).join(' ');
  return {
    FABRIC_CFG_PATH: paths.config,
    FABRIC_LOGGING_SPEC: PEER_LOGGING,
    CORE_PEER_ID: id,
    CORE_PEER_ADDRESS: endpoint(t, peer.port),
    CORE_PEER_LISTENADDRESS: endpoint(t, peer.port),
    CORE_PEER_CHAINCODEADDRESS: endpoint(t, peer.chaincodePort),
    CORE_PEER_CHAINCODELISTENADDRESS: endpoint(t, peer.chaincodePort),
    CORE_PEER_GOSSIP_BOOTSTRAP: gossipBootstrap,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: endpoint(t, peer.port),
    // Fabric's defaults (5s / 25s / 25s) suit peers across a WAN; on one machine a restarted
    // peer would wait 25s to reconnect to the others. The reconnect interval is also the pause
    // between attempts to reach another org's anchor peer: peers of two orgs join the channel
    // moments apart, the first one's first attempt is refused (the other does not know its MSP
    // yet), and every `up` waited out the pause (4s before) for gossip. A try per second on
    // loopback costs nothing. That first attempt's connection keeps retrying with the TLS roots
    // it started with (before the channel taught it the other org's CA) until the dial timeout
    // (3s by default); a TLS handshake on loopback takes milliseconds.
    CORE_PEER_GOSSIP_ALIVETIMEINTERVAL: '2s',
    CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT: '10s',
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '1s',
    CORE_PEER_GOSSIP_DIALTIMEOUT: '1500ms',
    // A peer counts another as a member of a channel once it has that peer's state info (its
    // ledger height, its chaincodes), which it publishes when something changed and pulls every
    // request interval (4s by default): after every join, `up` waited up to that long for
    // gossip. A pull per second is a few small messages on loopback.
    CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL: '1s',
    CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL: '1s',
    // How often a peer counts the channel's members it knows (gossip_membership_total_peers_known,
    // what `up` waits on before deploying: waitForGossip). At Fabric's 5s, every `up` and every
    // peer restart waited up to 5s for a count that had long been true; the count is cheap.
    CORE_PEER_GOSSIP_MEMBERSHIPTRACKERINTERVAL: '250ms',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: paths.msp(org.name, id),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: join(tls, 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: join(tls, 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: join(tls, 'ca.crt'),
    CORE_PEER_FILESYSTEMPATH: paths.nodeData(id),
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: join(paths.nodeData(id), 'snapshots'),
    CORE_OPERATIONS_LISTENADDRESS: endpoint(t, peer.operationsPort),
    CORE_METRICS_PROVIDER: 'prometheus',
  };
}

/** The environment of the peer CLI acting as the org's admin against one of its peers. */
export function peerCliEnv(
  bins: FabricBinaries,
  t: Topology,
  paths: RunPaths,
  org: PeerOrgConfig,
  peer: PeerConfig = firstPeer(org),
): Record<string, string> {
  const orderer = ordererNodes(t)[0];
  if (!orderer) throw new Error('the topology has no orderer');
  return {
    ...adminSigningEnv(bins, paths, org),
    CORE_PEER_ADDRESS: endpoint(t, peer.port),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: paths.caCert(org.name),
    ORDERER_ADDRESS: endpoint(t, orderer.port),
    ORDERER_CA: tlsRootFor(paths, org.name, orderer.org.name),
    CHANNEL: t.channel,
    CHAINCODE: t.chaincode.name,
  };
}

/**
 * Runs the peer CLI as `org`'s admin on the org's own site: as the site's Unix user where sites
 * have users of their own (site-users.ts siteAdmin), so only that site's process reads the admin key.
 */
export function peerCli(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, args: readonly string[], step: string, peer?: PeerConfig): string {
  return peerSite(bins, paths, org).run(bins.path('peer'), args, { env: peerCliEnv(bins, t, paths, org, peer), step });
}

/** `peerCli` without blocking, so that several orgs' admins can act side by side (each on its own site). */
export function peerCliAsync(bins: FabricBinaries, t: Topology, paths: RunPaths, org: PeerOrgConfig, args: readonly string[], step: string, peer?: PeerConfig): Promise<string> {
  return peerSite(bins, paths, org).runAsync(bins.path('peer'), args, { env: peerCliEnv(bins, t, paths, org, peer), step });
}

/**
 * What the peer CLI needs to sign as a site's admin (`peer channel signconfigtx` contacts no node):
 * a member's or the orderer-only org's, which has no peer.
 */
export function adminSigningEnv(bins: FabricBinaries, paths: RunPaths, site: SiteConfig): Record<string, string> {
  return {
    PATH: `${bins.binDir}:${process.env.PATH ?? ''}`,
    FABRIC_CFG_PATH: paths.config,
    // Fabric 3.1's CLI logs gRPC's connection chatter at INFO: pages per command. Its own lines
    // (what a command did, an invoke's result) stay.
    FABRIC_LOGGING_SPEC: PEER_CLI_LOGGING,
    CORE_PEER_LOCALMSPID: site.mspId,
    CORE_PEER_MSPCONFIGPATH: paths.msp(site.name, ORG_ADMIN),
  };
}

/** The site of `org`'s admin as the peer CLI runs there: for the files its commands read and write. */
export const peerSite = (bins: FabricBinaries, paths: RunPaths, org: SiteConfig): SiteAdmin => siteAdmin(paths, org.name, bins.path('peer'));

/**
 * The peer CLI's arguments to reach an orderer: the `attempt`-th one, round the list, so that a
 * retried command moves on from an orderer that is down (a BFT or Raft service stays up when
 * one is); `nodes` are the candidates (by default every ordering node). `asOrg` is the org whose admin runs the command: it trusts the orderer's TLS root through its own copy.
 */
export function ordererCliArgs(t: Topology, paths: RunPaths, asOrg: PeerOrgConfig, attempt = 0, nodes: readonly OrdererNode[] = ordererNodes(t)): string[] {
  const orderer = nodes[attempt % nodes.length];
  if (!orderer) throw new Error('the topology has no orderer');
  return ['-o', endpoint(t, orderer.port), '--tls', '--cafile', tlsRootFor(paths, asOrg.name, orderer.org.name)];
}

export function firstPeer(org: PeerOrgConfig): PeerConfig {
  const peer = org.peers[0];
  if (!peer) throw new Error(`org ${org.name} has no peer`);
  return peer;
}

/** A configtx.yaml signature policy. */
function signature(rule: string): { Type: string; Rule: string } {
  return { Type: 'Signature', Rule: rule };
}

/** A host and port, as configtx.yaml names anchor peers. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** An ordering node as the channel's consenter set names it: its endpoint and certificate files. */
export interface ConfigtxConsenter extends HostPort {
  /** Its enrollment certificate (BFT: what its block signatures are checked against). */
  readonly identityFile: string;
  /** Its TLS certificate, server and client. */
  readonly tlsCertFile: string;
}

/**
 * A founding org as configtxgen reads it: an MSP folder (CA and TLS roots, NodeOUs) and the
 * public endpoints of its nodes. Made from the org's exported definition (founding.ts), never
 * from its site folder.
 */
export interface ConfigtxOrg {
  readonly mspId: string;
  readonly mspDir: string;
  /** Empty for an orderer-only org. */
  readonly anchorPeers: readonly HostPort[];
  /** In the topology's order: BFT consenter IDs follow it. */
  readonly consenters: readonly ConfigtxConsenter[];
}

/** An application org as configtx.yaml describes it: MSP, policies, anchor peers. */
export function applicationOrgConfigtx(org: Pick<ConfigtxOrg, 'mspId' | 'mspDir' | 'anchorPeers'>): Record<string, unknown> {
  return {
    Name: org.mspId,
    ID: org.mspId,
    MSPDir: org.mspDir,
    Policies: {
      Readers: signature(`OR('${org.mspId}.admin','${org.mspId}.peer','${org.mspId}.client')`),
      Writers: signature(`OR('${org.mspId}.admin','${org.mspId}.client')`),
      Admins: signature(`OR('${org.mspId}.admin')`),
      Endorsement: signature(`OR('${org.mspId}.peer')`),
    },
    // Anchor peers let the other orgs' peers (and the gateway's discovery) find this org.
    AnchorPeers: org.anchorPeers.map((p) => ({ Host: p.host, Port: p.port })),
  };
}

/** A member org on its own site (an org joining by governance), as configtx.yaml describes it. */
export function peerOrgConfigtx(t: Topology, paths: RunPaths, org: PeerOrgConfig): Record<string, unknown> {
  return applicationOrgConfigtx({ mspId: org.mspId, mspDir: paths.orgMsp(org.name), anchorPeers: [{ host: org.host, port: firstPeer(org).port }] });
}

/**
 * configtx.yaml for the application channel, as JSON (which YAML parsers accept), in `dir`: the
 * channel-level settings from the topology, every org from `orgs` (member orgs in the
 * Application group, those with ordering nodes in the Orderer group).
 */
export function writeConfigtx(t: Topology, orgs: readonly ConfigtxOrg[], dir: string): string {
  const implicit = (rule: string): { Type: string; Rule: string } => ({ Type: 'ImplicitMeta', Rule: rule });
  const o = t.ordering;
  const members = new Set(t.orgs.map((org) => org.mspId));
  const ordering = orgs.filter((org) => org.consenters.length > 0);
  const consenters = ordering.flatMap((org) => org.consenters.map((c) => ({ ...c, mspId: org.mspId })));
  const bft = o.consensus === 'BFT';
  const configtx = {
    Profiles: {
      ApplicationChannel: {
        // BFT needs the V3_0 channel capability (configtxgen refuses BFT without it); it makes
        // every peer and orderer of the channel need Fabric 3.
        Capabilities: bft ? { V3_0: true } : { V2_0: true },
        Policies: {
          Readers: implicit('ANY Readers'),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Orderer: {
          OrdererType: o.consensus,
          BatchTimeout: o.batchTimeout,
          BatchSize: {
            MaxMessageCount: o.batchSize.maxMessageCount,
            AbsoluteMaxBytes: o.batchSize.absoluteMaxBytes,
            PreferredMaxBytes: o.batchSize.preferredMaxBytes,
          },
          ...(o.consensus === 'BFT' ? bftConsensus(consenters, o) : raftConsensus(consenters, o)),
          Organizations: ordering.map((org) => ordererGroupOrgConfigtx(org.mspId, org.mspDir, org.consenters.map((c) => `${c.host}:${c.port}`))),
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            // Peers accept a block only with an ordering node's signature (a certificate with the
            // orderer OU of its org's NodeOUs), not any member of an org that runs orderers. For
            // BFT configtxgen replaces this with a quorum (2f+1) of the consenters' identities,
            // but it must still be declared.
            BlockValidation: blockValidationPolicy(t),
          },
          // Fabric 3.1 has no V3_0 orderer capability (an unknown one stops the orderers); BFT
          // is enabled by the channel capability above.
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: orgs.filter((org) => members.has(org.mspId)).map(applicationOrgConfigtx),
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            LifecycleEndorsement: implicit('MAJORITY Endorsement'),
            Endorsement: implicit('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'configtx.yaml'), JSON.stringify(configtx, null, 2));
  return dir;
}

/**
 * An org that runs ordering nodes as the Orderer group describes it: its MSP (the same as in the
 * Application group, for a member org), policies over its members, and its nodes' endpoints. With
 * BFT (channel capability V3_0) these are the only orderer addresses: no global ones.
 */
function ordererGroupOrgConfigtx(mspId: string, mspDir: string, endpoints: readonly string[]): Record<string, unknown> {
  return {
    Name: mspId,
    ID: mspId,
    MSPDir: mspDir,
    Policies: {
      Readers: signature(`OR('${mspId}.member')`),
      Writers: signature(`OR('${mspId}.member')`),
      Admins: signature(`OR('${mspId}.admin')`),
    },
    OrdererEndpoints: [...endpoints],
  };
}

/** An org on its own site (one joining by governance) as the Orderer group describes it. */
export function ordererOrgConfigtx(t: Topology, paths: RunPaths, org: SiteConfig): Record<string, unknown> {
  return ordererGroupOrgConfigtx(org.mspId, paths.orgMsp(org.name), org.orderers.map((n) => endpoint(t, n.port)));
}

/** Raft: one signature of an ordering node of any org that runs them. */
export function blockValidationPolicy(t: Topology): { Type: string; Rule: string } {
  return { Type: 'Signature', Rule: `OR(${ordererSites(t).map((o) => `'${o.mspId}.orderer'`).join(',')})` };
}

/** Raft: each consenter's endpoint and TLS certificate (client and server). */
function raftConsensus(consenters: readonly ConfigtxConsenter[], o: RaftOrderingConfig): Record<string, unknown> {
  return {
    EtcdRaft: {
      Consenters: consenters.map((c) => ({ Host: c.host, Port: c.port, ClientTLSCert: c.tlsCertFile, ServerTLSCert: c.tlsCertFile })),
      Options: {
        TickInterval: o.raft.tickInterval,
        ElectionTick: o.raft.electionTick,
        HeartbeatTick: o.raft.heartbeatTick,
        MaxInflightBlocks: 5,
        SnapshotIntervalSize: '16 MB',
      },
    },
  };
}

/** "10 MB" -> bytes, as configtxgen reads BatchSize sizes. */
const bytesOf = (size: string): number => {
  const [n, unit] = size.split(' ');
  return Number(n) * (unit === 'MB' ? 1024 * 1024 : 1024);
};

/**
 * SmartBFT: every consenter with its ID (1..n, in topology order; never renumber a running
 * channel), endpoint, MSP ID, enrollment certificate (how an orderer finds its own ID, and what
 * the block signatures are checked against) and TLS certificates. configtxgen takes the SmartBFT
 * options as a whole (a missing one is zero, not Fabric's default), so all are given.
 */
function bftConsensus(consenters: readonly (ConfigtxConsenter & { mspId: string })[], o: BftOrderingConfig): Record<string, unknown> {
  return {
    ConsenterMapping: consenters.map((c, i) => ({
      ID: i + 1,
      Host: c.host,
      Port: c.port,
      MSPID: c.mspId,
      Identity: c.identityFile,
      ClientTLSCert: c.tlsCertFile,
      ServerTLSCert: c.tlsCertFile,
    })),
    SmartBFT: {
      // The orderers take these two from BatchSize; given the same values for the record.
      RequestBatchMaxCount: o.batchSize.maxMessageCount,
      RequestBatchMaxBytes: bytesOf(o.batchSize.absoluteMaxBytes),
      RequestBatchMaxInterval: o.smartbft.requestBatchMaxInterval,
      IncomingMessageBufferSize: 200,
      RequestPoolSize: 100000,
      RequestForwardTimeout: SMARTBFT_REQUEST_FORWARD_TIMEOUT,
      RequestComplainTimeout: o.smartbft.requestComplainTimeout,
      RequestAutoRemoveTimeout: SMARTBFT_REQUEST_AUTO_REMOVE_TIMEOUT,
      ViewChangeResendInterval: SMARTBFT_VIEW_CHANGE_RESEND_INTERVAL,
      ViewChangeTimeout: o.smartbft.viewChangeTimeout,
      LeaderHeartbeatTimeout: o.smartbft.leaderHeartbeatTimeout,
      LeaderHeartbeatCount: 10,
      CollectTimeout: '1s',
      // LeaderRotation unset = off: the leader changes only when it fails.
    },
  };
}
