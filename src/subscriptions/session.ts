/**
 * What a WebSocket connection carries from `connection_init` on: the viewer its access token names and when that
 * token expires. Authorization holds for every event, so an expiry closes the socket: a timer for real time, and
 * `expired()` for the checks made before each event is delivered (tests move the injected clock instead).
 */
import type { AccessTokens } from '../auth/tokens.js';
import type { Clock, Viewer } from '../context.js';

export interface Session {
  viewer: Viewer | null;
  /** When the access token expires (ms since the epoch); Infinity when anonymous. */
  expiresAt: number;
  /** Numbers the connection in request ids: `ws-<seq>-<operation id>`. */
  seq: number;
  timer?: NodeJS.Timeout;
}

/**
 * The session an `authorization` connection param opens: anonymous without one, null (refused: 4403) when it is not
 * `Bearer <token>` with a valid, unexpired token. The same rule as the HTTP header: a bad token is never anonymous.
 */
export async function openSession(tokens: AccessTokens, authorization: unknown, seq: number): Promise<Session | null> {
  if (authorization === undefined || authorization === null || authorization === '') {
    return { viewer: null, expiresAt: Infinity, seq };
  }
  const match = typeof authorization === 'string' ? /^Bearer +(\S+)$/i.exec(authorization.trim()) : null;
  if (!match) return null;
  try {
    const { id, role, expiresAt } = await tokens.verify(match[1]!);
    return { viewer: { id, role }, expiresAt, seq };
  } catch {
    return null;
  }
}

/** setTimeout's longest delay; a later expiry is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Expiry timers, counted so a leak check can see that every closed socket cleared its own. */
export function createExpiryTimers(clock: Clock) {
  let armed = 0;
  const expired = (session: Session) => clock() >= session.expiresAt;

  /** Calls `onExpiry` once the session's token has expired (at once if it already has). */
  function arm(session: Session, onExpiry: () => void): void {
    if (!Number.isFinite(session.expiresAt)) return;
    armed++;
    session.timer = setTimeout(() => {
      session.timer = undefined;
      armed--;
      if (expired(session)) onExpiry();
      else arm(session, onExpiry);
    }, Math.min(Math.max(0, session.expiresAt - clock()), MAX_TIMER_MS));
    session.timer.unref();
  }

  function disarm(session: Session | undefined): void {
    if (!session?.timer) return;
    clearTimeout(session.timer);
    session.timer = undefined;
    armed--;
  }

  return { arm, disarm, expired, armed: () => armed };
}
