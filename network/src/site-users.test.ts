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
