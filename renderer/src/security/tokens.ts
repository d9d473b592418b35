/**
 * The HQ access token of the signed-in user, in memory only (never persisted). The sync asks
 * `getAccessToken()` before every request; a token about to expire is refreshed first (the
 * refresh token rotates at every use). After an offline unlock there is no token until
 * `signInInBackground` succeeds.
 */
import { hqTokensOf, requestRefresh, requestSignIn, type AccountEnv, type HqTokens, type SignInAnswer } from './account';

export interface TokenHolder {
  getAccessToken(): Promise<string | null>;
  set(tokens: HqTokens | null): void;
  /** Sign in again with the password just used to unlock (when HQ answers). */
  signInInBackground(hqUrl: string, username: string, password: string, env?: AccountEnv): Promise<SignInAnswer | null>;
  /** Problem code of the last failed HQ auth call (e.g. DEVICE_REVOKED), or null. */
  lastProblem(): { code: string; messageAr: string } | null;
  clear(): void;
}

export function createTokenHolder(
  hqUrlOf: () => string,
  options: {
    fetch?: typeof fetch;
    now?: () => number;
    onAnswer?: (a: SignInAnswer) => void;
    onProblem?: (p: { code: string; messageAr: string }) => void;
    /** Retry a failed refresh (HQ unreachable) at most this often. Default 5 s. */
    retryAfterMs?: number;
  } = {},
): TokenHolder {
  let tokens: HqTokens | null = null;
  let refreshing: Promise<void> | null = null;
  let problem: { code: string; messageAr: string } | null = null;
  let lastAttempt = -Infinity;
  const now = options.now ?? Date.now;

  const report = (p: { code: string; messageAr: string }) => {
    problem = p;
    options.onProblem?.(p);
  };

  async function refresh(): Promise<void> {
    const current = tokens;
    if (!current) return;
    const result = await requestRefresh(hqUrlOf(), current.refreshToken, options.fetch);
    if (result.ok) {
      tokens = hqTokensOf(result.answer);
      problem = null;
      options.onAnswer?.(result.answer);
    } else if (result.code !== 'NETWORK') {
      report(result);
      if (result.code === 'UNAUTHENTICATED' || result.code === 'DEVICE_REVOKED') tokens = null;
    }
  }

  return {
    async getAccessToken() {
      if (!tokens) return null;
      const stale = !tokens.accessToken || Date.parse(tokens.accessTokenExpiresAt) - now() < 60_000;
      if (stale && (refreshing || now() - lastAttempt >= (options.retryAfterMs ?? 5_000))) {
        lastAttempt = now();
        refreshing ??= refresh().finally(() => {
          refreshing = null;
        });
        await refreshing;
      }
      return tokens?.accessToken || null;
    },
    set(next) {
      tokens = next;
    },
    async signInInBackground(hqUrl, username, password, env = {}) {
      const result = await requestSignIn(hqUrl, username, password, { fetch: options.fetch, ...env });
      if (!result.ok) {
        if (result.code !== 'NETWORK') report(result);
        return null;
      }
      tokens = hqTokensOf(result.answer);
      problem = null;
      options.onAnswer?.(result.answer);
      return result.answer;
    },
    lastProblem: () => problem,
    clear() {
      tokens = null;
    },
  };
}
