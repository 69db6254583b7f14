# Fastly VCL for a Holdfast origin (custom VCL; keep the #FASTLY macros).
sub vcl_recv {
#FASTLY recv
  # One cache entry per coding the origin has: br, gzip or none.
  if (req.http.Accept-Encoding) {
    if (req.http.Accept-Encoding ~ "\bbr\b") {
      set req.http.Accept-Encoding = "br";
    } elsif (req.http.Accept-Encoding ~ "\bgzip\b") {
      set req.http.Accept-Encoding = "gzip";
    } else {
      unset req.http.Accept-Encoding;
    }
  }
  # The origin ignores query strings: do not let them split the cache.
  set req.url = querystring.remove(req.url);
  if (req.method != "GET" && req.method != "HEAD") {
    return(pass);
  }
  return(lookup);
}

sub vcl_fetch {
#FASTLY fetch
  # Misses and failures are never kept: a release may appear a second later, another origin may be healthy.
  if (beresp.status == 404 || beresp.status >= 500) {
    set beresp.ttl = 0s;
    set beresp.cacheable = false;
    return(pass);
  }
  # Entry points and channel manifests (no-cache): never served from cache without asking the origin.
  # Passing keeps the browser's If-None-Match, so the origin still answers 304.
  if (beresp.http.Cache-Control ~ "no-cache|no-store|private") {
    return(pass);
  }
  # Fingerprinted assets: the origin's max-age (a year) applies as is; keep them long at the edge too.
  if (beresp.http.Cache-Control ~ "immutable") {
    set beresp.ttl = 365d;
    set beresp.stale_if_error = 1d;
  }
  return(deliver);
}

sub vcl_error {
#FASTLY error
  # A draining or dead origin: let Fastly try the next backend of the director.
  if (obj.status == 503 && req.restarts < 2) {
    return(restart);
  }
}
