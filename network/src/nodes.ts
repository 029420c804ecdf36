// How each node is configured. Every node runs Fabric's stock config (core.yaml, orderer.yaml)
// with its own settings given as environment overrides, the pattern of Fabric's
// test-network-nano-bash. The channel's genesis config is generated from the topology.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ORG_ADMIN } from './ca';
import { FabricBinaries } from './fabric-bin';
import { BUILDERS_DIR, RunPaths } from './paths';
import { endpoint, OrdererNodeConfig, PeerConfig, PeerOrgConfig, peerId, Topology } from './topology';

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

export function ordererEnv(t: Topology, paths: RunPaths, node: OrdererNodeConfig): NodeJS.ProcessEnv {
  const org = t.orderer.name;
  const tls = paths.tls(org, node.name);
  const data = paths.nodeData(node.name);
  const caCert = paths.caCert(org);
  return {
    FABRIC_CFG_PATH: paths.config,
    FABRIC_LOGGING_SPEC: ORDERER_LOGGING,
    ORDERER_GENERAL_LISTENADDRESS: t.host,
    ORDERER_GENERAL_LISTENPORT: String(node.port),
    ORDERER_GENERAL_LOCALMSPID: t.orderer.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: paths.msp(org, node.name),
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
    ORDERER_CONSENSUS_WALDIR: join(data, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: join(data, 'etcdraft', 'snapshot'),
    ORDERER_OPERATIONS_LISTENADDRESS: endpoint(t, node.operationsPort),
    ORDERER_METRICS_PROVIDER: 'prometheus',
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
    // peer would wait 25s to reconnect to the others.
    CORE_PEER_GOSSIP_ALIVETIMEINTERVAL: '2s',
    CORE_PEER_GOSSIP_ALIVEEXPIRATIONTIMEOUT: '10s',
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '4s',
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
  const orderer = t.orderer.nodes[0];
  if (!orderer) throw new Error('the topology has no orderer');
  return {
    PATH: `${bins.binDir}:${process.env.PATH ?? ''}`,
    FABRIC_CFG_PATH: paths.config,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: paths.msp(org.name, ORG_ADMIN),
    CORE_PEER_ADDRESS: endpoint(t, peer.port),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: paths.caCert(org.name),
    ORDERER_ADDRESS: endpoint(t, orderer.port),
    ORDERER_CA: paths.caCert(t.orderer.name),
    CHANNEL: t.channel,
    CHAINCODE: t.chaincode.name,
  };
}

export function firstPeer(org: PeerOrgConfig): PeerConfig {
  const peer = org.peers[0];
  if (!peer) throw new Error(`org ${org.name} has no peer`);
  return peer;
}

/** An application org as configtx.yaml describes it: MSP, policies, anchor peer. */
export function peerOrgConfigtx(t: Topology, paths: RunPaths, org: PeerOrgConfig): Record<string, unknown> {
  const signature = (rule: string): { Type: string; Rule: string } => ({ Type: 'Signature', Rule: rule });
  return {
    Name: org.mspId,
    ID: org.mspId,
    MSPDir: paths.orgMsp(org.name),
    Policies: {
      Readers: signature(`OR('${org.mspId}.admin','${org.mspId}.peer','${org.mspId}.client')`),
      Writers: signature(`OR('${org.mspId}.admin','${org.mspId}.client')`),
      Admins: signature(`OR('${org.mspId}.admin')`),
      Endorsement: signature(`OR('${org.mspId}.peer')`),
    },
    // Anchor peers let the other orgs' peers (and the gateway's discovery) find this org.
    AnchorPeers: [{ Host: t.host, Port: firstPeer(org).port }],
  };
}

/** configtx.yaml for the application channel, as JSON (which YAML parsers accept). */
export function writeConfigtx(t: Topology, paths: RunPaths): string {
  const signature = (rule: string): { Type: string; Rule: string } => ({ Type: 'Signature', Rule: rule });
  const implicit = (rule: string): { Type: string; Rule: string } => ({ Type: 'ImplicitMeta', Rule: rule });
  const ordererOrg = {
    Name: t.orderer.mspId,
    ID: t.orderer.mspId,
    MSPDir: paths.orgMsp(t.orderer.name),
    Policies: {
      Readers: signature(`OR('${t.orderer.mspId}.member')`),
      Writers: signature(`OR('${t.orderer.mspId}.member')`),
      Admins: signature(`OR('${t.orderer.mspId}.admin')`),
    },
    OrdererEndpoints: t.orderer.nodes.map((n) => endpoint(t, n.port)),
  };
  const peerOrgs = t.orgs.map((org) => peerOrgConfigtx(t, paths, org));
  const o = t.orderer;
  const configtx = {
    Profiles: {
      ApplicationChannel: {
        Capabilities: { V2_0: true },
        Policies: {
          Readers: implicit('ANY Readers'),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Orderer: {
          OrdererType: 'etcdraft',
          BatchTimeout: o.batchTimeout,
          BatchSize: {
            MaxMessageCount: o.batchSize.maxMessageCount,
            AbsoluteMaxBytes: o.batchSize.absoluteMaxBytes,
            PreferredMaxBytes: o.batchSize.preferredMaxBytes,
          },
          EtcdRaft: {
            Consenters: o.nodes.map((n) => ({
              Host: t.host,
              Port: n.port,
              ClientTLSCert: join(paths.tls(o.name, n.name), 'server.crt'),
              ServerTLSCert: join(paths.tls(o.name, n.name), 'server.crt'),
            })),
            Options: {
              TickInterval: o.raft.tickInterval,
              ElectionTick: o.raft.electionTick,
              HeartbeatTick: o.raft.heartbeatTick,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
          Organizations: [ordererOrg],
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            BlockValidation: implicit('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: peerOrgs,
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
  mkdirSync(paths.channelDir, { recursive: true });
  writeFileSync(join(paths.channelDir, 'configtx.yaml'), JSON.stringify(configtx, null, 2));
  return paths.channelDir;
}
