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
}

export const emptyEvaluationInput: EvaluationInput = { overall: null, answers: {}, comment: '', anonymous: false };

interface HandOverState {
  session: HandOverSession | null;
  /** thanks: sent; declined: the beneficiary chose not to evaluate (a right, not a duty). */
  phase: 'form' | 'thanks' | 'declined';
  input: EvaluationInput;
  start(session: HandOverSession): void;
  setInput(input: EvaluationInput): void;
  finish(): void;
  decline(): void;
  end(): void;
}

/**
 * While the beneficiary holds the laptop, any navigation (back, a typed address, a shortcut) is
 * undone: a capture listener on the window runs before the router's own, stops the event and
 * goes back to the hand-over address (without a history entry).
 */
function keepHandOverAddress(event: HashChangeEvent): void {
  const session = useHandOver.getState().session;
  if (!session || window.location.hash === session.hash) return;
  event.stopImmediatePropagation();
  window.location.replace(session.hash);
}

/**
 * The app underneath is hidden and inert for the whole session (not only while the layer is
 * mounted): nothing of the file shows, even for a moment while the page re-renders.
 */
function hideApp(hidden: boolean): void {
  const root = document.getElementById('root');
  if (!root) return;
  root.inert = hidden;
  root.style.visibility = hidden ? 'hidden' : '';
}

export const useHandOver = create<HandOverState>()((set) => ({
  session: null,
  phase: 'form',
  input: emptyEvaluationInput,
  start: (session) => {
    window.addEventListener('hashchange', keepHandOverAddress, { capture: true });
    hideApp(true);
    set({ session, phase: 'form', input: emptyEvaluationInput });
  },
  setInput: (input) => set({ input }),
  finish: () => set({ phase: 'thanks', input: emptyEvaluationInput }),
  decline: () => set({ phase: 'declined', input: emptyEvaluationInput }),
  end: () => {
    window.removeEventListener('hashchange', keepHandOverAddress, { capture: true });
    hideApp(false);
    set({ session: null, phase: 'form', input: emptyEvaluationInput });
  },
}));
