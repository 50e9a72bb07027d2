vcl 4.1;
#
# The store's edge: Varnish 7 with varnish-modules (xkey), playing the CDN's part.
#
# What it does, in request order (docs/decision-edge.md says why each rule exists):
#  - PURGE with `xkey-purge: <key> <key> …` from an address in `edge_purgers` evicts every
#    object carrying one of those surrogate keys (our stores send it from `invalidateTags`,
#    server/edge/edge-purge.ts); from anywhere else: 403.
#  - The client address: `X-Client-IP` is set here from the connection (a client's own value
#    is overwritten), and the store trusts it only on connections from the edge
#    (CLIENT_ADDRESS_HEADER + TRUSTED_PROXY_ADDRESSES, server/platform/client-identity.ts).
#  - /api/trpc/* goes to the API pool when the fleet has one, else to the web pool, and is
#    never cached (a shopper's call); so are /api/*, /ops, /cart, /checkout, /orders, /search
#    and every other path that is not a catalog path.
#  - Catalog paths (/, /p/…, /c/…, /_next/static/…, /img/…, /favicon.ico): cookies are
#    stripped from the request (pages are the same for everyone), tracking parameters
#    (utm_*, gclid, fbclid, …) are removed from the URL, and the answer is cached as its
#    Cache-Control says: s-maxage is the TTL, stale-while-revalidate the window in which a
#    stale copy is served while one background fetch refreshes it.
#  - Concurrent misses on one URL are collapsed into one origin request: that is Varnish's
#    own waiting list (request coalescing), nothing to configure. Uncacheable answers become
#    hit-for-miss objects so they never queue behind each other.
#  - A response that sets a cookie is never stored, whatever its Cache-Control says.
#  - Origin down or failing (connection refused, timeout, 5xx): a cached page is served stale
#    for up to max(stale-while-revalidate, stale-if-error, EDGE_STALE_IF_ERROR) past its TTL;
#    with nothing cached, pages get a 503 page and tRPC calls a 503 in tRPC's error shape,
#    both with Retry-After.
#  - A pool whose every process fails its readiness probe is used anyway (fail open): probes take
#    one bad process out of rotation, never the whole pool.
#
# Backends, probes, directors and the purge ACL are generated per fleet into
# `storefront-backends.vcl` (server/launcher/edge-backends.ts), found on varnishd's vcl_path.

import std;
import directors;
import proxy;
import xkey;

include "storefront-backends.vcl";

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ edge_purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    if (req.url == "/.edge/health") {
        return (synth(200, "OK"));
    }

    # Only the edge says who the client is and how it connected.
    set req.http.X-Client-IP = client.ip;
    if (proxy.is_ssl()) {
        set req.http.X-Forwarded-Proto = "https";
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    # Our own restart marker (vcl_hit, vcl_synth, vcl_deliver); never a client's.
    if (req.restarts == 0) {
        unset req.http.X-Edge-Stale;
    }
    if (req.http.X-Edge-Stale == "refresh") {
        # The stale copy is past its stale-while-revalidate window: fetch in the foreground.
        set req.grace = 0s;
    } else if (req.http.X-Edge-Stale == "serve") {
        # That fetch failed: any stale copy will do (req.grace survives a restart, so reset it).
        set req.grace = 1y;
    }

    if (req.url ~ "^/api/trpc(/|\?|$)") {
        call edge_api;
        return (pass);
    }
    call edge_web;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url !~ "^/($|\?|p/|c/|_next/static/|img/|favicon\.ico)") {
        return (pass);
    }

    # A catalog path: the same page for every shopper.
    unset req.http.Cookie;
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.url ~ "[?&](utm_[a-z0-9_]+|gclid|gbraid|wbraid|dclid|fbclid|msclkid|twclid|ttclid|yclid|igshid|mc_cid|mc_eid|_ga|_gl)(=|&|$)") {
        set req.url = regsuball(req.url, "([?&])(utm_[a-z0-9_]+|gclid|gbraid|wbraid|dclid|fbclid|msclkid|twclid|ttclid|yclid|igshid|mc_cid|mc_eid|_ga|_gl)(=[^&]*)?(?=&|$)", "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&+", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    return (hash);
}

sub vcl_hash {
    # HSTS and the CSP's upgrade-insecure-requests differ by protocol.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_hit {
    if (obj.ttl >= 0s) {
        return (deliver);
    }
    # Stale. Within stale-while-revalidate: serve it, Varnish refreshes it in the background.
    if (obj.ttl + std.duration(obj.http.X-Edge-SWR, 0s) >= 0s) {
        return (deliver);
    }
    # Past it, but the origin failed (second pass) or is known down: stale-if-error.
    if (req.http.X-Edge-Stale == "serve" || !std.healthy(req.backend_hint)) {
        return (deliver);
    }
    # Past it and the origin looks healthy: fetch in the foreground (vcl_recv, grace 0).
    set req.http.X-Edge-Stale = "refresh";
    return (restart);
}

sub vcl_backend_fetch {
    # Every process of the pool fails its probe at once (all overloaded, a dependency's blip):
    # send to all of them rather than answer 503 from none (storefront-backends.vcl).
    call edge_fail_open;
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # A failed refresh keeps the stale copy (background), or falls back to it (foreground).
    if (beresp.status >= 500 && (bereq.is_bgfetch || bereq.http.X-Edge-Stale == "refresh")) {
        return (abandon);
    }
    # Never store a response that sets a cookie, nor one the origin marks private, nor one
    # that does not say how long it may be kept (no default TTL at this edge).
    if (beresp.ttl <= 0s
        || (beresp.http.Cache-Control !~ "(s-maxage|max-age)=[0-9]" && !beresp.http.Expires)
        || beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(no-cache|no-store|private)"
        || beresp.http.Vary == "*") {
        # Hit-for-miss: the next request goes to the origin without queueing behind this one.
        set beresp.ttl = 120s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Varnish took the TTL from s-maxage / max-age and the grace from stale-while-revalidate.
    set beresp.http.X-Edge-SWR = beresp.grace + "s";
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.http.X-Edge-SIE = regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s");
    } else {
        set beresp.http.X-Edge-SIE = "86400s";
    }
    if (std.duration(beresp.http.X-Edge-SIE, 0s) > beresp.grace) {
        set beresp.grace = std.duration(beresp.http.X-Edge-SIE, 0s);
    }
    unset beresp.http.X-Edge-SIE;
    # Stored gzipped (Varnish gunzips for the rare client that does not accept it).
    if (!beresp.http.Content-Encoding && beresp.http.Content-Type ~ "^(text/|application/(json|javascript|xml)|image/svg\+xml)") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        # Another backend of the pool may answer (connection refused before a probe noticed).
        return (retry);
    }
    if (bereq.http.X-Edge-Stale == "refresh") {
        # vcl_deliver restarts and serves the stale copy.
        set beresp.http.X-Edge-Use-Stale = "1";
    }
    call edge_unavailable;
    return (deliver);
}

sub edge_unavailable {
    set beresp.status = 503;
    set beresp.http.Retry-After = "5";
    set beresp.http.Cache-Control = "no-store";
    if (bereq.url ~ "^/api/") {
        set beresp.http.Content-Type = "application/json";
        synthetic({"{"error":{"json":{"message":"The store is unavailable. Please try again in a few seconds.","code":-32603,"data":{"code":"SERVICE_UNAVAILABLE","httpStatus":503,"appCode":"UNAVAILABLE","retryAfterSeconds":5,"details":null,"zodError":null,"path":null}}}}"});
    } else {
        set beresp.http.Content-Type = "text/html; charset=utf-8";
        synthetic({"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Back in a moment</title></head><body><h1>Back in a moment</h1><p>The store is not answering right now. Please try again in a few seconds.</p></body></html>"});
    }
}

sub vcl_synth {
    # A foreground refresh the origin answered with a 5xx (abandoned): serve the stale copy.
    if (resp.status == 503 && req.http.X-Edge-Stale == "refresh" && req.restarts < 3) {
        set req.http.X-Edge-Stale = "serve";
        return (restart);
    }
    if (resp.status == 503) {
        set resp.http.Retry-After = "5";
    }
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.http.Cache-Control = "no-store";
    synthetic(resp.reason);
    return (deliver);
}

sub vcl_deliver {
    if (resp.http.X-Edge-Use-Stale && req.restarts < 3) {
        set req.http.X-Edge-Stale = "serve";
        return (restart);
    }
    unset resp.http.X-Edge-Use-Stale;
    unset resp.http.X-Edge-SWR;
    unset resp.http.xkey;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
