/**
 * The one way the main process answers the page: `handle(channel, handler)`.
 * For every call it (1) checks that the sending frame is on exactly app://sila (a missing
 * frame is refused), (2) parses the payload with the channel's request schema, (3) runs the
 * handler, (4) checks the handler's value against the response schema, and (5) returns the
 * result envelope. It never throws across IPC and never sends a stack trace.
 */
import { BrowserWindow, ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import type { InvokeChannel } from '../shared/ipc/channels';
import { ipcContract } from '../shared/ipc/contract';
import type { IpcResponse } from '../shared/ipc/contract';
import { fail, ok } from '../shared/ipc/envelope';
import type { IpcErrorCode, IpcResult } from '../shared/ipc/envelope';
import { isAppUrl } from './origin';
import type { z } from 'zod';

/** Thrown by a handler to return a specific error code (and optionally a specific message). */
export class IpcFailure extends Error {
  constructor(
    readonly code: IpcErrorCode,
    /** Shown to the user instead of the code's default Arabic message. */
    readonly userMessage?: string,
  ) {
    super(userMessage ?? code);
    this.name = 'IpcFailure';
  }
}

export interface HandlerContext {
  event: IpcMainInvokeEvent;
  /** The window of the calling page, if it still exists. */
  window: BrowserWindow | null;
}

export type IpcHandler<C extends InvokeChannel> = (
  request: z.output<(typeof ipcContract)[C]['request']>,
  context: HandlerContext,
) => Promise<IpcResponse<C>> | IpcResponse<C>;

function senderUrl(event: IpcMainInvokeEvent): string | null {
  try {
    const frame = event.senderFrame;
    return frame === null || frame === undefined ? null : frame.url;
  } catch {
    return null; // the frame was destroyed or navigated away
  }
}

/** The whole pipeline, separate from `ipcMain` so it can be tested directly. */
export async function runHandler<C extends InvokeChannel>(
  channel: C,
  handler: IpcHandler<C>,
  event: IpcMainInvokeEvent,
  args: readonly unknown[],
): Promise<IpcResult<IpcResponse<C>>> {
  const url = senderUrl(event);
  if (!isAppUrl(url)) {
    console.warn(
      `Sila IPC: refused ${channel} from ${url === null ? 'a missing frame' : JSON.stringify(url)}`,
    );
    return fail('forbidden_sender');
  }
  const contract = ipcContract[channel];
  if (args.length > 1) return fail('invalid_request');
  const parsed = contract.request.safeParse(args[0]);
  if (!parsed.success) {
    console.warn(
      `Sila IPC: malformed ${channel} request: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
    return fail('invalid_request');
  }
  let value: unknown;
  try {
    let window: BrowserWindow | null = null;
    try {
      window = BrowserWindow.fromWebContents(event.sender);
    } catch {
      window = null;
    }
    value = await handler(parsed.data as z.output<(typeof ipcContract)[C]['request']>, {
      event,
      window,
    });
  } catch (error) {
    if (error instanceof IpcFailure) return fail(error.code, error.userMessage);
    console.error(`Sila IPC: ${channel} failed`, error);
    return fail('internal');
  }
  const checked = contract.response.safeParse(value);
  if (!checked.success) {
    console.error(`Sila IPC: ${channel} produced a response outside the contract`);
    return fail('invalid_response');
  }
  return ok(checked.data as IpcResponse<C>);
}

/** Registers a handler for one channel of the contract. */
export function handle<C extends InvokeChannel>(channel: C, handler: IpcHandler<C>): void {
  ipcMain.handle(channel, (event, ...args: unknown[]) => runHandler(channel, handler, event, args));
}
