# The edge's backends in Kubernetes: the web and API Services (kube-proxy spreads requests over
# their ready pods). Same shape as the file the local fleet generates
# (storefront-backends.vcl, included by deploy/edge/storefront.vcl); written by hand here
# because a cluster's backends are two Service names, not a list of processes.
probe edge_web_probe {
    .url = "/api/health/ready";
    .interval = 2s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}
probe edge_api_probe {
    .url = "/api/health/ready";
    .interval = 2s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}
backend web_0 {
    .host = "storefront-web";
    .port = "3000";
    .probe = edge_web_probe;
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 10s;
}
backend api_0 {
    .host = "storefront-api";
    .port = "3001";
    .probe = edge_api_probe;
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 10s;
}
# The same Services without a probe, for fail open (below).
backend web_0_any {
    .host = "storefront-web";
    .port = "3000";
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 10s;
}
backend api_0_any {
    .host = "storefront-api";
    .port = "3001";
    .connect_timeout = 1s;
    .first_byte_timeout = 15s;
    .between_bytes_timeout = 10s;
}
# Who may PURGE: the pod network, where the web, API and worker pods run (your cluster's pod CIDR).
acl edge_purgers {
    "10.0.0.0"/8;
}
sub vcl_init {
    new edge_web_pool = directors.round_robin();
    edge_web_pool.add_backend(web_0);
    new edge_api_pool = directors.round_robin();
    edge_api_pool.add_backend(api_0);
    new edge_web_any = directors.round_robin();
    edge_web_any.add_backend(web_0_any);
    new edge_api_any = directors.round_robin();
    edge_api_any.add_backend(api_0_any);
}
sub edge_web {
    set req.backend_hint = edge_web_pool.backend();
}
sub edge_api {
    set req.backend_hint = edge_api_pool.backend();
}
# Fail open (called from vcl_backend_fetch): when the edge's probe of a Service fails (under a
# burst every pod's readiness can miss its deadline at once), send to the Service anyway rather
# than answer 503 to everyone. Kubernetes still takes each unready pod out of the Service's
# endpoints; this only stops the edge from closing the whole pool on its own.
sub edge_fail_open {
    if (!std.healthy(bereq.backend)) {
        if (bereq.backend == edge_web_pool.backend()) {
            set bereq.backend = edge_web_any.backend();
        } else if (bereq.backend == edge_api_pool.backend()) {
            set bereq.backend = edge_api_any.backend();
        }
    }
}
