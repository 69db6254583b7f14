// Plain HTTP requests for the checks a browser does not show: status codes, cache headers, what a CDN answers.

/** GET (or HEAD) {@code url}; never throws for a status, only when nothing answered (then it says why). */
export async function request(url, { method = 'GET', headers = {} } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { 'accept-encoding': 'gzip, deflate, br', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(10000),
    });
  } catch (error) {
    throw new Error(`${method} ${url} got no answer: ${error.cause?.code || error.cause?.message || error.message}`);
  }
  const body = method === 'HEAD' ? '' : await response.text();
  return {
    method,
    url,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body,
    describe() {
      const cc = this.headers['cache-control'];
      const cache = this.headers['x-cache-status'];
      return `${method} ${url} answered ${this.status}`
        + (cc ? `, Cache-Control: ${cc}` : ', no Cache-Control')
        + (cache ? `, X-Cache-Status: ${cache}` : '');
    },
  };
}

/**
 * Asks {@code url} until {@code accept(response)} or {@code timeoutMs} passes; returns the accepted response and
 * how long it took, or throws with the last answer.
 */
export async function requestUntil(url, accept, { timeoutMs = 10000, intervalMs = 100, what = 'the expected answer' } = {}) {
  const started = Date.now();
  let last;
  for (;;) {
    last = await request(url);
    if (accept(last)) {
      return { response: last, ms: Date.now() - started };
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${url} did not give ${what} within ${timeoutMs} ms; last: ${last.describe()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
