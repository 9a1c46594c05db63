// Scenario 5: the broker restarts (losing its retained messages); the page
// reconnects and shows the statuses again, including a change made while the
// broker was down. Also: the service's liveness topic drives a banner.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  apiLogIn,
  launchBrowser,
  loggedInPage,
  screenshot,
  startStack,
  waitForHolder,
} from './harness.js';

const RECOVERY_TIMEOUT_MS = 20_000;

describe('broker restart', () => {
  let stack;
  let browser;

  before(async () => {
    stack = await startStack('broker-restart');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the correct statuses again once the broker is back', async () => {
    const frank = await loggedInPage(browser, stack.baseUrl, 'Frank');
    await frank.getByRole('link', { name: 'Public to review' }).click();
    await waitForHolder(frank, 1, 'Frank');
    await waitForHolder(frank, 2, '');
    const karen = await apiLogIn(stack.baseUrl, 'Karen');

    await stack.broker.stop();
    await frank.getByTestId('mqtt-connection').filter({ hasText: 'reconnecting' }).waitFor();
    const answer = await fetch(`${stack.baseUrl}/api/users/${karen.user.id}/selection`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Cookie: karen.cookie },
      body: JSON.stringify({ id: 2 }),
    });
    assert.equal(answer.status, 204, 'selection while the broker is down');
    await stack.broker.start();

    await frank
      .getByTestId('mqtt-connection')
      .filter({ hasText: 'live' })
      .waitFor({ timeout: RECOVERY_TIMEOUT_MS });
    await waitForHolder(frank, 2, 'Karen', RECOVERY_TIMEOUT_MS);
    await waitForHolder(frank, 1, 'Frank', RECOVERY_TIMEOUT_MS);
    await screenshot(frank, 'to-review-after-broker-restart');
  });
});

describe('service liveness', () => {
  let stack;
  let browser;

  before(async () => {
    stack = await startStack('service-liveness');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows a banner while the service is offline and hides it when it is back', async () => {
    const frank = await loggedInPage(browser, stack.baseUrl, 'Frank');
    await frank.getByRole('link', { name: 'Public to review' }).click();
    await waitForHolder(frank, 1, 'Frank');
    assert.equal(await frank.getByTestId('service-offline').count(), 0);

    await stack.service.stop();
    await frank.getByTestId('service-offline').waitFor({ timeout: RECOVERY_TIMEOUT_MS });
    await screenshot(frank, 'service-offline-banner');
    await stack.service.start();

    await frank
      .getByTestId('service-offline')
      .waitFor({ state: 'detached', timeout: RECOVERY_TIMEOUT_MS });
  });
});
