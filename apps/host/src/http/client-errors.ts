import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { titleOf } from "@valhalla/runtime";
import { problem } from "./problems.js";

/**
 * Answer requests Node refuses before any handler runs — a URL or headers past the parser's limit
 * (431), a malformed request line (400) — in the same problem format as every other error, with a
 * request id, instead of Node's bare status line.
 * @internal
 */
export function problemOnClientError(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (err.code !== undefined && err.code === "ECONNRESET")) {
      socket.destroy();
      return;
    }
    const status =
      err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const requestId = randomUUID();
    const detail =
      status === 431
        ? "The request's URL or headers exceed the size limit"
        : status === 408
          ? "The request was not received in time"
          : "The request is malformed";
    const body = JSON.stringify(
      problem(
        status,
        status === 431 ? "headers-too-large" : status === 408 ? "request-timeout" : "bad-request",
        detail,
        {
          request_id: requestId,
        },
      ),
    );
    socket.end(
      `HTTP/1.1 ${status} ${titleOf(status)}\r\n` +
        "content-type: application/problem+json\r\n" +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n` +
        "connection: close\r\n\r\n" +
        body,
    );
  });
}
