// `npm start`: the desktop app on its embedded defaults. Starts the HQ sync service on
// loopback with its embedded PGlite database (./.hq-data; on first run it creates branch
// 'main' and two accounts and prints their passwords), then launches Electron on the built
// app. Closing the app stops the HQ. Cross-platform (no shell syntax).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const hq = spawn(npx, ['tsx', 'hq/main.ts'], {
  stdio: 'inherit',
  env: { ...process.env, SILA_LOCAL_SETUP: process.env.SILA_LOCAL_SETUP ?? '1', HOST: '127.0.0.1' },
});

let electronBinary;
try {
  electronBinary = require('electron'); // the path of the Electron binary (downloaded on first use)
} catch (err) {
  console.error(
    `\nThe Electron binary is not available (${err instanceof Error ? err.message.split('\n')[0] : String(err)}).\n` +
      'Electron downloads its binary on first use; this machine could not fetch it.\n' +
      'Use Sila in a browser instead with `npm run hq` and `npm run web`, or see README.md, "Troubleshooting".',
  );
  hq.kill('SIGTERM');
  process.exit(1);
}

const app = spawn(electronBinary, ['.'], { stdio: 'inherit' });
const stopAll = (code) => {
  hq.kill('SIGTERM');
  process.exitCode = code ?? 0;
};
app.on('exit', (code) => stopAll(code));
app.on('error', (err) => {
  console.error('Electron could not start (see README, Troubleshooting):', err.message);
  stopAll(1);
});
hq.on('exit', (code) => {
  if (code && code !== 0) console.error(`The HQ service stopped (exit ${code}).`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { app.kill(signal); stopAll(0); });
