// The transparency portal in a real browser (headless Chromium from Debian), served by two orgs'
// APIs on the test network: what a visitor sees without an account, a donor's way from sign-up
// to the path of their money, NGO staff recording a spend, and accessibility (axe-core) and
// layout at a phone's and a laptop's width on every page.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '@donation-ledger/network';
import { ADMIN_PASSWORD, Apis, settleThroughApi, startApis } from './api-harness';
import { openWindow, uniqueId } from './harness';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');
const WIDTHS = { phone: 390, laptop: 1280 } as const;
/** The budget for the first public page. */
const JS_BUDGET_GZIP = 200 * 1024;

describe('the transparency portal in a browser', () => {
  let apis: Apis;
  let browser: Browser;
  let context: BrowserContext;
  const cspViolations: string[] = [];
  const ngoId = uniqueId('ngo');
  const ngoName = `Portal Wells ${ngoId.slice(-4)}`;
  const campaignId = uniqueId('camp');
  let donationId = '';
  let pledgeBlock = 0;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    apis = await startApis();
    const ngoApi = request(apis.ngo.server);
    const { token } = (await ngoApi.post('/api/sessions').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(201)).body as { token: string };
    await ngoApi.post('/api/ngos').set('Authorization', `Bearer ${token}`).send({ id: ngoId, name: ngoName, description: 'Wells and clean water' }).expect(201);
    await ngoApi.post('/api/accounts/staff').set('Authorization', `Bearer ${token}`).send({ username: 'portal-staff', password: 'portal-staff-password', ngoId }).expect(201);
    // An outcome-based campaign: the public sees how many of its milestones were confirmed.
    await ngoApi.post('/api/campaigns').set('Authorization', `Bearer ${token}`).send({
      id: campaignId, ngoId, name: 'Clean water', goal: 1000, currency: 'EUR', ...openWindow(),
      validatorMspId: 'DonorPlatformMSP', milestones: [{ amount: 600, description: 'Well dug' }, { amount: 400, description: 'Water tested' }],
    }).expect(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    context = await browser.newContext({ viewport: { width: WIDTHS.laptop, height: 900 }, acceptDownloads: true });
    // The pages must work under the API's Content-Security-Policy (no inline code): any report fails the suite.
    context.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await apis?.stop();
  });

  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  /** A page of `api` whose tab holds the session of `username` (sessions live in a tab's sessionStorage). */
  async function loggedInPage(api: Apis['donor'], username: string, password: string, path: string): Promise<Page> {
    const page = await context.newPage();
    await logIn(page, await sessionToken(api, username, password));
    await page.goto(`${api.url}${path}`);
    return page;
  }

  test("a visitor without an account sees the NGOs with their money, and a campaign's progress and milestones", async () => {
    const page = await context.newPage();
    const card = page.locator('.card', { has: page.getByRole('heading', { name: ngoName }) });
    await reloadUntil(page, apis.ngo.url, card);
    await card.getByText('No donations yet.').waitFor();
    await card.getByRole('link', { name: ngoName }).click();
    await page.getByRole('heading', { level: 1, name: ngoName }).waitFor();
    await page.getByText('Wells and clean water').waitFor();
    const progress = page.getByRole('progressbar', { name: 'Clean water: settled toward the goal' });
    expect(await progress.getAttribute('aria-valuetext')).toBe('0.00 EUR of 10.00 EUR');
    await page.getByRole('heading', { name: 'Milestones, confirmed by DonorPlatformMSP' }).waitFor();
    await page.locator('.milestones li').filter({ hasText: 'Well dug: 6.00 EUR, pending' }).waitFor();
    await page.close();
  });

  test('a donor signs up, donates to a campaign picked from lists, and sees the pledge in their donations', async () => {
    const page = await context.newPage();
    await page.goto(`${apis.donor.url}/#/login`);
    const signup = page.locator('#signup-form');
    await signup.getByLabel('Username').fill('portal-donor');
    await signup.getByLabel('Password').fill('portal-donor-password');
    await signup.getByLabel('Your name').fill('Grace Giver');
    await signup.getByLabel('Email').fill('grace@example.org');
    await signup.getByRole('button', { name: 'Sign up' }).click();
    await page.getByText('Logged in as portal-donor (donor)').waitFor();

    const donate = page.locator('#donate-form');
    await donate.getByLabel('NGO').selectOption({ label: ngoName });
    // By the campaign's ID: other suites' NGOs have campaigns named "Clean water" too, and the list
    // may still show the previous NGO's for a moment after the NGO is picked.
    const campaign = donate.getByLabel('Campaign').locator(`option[value="${campaignId}"]`);
    await campaign.waitFor({ state: 'attached' });
    expect(await campaign.innerText()).toBe('Clean water');
    await donate.getByLabel('Campaign').selectOption(campaignId);
    await donate.getByLabel('Amount').fill('25.00');
    await donate.getByRole('button', { name: 'Donate' }).click();
    const thanks = page.getByText(/Thank you! Your pledge \S+ is in block \d+/);
    await thanks.waitFor();
    donationId = /receipt code is (\S+)\.$/.exec(await thanks.innerText())?.[1] ?? '';
    pledgeBlock = Number(/is in block (\d+)/.exec(await thanks.innerText())?.[1]);
    expect(donationId).toMatch(/^don-/);
    await page.locator('#my-donations li', { hasText: `25.00 EUR to ${ngoId} / ${campaignId}` }).getByText(/pledged, waiting for the payment/).waitFor();
    await page.close();
    // The money arrives: the payment service settles the pledge; only then can it be spent.
    await settleThroughApi(apis, [donationId]);
  });

  test('NGO staff record a spend with a receipt hashed in the browser, and the public path of the donation shows it', async () => {
    // The campaign's money is held until a milestone is confirmed, so this spend is outside it:
    // the donor's money was earmarked, so a second, plain donation pays for it.
    const donorPage = await loggedInPage(apis.donor, 'portal-donor', 'portal-donor-password', '/#/account');
    const donate = donorPage.locator('#donate-form');
    await donate.getByLabel('NGO').selectOption({ label: ngoName });
    await donate.getByLabel('Amount').fill('12.00');
    await donate.getByRole('button', { name: 'Donate' }).click();
    const thanks = donorPage.getByText(/receipt code is (\S+)\.$/);
    await thanks.waitFor();
    const plainDonationId = /receipt code is (\S+)\.$/.exec(await thanks.innerText())?.[1] ?? '';
    await settleThroughApi(apis, [plainDonationId]);
    await donorPage.close();

    const staffPage = await context.newPage();
    await staffPage.goto(`${apis.ngo.url}/#/login`);
    const login = staffPage.locator('#login-form');
    await login.getByLabel('Username').fill('portal-staff');
    await login.getByLabel('Password').fill('portal-staff-password');
    await login.getByRole('button', { name: 'Log in' }).click();
    await staffPage.getByText(`Logged in as portal-staff (ngo-staff, ${ngoId})`).waitFor();
    await staffPage.locator('#my-balance').getByText('12.00 EUR (outside campaigns)').waitFor();
    const receipt = join(ARTIFACTS, 'receipt.txt');
    writeFileSync(receipt, 'Invoice 17: one water pump, 10.00 EUR\n');
    const spend = staffPage.locator('#spend-form');
    await spend.getByLabel('Amount').fill('10.00');
    await spend.getByLabel('Description').fill('Water pump');
    await spend.getByLabel('Category').fill('water');
    await spend.getByLabel('Receipt (only its SHA-256 is stored)').setInputFiles(receipt);
    await spend.getByRole('button', { name: 'Record spend' }).click();
    await staffPage.getByText(`Spend recorded in block`).waitFor();
    await staffPage.getByText(`paid by: 10.00 EUR from ${plainDonationId}`).waitFor();
    await staffPage.close();

    const visitor = await context.newPage();
    await reloadUntil(visitor, `${apis.donor.url}/#/donations/${encodeURIComponent(plainDonationId)}`, visitor.locator('figure.path figcaption', { hasText: 'Water pump: 10.00 EUR · water' }));
    await visitor.locator('figure.path figcaption', { hasText: 'Not spent yet: 2.00 EUR' }).waitFor();
    const hash = createHash('sha256').update(readFileSync(receipt)).digest('hex');
    expect(await visitor.locator('code.hash').first().getAttribute('title')).toBe(hash);
    expect(await visitor.content()).not.toContain('Grace Giver');
    await visitor.close();
  });

  test('a donor downloads a receipt and verifies it in the browser and with the CLI; a receipt with one changed byte fails', async () => {
    const page = await loggedInPage(apis.donor, 'portal-donor', 'portal-donor-password', '/#/account');
    const row = page.locator('#my-donations li', { hasText: `25.00 EUR to ${ngoId} / ${campaignId}` });
    await row.getByText(/settled, 25.00 EUR unspent/).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download receipt' }).click()]);
    const receiptFile = join(ARTIFACTS, `receipt-${donationId}.json`);
    await download.saveAs(receiptFile);
    expect(download.suggestedFilename()).toBe(`receipt-${donationId}.json`);

    await page.goto(`${apis.donor.url}/#/verify`);
    const form = page.locator('#verify-form');
    await form.getByLabel('Receipt file (JSON)').setInputFiles(receiptFile);
    await form.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Valid receipt' }).waitFor();
    await page.getByText(`It claims: donation ${donationId} of 25.00 EUR to ${ngoId}, settled.`).waitFor();

    // One byte changed: 2500 minor units become 2600.
    const tampered = join(ARTIFACTS, `receipt-${donationId}-tampered.json`);
    writeFileSync(tampered, readFileSync(receiptFile, 'utf8').replace('"amount":"2500"', '"amount":"2600"'));
    expect(readFileSync(tampered, 'utf8')).not.toBe(readFileSync(receiptFile, 'utf8'));
    await form.getByLabel('Receipt file (JSON)').setInputFiles(tampered);
    await form.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'NOT a valid receipt' }).waitFor();
    await page.locator('.verdict.invalid').getByText(/tampered/).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'portal-verify-tampered.png'), fullPage: true });
    await page.close();

    // The printable receipt verifies itself as it opens, and prints to a PDF.
    const printable = await loggedInPage(apis.donor, 'portal-donor', 'portal-donor-password', `/#/receipts/${donationId}`);
    await printable.getByText(/^Verified in this browser: valid\./).waitFor();
    const pdf = await printable.pdf({ path: join(ARTIFACTS, `receipt-${donationId}.pdf`), format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await printable.close();

    const cli = (file: string) => spawnSync(process.execPath, [join(REPO_ROOT, 'packages', 'receipt', 'dist', 'cli.js'), file], { encoding: 'utf8' });
    expect(cli(receiptFile).status).toBe(0);
    const refused = cli(tampered);
    expect(refused.status).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('tampered');
  });

  test("the explorer shows the genesis block's channel, a pledge's transaction, and the history of the record it wrote", async () => {
    const page = await loggedInPage(apis.ngo, 'admin', ADMIN_PASSWORD, '/#/explorer');
    await page.getByRole('heading', { level: 1, name: 'Explorer' }).waitFor();
    await page.locator('#blocks').waitFor();
    await reloadUntil(page, `${apis.ngo.url}/#/explorer/blocks/0`, page.getByRole('list', { name: 'What this config block changed' }));
    await page.getByText(/^channel created: application orgs DonorPlatformMSP, NgoMSP; ordering orgs DonorPlatformMSP, NgoMSP; consensus etcdraft$/).waitFor();
    await reloadUntil(page, `${apis.ngo.url}/#/explorer/blocks/${pledgeBlock}`, page.getByRole('link', { name: `donation ${donationId}` }));
    await page.locator('.transactions li', { hasText: `donation ${donationId}` }).getByText('VALID').waitFor();
    await page.getByRole('link', { name: `donation ${donationId}` }).click();
    await page.getByRole('heading', { level: 1, name: `History of donation ${donationId}` }).waitFor();
    await page.getByRole('link', { name: `Block ${pledgeBlock}` }).waitFor();
    expect(await page.locator('.history > li').count()).toBeGreaterThanOrEqual(2); // pledged, then settled
    await page.close();
  });

  test('the first public page loads under 200 kB of JavaScript (gzip)', async () => {
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') scripts.push(response.url());
    });
    await page.goto(apis.donor.url);
    await page.getByRole('heading', { level: 1, name: 'Where the money goes' }).waitFor();
    let gzipBytes = 0;
    for (const url of scripts) gzipBytes += gzipSync((await request(apis.donor.server).get(new URL(url).pathname).expect(200)).text).length;
    writeFileSync(join(ARTIFACTS, 'portal-js-size.json'), `${JSON.stringify({ scripts: scripts.map((u) => new URL(u).pathname), gzipBytes }, null, 2)}\n`);
    expect(scripts.length).toBeGreaterThan(0);
    expect(gzipBytes).toBeLessThan(JS_BUDGET_GZIP);
    await page.close();
  });

  test('every page has no serious or critical accessibility violations at 390 and 1280 px wide', async () => {
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    const donorToken = await sessionToken(apis.donor, 'portal-donor', 'portal-donor-password');
    const pages = [
      { name: 'home', path: '/#/', ready: 'Where the money goes' },
      { name: 'ngo', path: `/#/ngos/${ngoId}`, ready: ngoName },
      { name: 'donation', path: `/#/donations/${donationId}`, ready: `Where donation ${donationId} went` },
      { name: 'verify', path: '/#/verify', ready: 'Verify a receipt' },
      { name: 'login', path: '/#/login', ready: 'Log in' },
      { name: 'donor-area', path: '/#/account', ready: 'My area', token: donorToken },
      { name: 'explorer', path: '/#/explorer', ready: 'Explorer', token: donorToken },
      { name: 'receipt', path: `/#/receipts/${donationId}`, ready: 'Donation receipt', token: donorToken },
      { name: 'block', path: `/#/explorer/blocks/${pledgeBlock}`, ready: `Block ${pledgeBlock}`, token: donorToken },
    ];
    const found: string[] = [];
    for (const [widthName, width] of Object.entries(WIDTHS)) {
      for (const spec of pages) {
        const page = await context.newPage();
        await page.setViewportSize({ width, height: 900 });
        if (spec.token) await logIn(page, spec.token);
        await page.goto(`${apis.donor.url}${spec.path}`);
        await page.getByRole('heading', { level: 1, name: spec.ready }).waitFor();
        await page.locator('.loading').waitFor({ state: 'detached' });
        await page.evaluate(axeSource);
        // Page code as text: the tests compile without the DOM's types.
        const violations = await page.evaluate<string[]>(`axe.run().then((result) => result.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`);
        found.push(...violations.map((v) => `${spec.name} at ${width}px: ${v}`));
        // Nothing wider than the window: no sideways scrolling of the page itself.
        const pageWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
        if (pageWidth > width) found.push(`${spec.name} at ${width}px: the page is ${pageWidth}px wide`);
        await page.screenshot({ path: join(ARTIFACTS, `portal-${spec.name}-${widthName}-${width}.png`), fullPage: true });
        await page.close();
      }
    }
    expect(found).toEqual([]);
  });
});

async function sessionToken(api: Apis['donor'], username: string, password: string): Promise<string> {
  return ((await request(api.server).post('/api/sessions').send({ username, password }).expect(201)).body as { token: string }).token;
}

/** Puts a session token where the portal keeps it, before the page's own code runs. */
async function logIn(page: Page, token: string): Promise<void> {
  // Page code as text: the tests compile without the DOM's types.
  await page.addInitScript(`sessionStorage.setItem('donation-ledger-token', ${JSON.stringify(token)})`);
}

/** Loads `url` until `locator` shows: the read model of the API serving the page indexes a block after the write. */
async function reloadUntil(page: Page, url: string, locator: Locator, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await page.goto(url);
  for (;;) {
    if (await locator.isVisible()) return;
    if (Date.now() > deadline) throw new Error(`${url} did not show ${String(locator)} within ${timeoutMs} ms`);
    await page.waitForTimeout(500);
    await page.reload();
    await page.locator('.loading').waitFor({ state: 'detached' }).catch(() => undefined);
  }
}
