/**
 * Plain TCP and unix socket connections read into one buffer that every read reuses.
 *
 * A net.Socket that emits 'data' gets a newly allocated Buffer for each read
 * and passes it through the Readable stream machinery (its state, its
 * events, a nextTick to read more). Node's `onread` socket option skips
 * both: the bytes land in a buffer the caller supplies and a callback gets
 * them. net.Server has no such option for the sockets it accepts, so the
 * accepted socket's handle moves into a new net.Socket made with it, and the
 * callback emits 'data' on that socket, so consumers stay as they are.
 *
 * All connections share the one buffer: libuv reads them one at a time on
 * this thread, and each chunk is handled before the next read. A chunk is
 * therefore valid only until its 'data' listeners return; the request
 * decoder copies whatever it keeps (resp/decoder.ts).
 */
import net from 'node:net';

const READ_BUFFER_BYTES = 64 * 1024;
const sharedReadBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

/** socket, or a socket on its handle that reads into the shared buffer; the one returned is the one to use. */
export function readingIntoSharedBuffer(socket: net.Socket): net.Socket {
  const moved = socket as unknown as { _handle: object | null };
  const handle = moved._handle;
  if (handle === null || handle === undefined) return socket;
  const replacement: net.Socket = new net.Socket({
    handle,
    onread: { buffer: sharedReadBuffer, callback: (bytes: number, buffer: Uint8Array) => replacement.emit('data', (buffer as Buffer).subarray(0, bytes)) },
  } as net.SocketConstructorOpts);
  // Without its handle, the old socket closes alone, and the server stops counting it.
  moved._handle = null;
  socket.destroy();
  return replacement;
}
