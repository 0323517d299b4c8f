import http from 'node:http';

export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

/** Bodies of control endpoints are small; anything larger is cut rather than buffered. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * One plain HTTP request with a hard time limit. No keep-alive agent: pooled sockets to a server that is
 * about to be killed would linger as open handles in the test runner.
 */
export function httpRequest(method: 'GET' | 'POST', url: string, timeoutMs: number): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method, agent: false, headers: { connection: 'close' } },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    request.setTimeout(timeoutMs, () => {
      request.destroy(new Error(`${method} ${url} got no answer within ${timeoutMs} ms`));
    });
    request.on('error', reject);
    request.end();
  });
}
