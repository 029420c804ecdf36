import { run, spawnOptions } from './exec';
import { siteUserName } from './site-users';

describe('site user names', () => {
  test("a site's Unix user is ledger-<org>", () => {
    expect(siteUserName('ngo')).toBe('ledger-ngo');
    expect(siteUserName('donorplatform')).toBe('ledger-donorplatform');
  });

  test('long org names stay within 32 characters and do not collide', () => {
    const [a, b] = [`${'a'.repeat(30)}1`, `${'a'.repeat(30)}2`];
    expect(siteUserName(a)).toHaveLength(32);
    expect(siteUserName(a)).toMatch(/^ledger-a+-[0-9a-f]{6}$/);
    expect(siteUserName(a)).not.toBe(siteUserName(b));
  });
});

describe("commands run as a site's user", () => {
  // Only root may run a command as another user (CI runs as root).
  const asRoot = process.getuid?.() === 0 ? test : test.skip;

  test('without a user the command runs as the caller, with the env given over the caller\'s', () => {
    const options = spawnOptions({ step: 'x', env: { FABRIC_CFG_PATH: '/cfg' } });
    expect(options).not.toHaveProperty('uid');
    expect(options.env.FABRIC_CFG_PATH).toBe('/cfg');
  });

  asRoot("with a site's user it runs as that user and group alone (root's supplementary groups dropped)", () => {
    const nobody = { uid: 65534, gid: 65534 };
    expect(spawnOptions({ step: 'x', user: nobody })).toMatchObject(nobody);
    expect(run('id', ['-u'], { step: 'uid', user: nobody }).trim()).toBe('65534');
    expect(run('id', ['-G'], { step: 'groups', user: nobody }).trim()).toBe('65534');
  });
});
