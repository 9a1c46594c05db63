// The main pages, driven as a user would: private film CRUD, a public film,
// invitations, completing a review, client routes served by the service.
// Screenshots of each page go to test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, loggedInPage, screenshot, startStack, waitForHolder } from './harness.js';

describe('main pages', () => {
  let stack;
  let browser;

  before(async () => {
    stack = await startStack('pages');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the log-in page and refuses a wrong password with the service message', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${stack.baseUrl}/private`);

    await page.getByLabel('Email').fill('frank@example.com');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();

    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.notEqual((await error.textContent()).trim(), '');
    assert.equal(new URL(page.url()).pathname, '/login');
    await screenshot(page, 'page-login');
    await context.close();
  });

  it('adds, edits and deletes a private film', async () => {
    const page = await loggedInPage(browser, stack.baseUrl, 'User');
    await page.getByRole('link', { name: 'Private films' }).click();
    const table = page.getByTestId('private-films');

    await page.getByRole('button', { name: 'Add film' }).click();
    const add = page.getByRole('dialog');
    await add.getByLabel('Title').fill('Paterson');
    await add.getByLabel('Watch date').fill('2026-11-28');
    await add.getByLabel('Rating').selectOption('8');
    await add.getByLabel('Favorite').check();
    await add.getByRole('button', { name: 'Add' }).click();
    const row = table.locator('tr', { hasText: 'Paterson' });
    await row.waitFor();
    assert.match(await row.textContent(), /2026-11-28.*8 \/ 10.*★/);

    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog');
    await edit.getByLabel('Title').fill('Paterson (2016)');
    await edit.getByRole('button', { name: 'Save' }).click();
    await table.locator('tr', { hasText: 'Paterson (2016)' }).waitFor();
    await screenshot(page, 'page-private-films');

    await table
      .locator('tr', { hasText: 'Paterson (2016)' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await table.locator('tr', { hasText: 'Paterson' }).waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('adds a public film and invites a reviewer to it', async () => {
    const page = await loggedInPage(browser, stack.baseUrl, 'User');
    await page.getByRole('link', { name: 'Public films' }).click();

    await page.getByRole('button', { name: 'Add public film' }).click();
    const add = page.getByRole('dialog');
    assert.equal(await add.getByLabel('Rating').count(), 0, 'no rating for public films');
    await add.getByLabel('Title').fill('Perfect Days');
    await add.getByRole('button', { name: 'Add' }).click();
    const row = page.getByTestId('public-films').locator('tr', { hasText: 'Perfect Days' });
    await row.waitFor();
    await screenshot(page, 'page-public-films');

    await row.getByRole('button', { name: 'Reviews' }).click();
    await page.getByRole('heading', { name: /Perfect Days/ }).waitFor();
    await page.getByRole('button', { name: 'Invite reviewers' }).click();
    const invite = page.getByRole('dialog');
    await invite.getByLabel(/Beatrice/).check();
    await screenshot(page, 'page-invite-reviewers');
    await invite.getByRole('button', { name: 'Invite' }).click();
    await page.getByTestId('reviews').locator('tr', { hasText: 'Beatrice' }).waitFor();

    const beatrice = await loggedInPage(browser, stack.baseUrl, 'Beatrice');
    await beatrice.getByRole('link', { name: 'Public to review' }).click();
    await beatrice.getByTestId('to-review').locator('tr', { hasText: 'Perfect Days' }).waitFor();
    await page.context().close();
    await beatrice.context().close();
  });

  it('completes a review, which releases the film and refuses selecting it again', async () => {
    const frank = await loggedInPage(browser, stack.baseUrl, 'Frank');
    await frank.goto(`${stack.baseUrl}/to-review`);
    await waitForHolder(frank, 1, 'Frank');

    await frank.getByTestId('to-review-1').getByRole('button', { name: 'Complete review' }).click();
    const form = frank.getByRole('dialog');
    await form.getByLabel('Rating').selectOption('9');
    await form.getByLabel('Review', { exact: true }).fill('A film about second chances.');
    await form.getByRole('button', { name: 'Complete review' }).click();
    await frank.getByTestId('to-review-1').getByText('completed').waitFor();
    await waitForHolder(frank, 1, '');

    await frank.getByTestId('to-review-1').getByRole('button', { name: 'Select' }).click();
    const alert = frank.getByTestId('selection-alert');
    await alert.waitFor();
    assert.match(await alert.textContent(), /completed/i);
    await screenshot(frank, 'page-to-review');

    await frank.goto(`${stack.baseUrl}/public/1/reviews`);
    await frank.getByTestId('review-2').getByText('A film about second chances.').waitFor();
    await screenshot(frank, 'page-reviews');
    await frank.context().close();
  });

  it('serves client routes on reload and shows the online page', async () => {
    const karen = await loggedInPage(browser, stack.baseUrl, 'Karen');

    await karen.goto(`${stack.baseUrl}/online`);

    await karen.getByRole('heading', { name: 'Online' }).waitFor();
    await karen.getByTestId('online-table').locator('tr', { hasText: 'Karen' }).waitFor();
    await screenshot(karen, 'page-online');
    await karen.context().close();
  });
});
