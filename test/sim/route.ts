import type { FaultEffect } from './faults.js';
import type { RequestContext } from './state.js';
import type { SimRoute } from './types.js';

/** One simulated endpoint. */
export interface RouteHandler {
  route: SimRoute;
  /** Best-effort account of the request (by token, refresh token or code), for faults, counters and the log. */
  identify(ctx: RequestContext): string | undefined;
  /** Normal processing, after the server has applied the parts of a fault that replace the answer. */
  handle(ctx: RequestContext, fault: FaultEffect | undefined): Promise<void>;
}
