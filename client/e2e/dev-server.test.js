// Development mode: Vite's dev server serves the client on its own origin and
// the browser calls the service cross-origin (CORS, credentials), configured
// through the VITE_* variables instead of /config.json.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import {
  emailOf,
  freePort,
  launchBrowser,
  PASSWORD,
  screenshot,
  startStack,
  waitFor,
  waitForHolder,
} from './harness.js';

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VITE_START_TIMEOUT_MS = 60_000;

describe('development mode with the Vite dev server', () => {
  let stack;
  let browser;
  let vite;
  let viteUrl;

  before(async () => {
    const vitePort = await freePort();
    viteUrl = `http://localhost:${vitePort}`;
    stack = await startStack('dev-server', { serviceEnv: { FM_CORS_ORIGINS: viteUrl } });
    const servicePort = stack.service.port;
    vite = spawn(
      process.execPath,
      ['node_modules/vite/bin/vite.js', '--port', String(vitePort), '--strictPort'],
      {
        cwd: CLIENT_DIR,
        stdio: 'ignore',
        env: {
          ...process.env,
          VITE_API_BASE: `http://localhost:${servicePort}/api`,
          VITE_WS_URL: `ws://localhost:${servicePort}/ws`,
          VITE_MQTT_URL: `ws://localhost:${stack.broker.wsPort}`,
        },
      },
    );
    vite.exited = once(vite, 'exit').catch(() => {});
    await waitFor(async () => (await fetch(`${viteUrl}/`)).ok, {
      timeoutMs: VITE_START_TIMEOUT_MS,
      what: 'the Vite dev server',
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (vite && vite.exitCode === null) {
      vite.kill('SIGTERM');
      await vite.exited;
    }
    await stack?.stop();
  });

  it('logs in across origins and shows live data from the service and the broker', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${viteUrl}/login`);

    await page.getByLabel('Email').fill(emailOf('Frank'));
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('current-user').filter({ hasText: 'Frank' }).waitFor();
    await page.getByRole('link', { name: 'Public to review' }).click();

    await waitForHolder(page, 1, 'Frank', 20_000);
    await page.getByTestId('online-user-2').waitFor();
    assert.equal(new URL(page.url()).origin, viteUrl);
    await screenshot(page, 'dev-server-to-review');
  });
});
