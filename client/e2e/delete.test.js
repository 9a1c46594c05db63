// Scenario 4: the owner deletes a film; the reviewers' pages mark it live.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, loggedInPage, screenshot, startStack, waitForHolder } from './harness.js';

const FILM = 2; // seed: owned by User, Frank and Karen invited

describe('deleting a public film', () => {
  let stack;
  let browser;

  before(async () => {
    stack = await startStack('delete');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("marks the film deleted on every reviewer's page, live", async () => {
    const reviewers = [];
    for (const name of ['Frank', 'Karen']) {
      const page = await loggedInPage(browser, stack.baseUrl, name);
      await page.getByRole('link', { name: 'Public to review' }).click();
      await waitForHolder(page, FILM, '');
      await page.evaluate(() => {
        window.__sameDocument = true;
      });
      reviewers.push(page);
    }
    const owner = await loggedInPage(browser, stack.baseUrl, 'User');
    await owner.getByRole('link', { name: 'Public films' }).click();

    await owner.getByTestId(`public-film-${FILM}`).getByRole('button', { name: 'Delete' }).click();
    await owner.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await owner.getByTestId(`public-film-${FILM}`).waitFor({ state: 'detached' });

    for (const page of reviewers) {
      await page
        .locator(`[data-testid="to-review-${FILM}"][data-deleted="true"]`)
        .waitFor({ timeout: 2_000 });
      assert.equal(await page.evaluate(() => window.__sameDocument), true);
      assert.equal(
        await page.getByTestId(`to-review-${FILM}`).getByRole('button', { name: 'Select' }).count(),
        0,
      );
    }
    await screenshot(reviewers[0], 'to-review-deleted');
  });
});
