// The web app in a real browser (headless Chromium from Debian): a donor signs up and pledges,
// the payment service settles it, NGO staff record a spend with a receipt, and the donor sees where the money went.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { Browser, chromium } from 'playwright-core';
import { REPO_ROOT } from '@donation-ledger/network';
import { ADMIN_PASSWORD, Apis, settleThroughApi, startApis } from './api-harness';
import { openWindow, uniqueId } from './harness';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'screenshots');

describe('the web app in a browser', () => {
  let apis: Apis;
  let browser: Browser;
  const ngoId = uniqueId('ngo');
  const outcomeCampaignId = uniqueId('camp');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    apis = await startApis();
    const ngoApi = request(apis.ngo.server);
    const { token } = (await ngoApi.post('/api/sessions').send({ username: 'admin', password: ADMIN_PASSWORD }).expect(201)).body as { token: string };
    await ngoApi.post('/api/ngos').set('Authorization', `Bearer ${token}`).send({ id: ngoId, name: 'Browser Wells' }).expect(201);
    await ngoApi.post('/api/accounts/staff').set('Authorization', `Bearer ${token}`).send({ username: 'web-staff', password: 'web-staff-password', ngoId }).expect(201);
    // An outcome-based campaign: donors see how many of its milestones were confirmed.
    await ngoApi.post('/api/campaigns').set('Authorization', `Bearer ${token}`).send({
      id: outcomeCampaignId, ngoId, name: 'Clean water', goal: 1000, currency: 'EUR', ...openWindow(),
      validatorMspId: 'DonorPlatformMSP', milestones: [{ amount: 600, description: 'Well dug' }, { amount: 400, description: 'Water tested' }],
    }).expect(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });

  afterAll(async () => {
    await browser?.close();
    await apis?.stop();
  });

  test('sign up, donate, record a spend as staff, and see the allocation in the donor view', async () => {
    const donorPage = await browser.newPage();
    await donorPage.goto(apis.donor.url);
    await donorPage.getByRole('heading', { name: 'New donor? Sign up' }).waitFor();
    const signup = donorPage.locator('#signup-form');
    await signup.getByLabel('Username').fill('web-donor');
    await signup.getByLabel('Password').fill('web-donor-password');
    await signup.getByLabel('Your name').fill('Grace Giver');
    await signup.getByLabel('Email').fill('grace@example.org');
    await signup.getByRole('button', { name: 'Sign up' }).click();
    await donorPage.getByText('Logged in as web-donor (donor)').waitFor();

    await donorPage.locator('#ngo-rows').getByText(`Clean water (${outcomeCampaignId}): goal 10.00 EUR, milestones confirmed by DonorPlatformMSP: 0 of 2`).waitFor();
    const donate = donorPage.locator('#donate-form');
    await donate.getByLabel('NGO').selectOption(ngoId);
    await donate.getByLabel('Amount').fill('25.00');
    await donate.getByRole('button', { name: 'Donate' }).click();
    const thanks = donorPage.getByText(/Thank you! Your pledge \S+ is in block \d+/);
    await thanks.waitFor();
    const donationId = /pledge (\S+) is in block/.exec(await thanks.innerText())?.[1] ?? '';
    await donorPage.locator('#my-donations', { hasText: `25.00 EUR to ${ngoId} on ` }).getByText(/pledged, waiting for the payment/).waitFor();
    // The money arrives: the payment service settles the pledge; only then can it be spent.
    await settleThroughApi(apis, [donationId]);

    const staffPage = await browser.newPage();
    await staffPage.goto(apis.ngo.url);
    const loginForm = staffPage.locator('#login-form');
    await loginForm.getByLabel('Username').fill('web-staff');
    await loginForm.getByLabel('Password').fill('web-staff-password');
    await loginForm.getByRole('button', { name: 'Log in' }).click();
    await staffPage.getByText(`Logged in as web-staff (ngo-staff, ${ngoId})`).waitFor();
    await staffPage.locator('#my-balance').getByText('25.00 EUR').waitFor();
    const receipt = join(ARTIFACTS, 'receipt.txt');
    writeFileSync(receipt, 'Invoice 17: one water pump, 10.00 EUR\n');
    const spend = staffPage.locator('#spend-form');
    await spend.getByLabel('Amount').fill('10.00');
    await spend.getByLabel('Description').fill('Water pump');
    await spend.getByLabel('Category').fill('water');
    await spend.getByLabel('Receipt (its SHA-256 is stored)').setInputFiles(receipt);
    await spend.getByRole('button', { name: 'Record spend' }).click();
    await staffPage.getByText(/Spend recorded in block \d+, paid by: 10.00 EUR from don-/).waitFor();
    await staffPage.locator('#my-balance').getByText('15.00 EUR').waitFor();
    // The transparency table comes from the read model, waiting for the spend's block.
    const row = staffPage.locator('#transparency-rows tr', { hasText: ngoId });
    await row.getByText('10.00 EUR').waitFor();
    await row.getByText('40.0 %').waitFor();
    await staffPage.screenshot({ path: join(ARTIFACTS, 'ngo-staff.png'), fullPage: true });

    await donorPage.getByRole('button', { name: 'Refresh' }).click();
    await donorPage.locator('.allocation').getByText('10.00 EUR paid for "Water pump" (water)').waitFor();
    await donorPage.getByRole('button', { name: 'Verify the ledger' }).click();
    await donorPage.getByText(/^Intact: \d+ blocks checked\. Digest: height \d+, hash [0-9a-f]{64}$/).waitFor();
    await donorPage.locator('#feed li').first().waitFor();
    await donorPage.screenshot({ path: join(ARTIFACTS, 'donor.png'), fullPage: true });
  });
});
