// Scenarios 2 and 3: a selection shows live on another reviewer's page, and
// a competing selection is refused with the reason, never showing the loser
// as holder.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, loggedInPage, screenshot, startStack, waitForHolder } from './harness.js';

const LIVE_DEADLINE_MS = 2_000;
const FILM = 2; // seed: Frank and Karen are invited, nobody has it active

/** Records, in the page, every holder the row of `filmId` ever shows. */
async function recordHolders(page, filmId) {
  await page.evaluate((id) => {
    const row = document.querySelector(`[data-testid="to-review-${id}"]`);
    window.__holders = [row.dataset.holder];
    new MutationObserver(() => window.__holders.push(row.dataset.holder)).observe(row, {
      attributes: true,
      attributeFilter: ['data-holder'],
    });
    window.__sameDocument = true;
  }, filmId);
}

describe('selection on Public to Review', () => {
  let stack;
  let browser;
  let karen;
  let frank;

  before(async () => {
    stack = await startStack('selection');
    browser = await launchBrowser();
    karen = await loggedInPage(browser, stack.baseUrl, 'Karen');
    frank = await loggedInPage(browser, stack.baseUrl, 'Frank');
    await karen.getByRole('link', { name: 'Public to review' }).click();
    await frank.getByRole('link', { name: 'Public to review' }).click();
    await waitForHolder(karen, FILM, '');
    await waitForHolder(frank, FILM, '');
    await waitForHolder(frank, 1, 'Frank');
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows Karen's selection on Frank's page within 2 s, without a reload", async () => {
    await recordHolders(frank, FILM);

    await karen.getByTestId(`to-review-${FILM}`).getByRole('button', { name: 'Select' }).click();
    await waitForHolder(karen, FILM, 'Karen');

    await waitForHolder(frank, FILM, 'Karen', LIVE_DEADLINE_MS);
    assert.equal(await frank.evaluate(() => window.__sameDocument), true, 'page was reloaded');
    await screenshot(frank, 'to-review-live-holder');
  });

  it('refuses Frank with an alert naming Karen, and never shows Frank as holder', async () => {
    const row = frank.getByTestId(`to-review-${FILM}`);

    await row.getByRole('button', { name: 'Select' }).click();

    const alert = frank.getByTestId('selection-alert');
    await alert.waitFor({ timeout: 5_000 });
    assert.match(await alert.textContent(), /Karen/);
    await screenshot(frank, 'to-review-refused');
    await row.getByRole('button', { name: 'Select' }).waitFor();
    assert.equal(await row.getAttribute('data-holder'), 'Karen');
    const seen = await frank.evaluate(() => window.__holders);
    assert.ok(!seen.includes('Frank'), `Frank was shown as holder: ${seen.join(', ')}`);
    await waitForHolder(frank, 1, 'Frank');
  });
});
