import { join } from 'node:path';
import { diagramModel, topologyMermaid, topologySvg } from './diagram';
import { DEFAULT_TOPOLOGY, REPO_ROOT } from './paths';
import { allPorts, loadTopology, Topology } from './topology';

/** Every node of a topology, by the IDs status and the PID files use (the owners of its ports). */
const nodeIds = (t: Topology): string[] => [...new Set(allPorts(t).map((p) => p.owner))];

describe('the topology diagram', () => {
  const t = loadTopology(DEFAULT_TOPOLOGY);

  test('the Mermaid text and the SVG name every node of the default topology', () => {
    const ids = nodeIds(t);
    expect(ids).toEqual(expect.arrayContaining(['orderer0.donorplatform', 'orderer1.donorplatform', 'orderer0.ngo', 'ca.ngo', 'peer0.ngo', 'ccaas.ngo', 'peer0.donorplatform']));
    const [mermaid, svg] = [topologyMermaid(t), topologySvg(t)];
    expect(ids.filter((id) => !mermaid.includes(id))).toEqual([]);
    expect(ids.filter((id) => !svg.includes(`>${id}<`))).toEqual([]);
  });

  test("each site appears with its address, its Unix user and its MSP ID", () => {
    const svg = topologySvg(t);
    const mermaid = topologyMermaid(t);
    const sites = t.orgs;
    expect(sites).toHaveLength(2);
    for (const site of sites) {
      for (const text of [site.host, `ledger-${site.name}`, site.mspId]) {
        expect({ site: site.name, text, svg: svg.includes(text), mermaid: mermaid.includes(text) }).toEqual({ site: site.name, text, svg: true, mermaid: true });
      }
    }
  });

  test('the channel, the chaincode and who endorses are stated: with the MAJORITY policy, the peers of every member org', () => {
    const model = diagramModel(t);
    expect(model).toMatchObject({ channel: 'donations', chaincode: 'donations', consensus: 'Raft, 3 orderers' });
    expect(model.endorsement).toBe("MAJORITY of the member orgs' peers (2 of 2): DonorPlatformMSP, NgoMSP");
    const peers = model.sites.flatMap((s) => s.nodes.filter((n) => n.kind === 'peer'));
    expect(peers.map((p) => `${p.id}: ${String(p.endorses)}`)).toEqual(['peer0.donorplatform: true', 'peer0.ngo: true']);
    expect(topologyMermaid(t)).toContain('peer0_ngo -- endorses, commits --> channel_donations');
  });

  test('a signature policy naming one org makes only its peers endorsers', () => {
    const onlyNgo: Topology = { ...t, chaincode: { ...t.chaincode, endorsementPolicy: "OR('NgoMSP.peer')" } };
    const peers = diagramModel(onlyNgo).sites.flatMap((s) => s.nodes.filter((n) => n.kind === 'peer'));
    expect(peers.map((p) => `${p.id}: ${String(p.endorses)}`)).toEqual(['peer0.donorplatform: false', 'peer0.ngo: true']);
  });

  test('the BFT topology is drawn with its four orderers', () => {
    const bft = loadTopology(join(REPO_ROOT, 'network', 'topology-bft.json'));
    expect(diagramModel(bft).consensus).toBe('SmartBFT, 4 orderers');
    expect(topologySvg(bft)).toContain('>orderer1.ngo<');
  });

  test('a subset channel is drawn with its members, only their ordering nodes ordering it and only their peers holding it', () => {
    const channels = loadTopology(join(REPO_ROOT, 'network', 'topology-channels.json'));
    expect(diagramModel(t).subsetChannels).toEqual([]);
    expect(diagramModel(channels).subsetChannels).toEqual([{
      name: 'evidence', members: ['ngo', 'auditor'], orderers: ['orderer0.ngo', 'orderer0.auditor'], peers: ['peer0.ngo', 'peer0.auditor'],
      endorsement: "MAJORITY of the member orgs' peers (2 of 2): NgoMSP, AuditorMSP", consensus: 'Raft, 2 orderers',
    }]);
    const mermaid = topologyMermaid(channels);
    expect(mermaid).toContain('orderer0_auditor -- orders --> channel_evidence');
    expect(mermaid).not.toContain('orderer0_donorplatform -- orders --> channel_evidence');
    expect(mermaid).not.toContain('peer0_donorplatform -- endorses, commits --> channel_evidence');
    const svg = topologySvg(channels);
    expect(svg).toContain('channel evidence · members ngo, auditor · ordered by orderer0.ngo, orderer0.auditor');
    expect((svg.match(/<text /g) ?? []).length).toBe((svg.match(/<\/text>/g) ?? []).length);
  });

  test('the SVG is well-formed enough to render: one root, balanced text elements', () => {
    const svg = topologySvg(t);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect((svg.match(/<text /g) ?? []).length).toBe((svg.match(/<\/text>/g) ?? []).length);
  });
});
