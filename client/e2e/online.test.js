// Scenario 1: two users in two browser contexts see each other online.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, loggedInPage, screenshot, startStack } from './harness.js';

describe('online users', () => {
  let stack;
  let browser;

  before(async () => {
    stack = await startStack('online');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows two logged-in users to each other, live, and drops one on log-out', async () => {
    const frank = await loggedInPage(browser, stack.baseUrl, 'Frank');
    const karen = await loggedInPage(browser, stack.baseUrl, 'Karen');

    await karen.getByTestId('online-user-2').filter({ hasText: 'Frank' }).waitFor();
    await frank.getByTestId('online-user-3').filter({ hasText: 'Karen' }).waitFor();
    const frankEntry = await karen.getByTestId('online-user-2').textContent();
    assert.match(frankEntry, /Reviewing:/, 'Frank has film 1 active in the seed');
    await screenshot(frank, 'online-panel');

    await karen.getByRole('button', { name: 'Log out' }).click();

    await frank.getByTestId('online-user-3').waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await frank.getByTestId('online-user-2').count(), 1);
  });
});
