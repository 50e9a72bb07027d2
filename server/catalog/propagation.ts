/**
 * The propagation deadline: how long after an admin change commits (content edit, stock
 * change, stop selling, activation, doorbuster on/off) every instance and every cache layer
 * may still show the old state. Tests (`propagation.http.test.ts`, two `next start` instances
 * on one Redis) and the peak drill poll until a change shows and fail at this deadline.
 *
 * The budget, per layer, from the moment the admin's request answers:
 *  - data cache (`product:{id}`, listing generations): replaced or deleted before the answer;
 *  - sold-out gate: closed or reopened before the answer (sequenced by `restockSeq`, so a
 *    late close from a sale never undoes a restock);
 *  - stock entry behind the badge: deleted before the answer; a reader that loaded the old
 *    figure just before can put it back for at most `TTL.stock` (≤ 1 s);
 *  - page cache, cached 404s included: each instance pulls the shared tag log at most every
 *    `SYNC_INTERVAL_MS` (500 ms), then renders the page once (blocking) on the next request;
 *  - edge caches (Varnish, EDGE_PURGE_URLS): purged by surrogate key before the answer, and
 *    once more `EDGE_REPURGE_AFTER_MS` later, when every instance has pulled the log (a copy an
 *    instance served before it knew could have been stored at the edge in between).
 *
 * A Redis that refuses an invalidation is retried in the background and the change reports
 * `propagation: 'retrying'` to the admin: the deadline holds only while Redis answers.
 */
export { PROPAGATION_DEADLINE_MS } from '../platform/propagation-deadline'
