/**
 * The hand-over session (تسليم الجهاز للمستفيد): while it is active only the evaluation form is
 * shown, whatever route the page is on, until an employee enters the device password. UI state
 * only (zustand): it survives the step panel unmounting, never the window (a reload locks the app).
 */
import { create } from 'zustand';
import type { EvaluationChannel, EvaluationInput } from './evaluation';

export interface HandOverSession {
  requestId: string;
  channel: EvaluationChannel;
  /** The hash the session started on; navigation away is undone while it lasts. */
  hash: string;
  /** The one-time link being used (QR), if any. */
  tokenHash?: string;
}

export const emptyEvaluationInput: EvaluationInput = { overall: null, answers: {}, comment: '', anonymous: false };

interface HandOverState {
  session: HandOverSession | null;
  phase: 'form' | 'thanks';
  input: EvaluationInput;
  start(session: HandOverSession): void;
  setInput(input: EvaluationInput): void;
  finish(): void;
  end(): void;
}

/**
 * While the beneficiary holds the laptop, any navigation (back, a typed address, a shortcut) is
 * undone before the app sees it: a capture listener on the window runs before the router's own,
 * stops the event and puts the hand-over address back.
 */
function keepHandOverAddress(event: HashChangeEvent): void {
  const session = useHandOver.getState().session;
  if (!session || window.location.hash === session.hash) return;
  event.stopImmediatePropagation();
  window.history.replaceState(window.history.state, '', session.hash);
}

export const useHandOver = create<HandOverState>()((set) => ({
  session: null,
  phase: 'form',
  input: emptyEvaluationInput,
  start: (session) => {
    window.addEventListener('hashchange', keepHandOverAddress, { capture: true });
    set({ session, phase: 'form', input: emptyEvaluationInput });
  },
  setInput: (input) => set({ input }),
  finish: () => set({ phase: 'thanks', input: emptyEvaluationInput }),
  end: () => {
    window.removeEventListener('hashchange', keepHandOverAddress, { capture: true });
    set({ session: null, phase: 'form', input: emptyEvaluationInput });
  },
}));
