/**
 * An HQ in its own process, so a test can kill it (SIGKILL) in the middle of a request.
 * Options come as JSON in argv[2]; replies `{ url }` over IPC once listening.
 */
import { startHq, type StartHqOptions } from '../../../hq/server';

const options = JSON.parse(process.argv[2] ?? '{}') as StartHqOptions;
startHq(options).then(
  (hq) => {
    process.send?.({ url: hq.url });
    process.on('SIGTERM', () => {
      void hq.close().then(() => process.exit(0));
    });
  },
  (err: unknown) => {
    process.stderr.write(`HQ failed to start: ${String(err)}\n`);
    process.exit(1);
  },
);
