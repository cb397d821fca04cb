/**
 * The Jupyter wire protocol (messaging spec v5.3): building, signing, parsing and verifying
 * the multipart ZeroMQ frames of one message.
 *
 *   [routing ids..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...]
 *
 * The HMAC-SHA256 signature covers header, parent_header, metadata and content, in that order.
 * https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

/** A decoded message. `content` is left as `unknown`-valued JSON; readers narrow it by msg_type. */
export interface JupyterMessage {
  header: MessageHeader;
  /** Empty object when the message has no parent. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
  buffers: Buffer[];
}

/** Signs message frames with the connection key (empty key = signing disabled, per spec). */
export function sign(key: string, frames: readonly (string | Buffer)[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const frame of frames) hmac.update(frame);
  return hmac.digest("hex");
}

export function newHeader(msgType: string, session: string): MessageHeader {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session,
    username: "bnlab",
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

/** Encodes a message (without routing ids: DEALER/SUB sockets need none) into signed frames. */
export function encodeMessage(key: string, msg: Omit<JupyterMessage, "buffers"> & { buffers?: Buffer[] }): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((part) => Buffer.from(JSON.stringify(part)));
  return [DELIMITER, Buffer.from(sign(key, parts)), ...parts, ...(msg.buffers ?? [])];
}

/** Decodes frames received on any socket, verifying the signature. Throws on a bad one. */
export function decodeMessage(key: string, frames: readonly Buffer[]): JupyterMessage {
  const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiterAt < 0 || frames.length < delimiterAt + 6) {
    throw new Error(`malformed message: ${frames.length} frames, delimiter at ${delimiterAt}`);
  }
  const signature = frames[delimiterAt + 1].toString("ascii");
  const parts = frames.slice(delimiterAt + 2, delimiterAt + 6);
  const expected = sign(key, parts);
  const ok =
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
  if (!ok) throw new Error("message signature does not match the connection key");
  const [header, parent, metadata, content] = parts.map((part) => JSON.parse(part.toString("utf8")) as unknown);
  return {
    header: header as MessageHeader,
    parent_header: (parent ?? {}) as Partial<MessageHeader>,
    metadata: (metadata ?? {}) as Record<string, unknown>,
    content: (content ?? {}) as Record<string, unknown>,
    buffers: frames.slice(delimiterAt + 6),
  };
}
