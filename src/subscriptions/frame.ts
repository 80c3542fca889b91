/**
 * The WebSocket frame of one `next` message, built by hand for the fan-out path (RFC 6455 §5.2). A server's frames
 * are unmasked, so a text message is a 2-, 4- or 10-byte header followed by its bytes: each socket gets its frame
 * as one buffer and one write, where `ws`'s `send` would allocate a header, cork, write twice and uncork.
 *
 * Written to the TCP socket under `ws`, whose own writes (acknowledgements, errors, pings, the close frame) are
 * whole frames too: `ws` never queues frames of its own without per-message compression, which the server turns
 * off, so the frames reach the client whole and in the order they were written.
 */

/** FIN and the text opcode: a whole message in one frame. */
const FIN_TEXT = 0x81;

/** One unmasked text frame holding `head` then `tail`. */
export function textFrame(head: Buffer, tail: Buffer): Buffer {
  const length = head.length + tail.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  head.copy(frame, header);
  tail.copy(frame, header + head.length);
  return frame;
}
