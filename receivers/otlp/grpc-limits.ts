// A gRPC call's request message must arrive within read_timeout of its headers: grpc-js calls the handler only once
// the whole message is in, so a client that opens calls and never finishes them would hold them (and their memory)
// for as long as it likes. A server interceptor sees the headers arrive, and answers DEADLINE_EXCEEDED when the
// message does not follow in time. It also sees calls cancelled before their message: client aborts no handler saw.
import { Metadata, ServerInterceptingCall, status } from '@grpc/grpc-js';
import type { ServerInterceptingCallInterface, ServerInterceptor } from '@grpc/grpc-js';
import { constants } from 'node:http2';
import type { ServerHttp2Stream } from 'node:http2';

export const READ_TIMEOUT_TEXT = 'the request message did not arrive in time';

export interface CallWatch {
  readTimeoutMs: number;
  /** The read timeout ended a call. */
  onTimeout(): void;
  /** The client cancelled a call before its message was in (a handler never saw it). */
  onEarlyCancel(): void;
}

/**
 * The answer alone leaves the stream open for the client to go on sending (RFC 9113 8.1 lets the server end it
 * with RST_STREAM NO_ERROR once answered; Node does so only for a stream nobody read from). grpc-js keeps the
 * HTTP/2 stream in a field of the call it hands its first interceptor, not in its API: used when there, and the
 * limits test fails if a grpc-js update moves it.
 */
function streamOf(call: ServerInterceptingCallInterface): Partial<ServerHttp2Stream> | undefined {
  return (call as unknown as { stream?: Partial<ServerHttp2Stream> }).stream;
}

function resetAfterAnswer(call: ServerInterceptingCallInterface): void {
  const stream = streamOf(call);
  if (typeof stream?.close === 'function') stream.close(constants.NGHTTP2_NO_ERROR);
}

/** The client reset the stream (RST_STREAM with an error code, CANCEL for a cancelled call). */
function resetByClient(call: ServerInterceptingCallInterface): boolean {
  const code = streamOf(call)?.rstCode;
  return code !== undefined && code !== constants.NGHTTP2_NO_ERROR;
}

export function callWatch(w: CallWatch): ServerInterceptor {
  return (_method, call: ServerInterceptingCallInterface) => {
    let timer: NodeJS.Timeout | undefined;
    let received = false;
    let timedOut = false;
    const stop = (): void => {
      clearTimeout(timer);
      timer = undefined;
    };
    return new ServerInterceptingCall(call, {
      start(next) {
        if (w.readTimeoutMs > 0)
          timer = setTimeout(() => {
            timedOut = true;
            w.onTimeout();
            call.sendStatus({ code: status.DEADLINE_EXCEEDED, details: READ_TIMEOUT_TEXT, metadata: new Metadata() });
            resetAfterAnswer(call);
          }, w.readTimeoutMs);
        next({
          onReceiveMessage(message: unknown, nextMessage: (m: unknown) => void) {
            received = true;
            stop();
            nextMessage(message);
          },
          onReceiveHalfClose(nextHalfClose: () => void) {
            stop();
            nextHalfClose();
          },
          // Every call ends with onCancel: only a reset by the client before its message is one no handler saw.
          onCancel() {
            stop();
            if (!received && !timedOut && resetByClient(call)) w.onEarlyCancel();
          },
        });
      },
    });
  };
}
